// Profiles, the members directory and succession: for verified members only (the trust gate's
// default). Every form works without JavaScript; the directory filters live with htmx.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import { organisationKinds } from '../../db/schema.ts'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { permalink } from '../discussions/discussions.service.ts'
import {
  kindLabel,
  organisationHref,
  organisationLink,
  tagHref,
  threadLineView,
} from '../network/network.service.ts'
import { directoryQuery, idParams, limits, profileForm, successionForm } from './profiles.schemas.ts'
import * as service from './profiles.service.ts'

function me(request: FastifyRequest): CurrentMember {
  // The trust gate has run: every route here has a verified member.
  return request.member!
}

function editPage(reply: FastifyReply, data: { values: Record<string, string>; errors?: FieldErrors }) {
  const request = reply.request
  return reply.page('profiles/edit', {
    title: request.t('profile.edit.title'),
    limits,
    profileHref: `/m/${me(request).id}`,
    ...data,
  })
}

export async function profilesRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get('/m/:id', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = me(request)
    const page = await service.loadProfile(db, viewer, request.params.id)
    const { profile } = page
    const locale = request.locale
    const organisation = {
      id: profile.organisationId,
      name: profile.organisationName,
      kind: profile.organisationKind,
      ags: profile.ags,
      ars: profile.ars,
    }
    return reply.page('profiles/profile', {
      title: profile.name,
      profile: {
        ...profile,
        left: profile.status === 'left',
        staff: profile.role === 'member' ? undefined : `profile.staff.${profile.role}`,
      },
      organisation: { ...organisationLink(locale, organisation), href: organisationHref(organisation) },
      chain: page.chain.map((parent) => organisationLink(locale, parent)),
      topics: profile.topics.map((tag) => ({ name: tag, href: tagHref(tag) })),
      threads: page.threads.map((thread) => threadLineView(locale, thread)),
      hideAuthor: true,
      replies: page.replies.map((reply) => ({
        ...reply,
        href: permalink(reply.threadId, reply.postId),
        createdIso: new Date(reply.createdAt).toISOString(),
      })),
      predecessors: page.predecessors.map((person) => ({ ...person, href: `/m/${person.id}` })),
      successor: page.successor ? { ...page.successor, href: `/m/${page.successor.id}` } : undefined,
      isoMemberSince: profile.memberSince ? new Date(profile.memberSince).toISOString() : undefined,
      own: page.own,
      canMessage: !page.own && profile.status === 'verified',
      canArrangeSuccession: profile.status !== 'left' && service.canArrangeSuccession(viewer, profile.id),
      successionHref: `/m/${profile.id}/succession`,
    })
  })

  app.get('/account/profile', async (request, reply) =>
    editPage(reply, { values: await service.loadProfileForm(db, me(request)) }),
  )

  app.post('/account/profile', { schema: { body: profileForm } }, async (request, reply) => {
    const form = parseForm(request, profileForm)
    try {
      await service.saveProfile(db, me(request), form.values, form.errors)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return editPage(reply.code(422), {
        values: keepTyped(profileForm, form.values),
        errors: labelErrors(profileForm, error.fields),
      })
    }
    request.session.flash = request.t('profile.edit.saved')
    return reply.redirect(`/m/${me(request).id}`, 303)
  })

  app.get('/members', { schema: { querystring: directoryQuery } }, async (request, reply) => {
    const directory = service.readDirectoryInput(request.query)
    const result = await service.loadDirectory(db, directory)
    const locale = request.locale
    const params = directory.params
    const url = (extra: Record<string, string>) => {
      const query = new URLSearchParams({ ...params, ...extra }).toString()
      return query ? `/members?${query}` : '/members'
    }
    const kreise = result.kreise.map((kreis) => ({
      ...kreis,
      selected: kreis.id === directory.filters.kreisId,
    }))
    if (result.kreis && !kreise.some((kreis) => kreis.selected))
      kreise.unshift({ id: result.kreis.id, name: result.kreis.name, land: null, selected: true })
    const lands = Array.from({ length: 16 }, (_, index) => String(index + 1).padStart(2, '0')).map(
      (code) => ({
        code,
        name: request.t(`organisation.land.${code}`),
        selected: code === directory.filters.land,
      }),
    )
    const view = {
      title: request.t('members.title'),
      values: params,
      errors: directory.errors,
      members: result.members.map((member) => ({
        ...member,
        href: `/m/${member.id}`,
        organisation: organisationLink(locale, {
          id: member.organisationId,
          name: member.organisationName,
          kind: member.organisationKind,
          ags: member.ags,
          ars: member.ars,
        }),
        topics: member.topics.map((tag) => ({ name: tag, href: tagHref(tag) })),
      })),
      lands,
      kreise,
      kinds: organisationKinds.map((kind) => ({
        value: kind,
        label: kindLabel(locale, kind),
        selected: kind === directory.filters.kind,
      })),
      sizes: Object.keys(service.sizeBands).map((size) => ({
        value: size,
        label: request.t(`members.size.${size}`),
        selected: size === params.size,
      })),
      organisation: result.organisation,
      paged: directory.after !== undefined,
      firstHref: url({}),
      nextHref: result.nextCursor ? url({ after: result.nextCursor }) : undefined,
      resetHref: Object.keys(params).length > 0 ? '/members' : undefined,
    }
    if (Object.keys(directory.errors).length > 0) reply.code(422)
    // Live filtering: only the results region.
    if (wantsFragment(request) && request.headers['hx-target'] === 'member-results')
      return reply.fragment('profiles/_member-results', { ...view, oob: true })
    return reply.page('profiles/members', view)
  })

  app.get('/m/:id/succession', { schema: { params: idParams } }, async (request, reply) => {
    const form = await service.loadSuccessionForm(db, me(request), request.params.id)
    return reply.page('profiles/succession', { title: request.t('succession.title'), ...form, values: {} })
  })

  app.post(
    '/m/:id/succession',
    {
      schema: { params: idParams, body: successionForm },
      // Each naming mails an outside address under our name.
      config: {
        rateLimit: {
          max: 10,
          timeWindow: 24 * 3600_000,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => `succession:${request.member?.id ?? request.ip}`,
        },
      },
    },
    async (request, reply) => {
      const form = parseForm(request, successionForm)
      const leaverId = request.params.id
      try {
        const named = await service.nameSuccessor(
          db,
          me(request),
          leaverId,
          form.values,
          form.errors,
          request.locale,
        )
        if (named.closed && leaverId === me(request).id) return reply.redirect('/login?signedOut=1', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const page = await service.loadSuccessionForm(db, me(request), leaverId)
        return reply.code(422).page('profiles/succession', {
          title: request.t('succession.title'),
          ...page,
          values: keepTyped(successionForm, form.values),
          errors: labelErrors(successionForm, error.fields),
        })
      }
      request.session.flash = request.t('succession.named', { email: form.values.email })
      return reply.redirect(`/m/${leaverId}`, 303)
    },
  )

  app.post('/m/:id/succession/cancel', { schema: { params: idParams } }, async (request, reply) => {
    if (await service.cancelSuccession(db, me(request), request.params.id))
      request.session.flash = request.t('succession.cancelled')
    return reply.redirect(`/m/${request.params.id}/succession`, 303)
  })
}
