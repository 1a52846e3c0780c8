// A category's thread list (Themenraum), newest activity first, filtered and paged by keyset.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { groupOfCategory } from '../groups/groups.service.ts'
import * as categories from './categories.service.ts'
import { limits, slugParams, threadListQuery } from './discussions.schemas.ts'
import * as service from './discussions.service.ts'
import { fragment, me, page, stageOptions, withTagLinks } from './discussions.view.ts'

export const threadsPerPage = 25

/** A tag given as a list filter: normalised, or undefined when it cannot be a tag. */
function tagFilter(value: string | undefined): string | undefined {
  const tag = value?.trim().replace(/\s+/g, ' ').toLowerCase()
  return tag && tag.length <= limits.tagMax ? tag : undefined
}

/** The keyset cursor of a thread list: "<microseconds since 1970>-<id>". Malformed → first page. */
function parseCursor(value: string | undefined): { us: string; id: number } | undefined {
  const match = value ? /^(\d{1,16})-([1-9]\d{0,9})$/.exec(value) : null
  if (!match?.[1] || !match[2] || Number(match[2]) > 2_147_483_647) return undefined
  return { us: match[1], id: Number(match[2]) }
}

function listUrl(slug: string, filter: { stage?: string; tag?: string; after?: string }): string {
  const params = new URLSearchParams()
  if (filter.stage) params.set('stage', filter.stage)
  if (filter.tag) params.set('tag', filter.tag)
  if (filter.after) params.set('after', filter.after)
  const query = params.toString()
  return query ? `/c/${slug}?${query}` : `/c/${slug}`
}

export async function categoriesRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get(
    '/c/:slug',
    { schema: { params: slugParams, querystring: threadListQuery } },
    async (request, reply) => {
      const category = await categories.findCategory(db, me(request), request.params.slug)
      const stage = service.isStage(request.query.stage) ? request.query.stage : undefined
      const tag = tagFilter(request.query.tag)
      const after = parseCursor(request.query.after)
      const [{ threads, nextCursor }, group] = await Promise.all([
        service.listCategoryThreads(db, me(request), {
          locale: request.locale,
          categoryId: category.id,
          stage,
          tag,
          after,
          limit: threadsPerPage,
        }),
        // A closed group's Themenraum says so (the page passed the visibility rule above).
        groupOfCategory(db, category.id),
      ])
      const nextUrl = nextCursor ? listUrl(category.slug, { stage, tag, after: nextCursor }) : undefined
      const data = { category, threads: withTagLinks(threads), nextUrl }
      if (after && wantsFragment(request))
        return fragment(reply, 'discussions/_thread-page', { ...data, focusFirst: true })
      return page(reply, 'discussions/category', {
        ...data,
        title: category.name,
        group,
        stages: stageOptions(request.locale, stage),
        filter: { stage, tag },
        filtered: stage !== undefined || tag !== undefined,
        firstUrl: after ? listUrl(category.slug, { stage, tag }) : undefined,
      })
    },
  )
}
