// Organisation pages, tag pages and the thread page's "Wer macht das schon?" box: for verified
// members only (the trust gate's default). Every page works without JavaScript; the box is
// loaded into the thread page by htmx and is a page of its own without it.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { param } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import type { ThreadLine } from './network.repository.ts'
import * as service from './network.service.ts'
import {
  formatNumber,
  kindLabel,
  landLabel,
  organisationLink,
  practiceView,
  stageSummary,
  tagHref,
  threadLineView,
} from './network.view.ts'

function me(request: FastifyRequest): CurrentMember {
  // The trust gate has run: every route here has a verified member.
  return request.member!
}

const keyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 40 }) })
const tagParams = Type.Object({ tag: Type.String({ minLength: 1, maxLength: 100 }) })
// Lenient: a cursor that makes no sense shows the first page.
const tagQuery = Type.Object({ after: Type.Optional(Type.String({ maxLength: 100 })) })

function threadLines(request: FastifyRequest, threads: readonly ThreadLine[]) {
  return threads.map((thread) => threadLineView(request.locale, thread))
}

export async function networkRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get('/o/:key', { schema: { params: keyParams } }, async (request, reply) => {
    const page = await service.loadOrganisationPage(db, me(request), request.params.key)
    if (page.redirect !== undefined) return reply.redirect(page.redirect, 301)
    const { organisation } = page
    const locale = request.locale
    return reply.page('network/organisation', {
      title: organisation.name,
      organisation: {
        ...organisation,
        kindLabel: kindLabel(locale, organisation.kind),
        landLabel: organisation.kind === 'land' ? undefined : landLabel(locale, organisation.land),
        population: formatNumber(locale, organisation.population),
      },
      chain: page.chain.map((parent) => organisationLink(locale, parent)),
      crumbs: [...page.chain].reverse().map((parent) => organisationLink(locale, parent)),
      mergedInto: page.mergedInto ? organisationLink(locale, page.mergedInto) : undefined,
      members: page.members.map((member) => ({ ...member, href: `/m/${member.id}` })),
      moreMembers: page.moreMembers,
      allMembersHref: `/members?organisation=${organisation.id}`,
      threads: threadLines(request, page.threads),
      stageSummary: stageSummary(locale, page.stageCounts),
      showBelow: page.below !== undefined,
      below: (page.below ?? []).map((entry) => ({
        ...organisationLink(locale, entry),
        memberCount: entry.memberCount,
        population: formatNumber(locale, entry.population),
      })),
      served: page.served.map((entry) => organisationLink(locale, entry)),
      servedBy: page.servedBy.map((entry) => organisationLink(locale, entry)),
      documents: page.documents,
    })
  })

  app.get('/tags/:tag', { schema: { params: tagParams, querystring: tagQuery } }, async (request, reply) => {
    const page = await service.loadTagPage(db, me(request), request.params.tag, request.query.after)
    const locale = request.locale
    return reply.page('network/tag', {
      title: request.t('network.tag.title', { tag: page.tag }),
      tag: page.tag,
      practice: practiceView(locale, page.practice),
      experts: page.experts.map((expert) => ({
        ...expert,
        href: `/m/${expert.id}`,
        organisation: organisationLink(locale, {
          id: expert.organisationId,
          name: expert.organisationName,
          kind: expert.organisationKind,
          ags: expert.ags,
          ars: expert.ars,
        }),
      })),
      moreExperts: page.moreExperts,
      expertsHref: `/members?topic=${encodeURIComponent(page.tag)}`,
      threads: threadLines(request, page.threads),
      paged: page.paged,
      firstHref: tagHref(page.tag),
      nextHref: page.nextCursor
        ? `${tagHref(page.tag)}?after=${encodeURIComponent(page.nextCursor)}`
        : undefined,
    })
  })

  // The thread page's box: htmx loads it into the page; without JavaScript it is a page.
  app.get(
    '/network/thread/:id',
    { schema: { params: Type.Object({ id: param.id() }) } },
    async (request, reply) => {
      const box = await service.loadThreadPractice(db, me(request), request.params.id)
      const data = {
        threadId: box.threadId,
        threadTitle: box.title,
        hasTags: box.tags.length > 0,
        tags: box.tags.map((tag) => ({ name: tag, href: tagHref(tag) })),
        practice: practiceView(request.locale, box.practice),
      }
      if (wantsFragment(request)) return reply.fragment('network/_thread-box', data)
      return reply.page('network/thread-box', { ...data, title: request.t('network.box.heading') })
    },
  )
}
