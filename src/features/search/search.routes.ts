// Search and similar threads: for verified members only (the trust gate's default). Every URL
// works without JavaScript; htmx asks the same URLs for the regions it replaces.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { param } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { stages } from '../discussions/discussions.service.ts'
import { landNames } from '../organisations/organisations.service.ts'
import { filterNames, listCategoriesForFilter } from './search.repository.ts'
import * as service from './search.service.ts'
import { headerResultsView, searchPageView } from './search.view.ts'

// Lenient on purpose: a filter that makes no sense is a message on the page, not a 400.
const text = (max: number) => Type.Optional(Type.String({ maxLength: max }))
const searchQuery = Type.Object({
  q: text(4000),
  category: text(200),
  stage: text(100),
  tag: text(200),
  author: text(100),
  organisation: text(100),
  land: text(100),
  from: text(100),
  to: text(100),
  sort: text(100),
  page: text(100),
})

const draftBody = Type.Object({
  title: text(1000),
  body: text(40_000),
})

function me(request: FastifyRequest): CurrentMember {
  // The trust gate has run: every route here has a verified member.
  return request.member!
}

export async function searchRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get('/search', { schema: { querystring: searchQuery } }, async (request, reply) => {
    // The header field's live results while typing: the best few hits of the words alone.
    if (wantsFragment(request) && request.headers['hx-target'] === 'header-search-results') {
      const asked = service.readSearchInput({ q: request.query.q })
      const result = await service.search(db, me(request), asked, service.headerOptions)
      return reply.fragment('search/_header-results', headerResultsView(request, asked, result))
    }
    const asked = service.readSearchInput(request.query)
    const named = asked.filters.authorId !== undefined || asked.filters.organisationId !== undefined
    const [result, names] = await Promise.all([
      service.search(db, me(request), asked),
      named ? filterNames(db, asked.filters) : {},
    ])
    // The search statement brings the Themenräume along; without a search they are asked for.
    const categories = result.categories ?? (await listCategoriesForFilter(db, me(request).id))
    const searchRequest = service.withCategoryChecked(asked, categories)
    const view = searchPageView(request, {
      request: searchRequest,
      result,
      categories,
      stages,
      lands: landNames,
      names,
    })
    if (Object.keys(searchRequest.errors).length > 0) reply.code(422)
    // The live results while typing: only the results region (and the announcement).
    if (wantsFragment(request) && request.headers['hx-target'] === 'search-results')
      return reply.fragment('search/_results', { ...view, oob: true })
    return reply.page('search/search', view)
  })

  // Similar threads for a thread being written (the new-thread form asks while the member types).
  app.post('/search/similar', { schema: { body: draftBody } }, async (request, reply) => {
    const similar = await service.similarToDraft(db, me(request), {
      title: request.body.title ?? '',
      body: request.body.body ?? '',
    })
    return reply.fragment('search/_similar', { similar, checked: true })
  })

  // "Ähnliche Themen" of a thread: loaded into the thread page by htmx, or a page of its own.
  app.get(
    '/search/similar/:id',
    { schema: { params: Type.Object({ id: param.id() }) } },
    async (request, reply) => {
      const similar = await service.similarToThread(db, me(request), request.params.id)
      const data = { similar, threadId: request.params.id, title: request.t('search.similar.threadHeading') }
      if (wantsFragment(request)) return reply.fragment('search/_thread-similar', data)
      return reply.page('search/similar', data)
    },
  )
}
