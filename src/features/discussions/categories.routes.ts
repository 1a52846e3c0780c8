// The home page, a category's thread list, and the admins' category management.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/database.ts'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { wantsFragment } from '../../plugins/views.ts'
import * as categories from './categories.service.ts'
import * as service from './discussions.service.ts'
import { common, stageOptions, withTagLinks } from './discussions.view.ts'
import { formOf, idParam, isStage, parseCursor, tagFilter, text } from './forms.ts'
import { countUnread } from './notifications.repository.ts'

type Render = (
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  data: Record<string, unknown>,
) => FastifyReply

export const threadsPerPage = 25

function firstParams(stage: string | undefined, tag: string | undefined): string {
  const params = new URLSearchParams()
  if (stage) params.set('stage', stage)
  if (tag) params.set('tag', tag)
  return params.toString()
}

/** The verified member's home page (GET / in the pages feature calls this). */
export async function renderHome(request: FastifyRequest, reply: FastifyReply, db: Db) {
  const member = request.member!
  const [overview, bellCount] = await Promise.all([
    categories.homeOverview(db, member, request.locale),
    countUnread(db, member.id),
  ])
  request.bellCount = bellCount
  return reply.page('pages/home', {
    ...common(request),
    bellCount,
    bellLoaded: true,
    title: request.t('home.title'),
    categories: overview.categories,
    threads: withTagLinks(overview.recent),
    showCategory: true,
  })
}

export async function categoriesRoutes(
  app: FastifyInstance,
  deps: FeatureDeps,
  render: { page: Render; fragment: Render },
) {
  const { db } = deps
  const { page, fragment } = render

  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/c/:slug',
    async (request, reply) => {
      const category = await categories.findCategory(db, request.params.slug)
      const query = request.query
      const stage = isStage(query.stage) ? query.stage : undefined
      const tag = tagFilter(query.tag)
      const after = parseCursor(query.after)
      const { threads, nextCursor } = await service.listCategoryThreads(db, request.member!, {
        locale: request.locale,
        categoryId: category.id,
        stage,
        tag,
        after,
        limit: threadsPerPage,
      })
      const params = new URLSearchParams()
      if (stage) params.set('stage', stage)
      if (tag) params.set('tag', tag)
      if (nextCursor) params.set('after', nextCursor)
      const nextUrl = nextCursor ? `/c/${category.slug}?${params.toString()}` : undefined
      const data = { category, threads: withTagLinks(threads), nextUrl }
      if (after && wantsFragment(request))
        return fragment(request, reply, 'discussions/_thread-page', { ...data, focusFirst: true })
      return page(request, reply, 'discussions/category', {
        ...data,
        title: category.name,
        stages: stageOptions(request.locale, stage),
        filter: { stage, tag },
        filtered: stage !== undefined || tag !== undefined,
        firstUrl: after
          ? `/c/${category.slug}${stage || tag ? `?${firstParams(stage, tag)}` : ''}`
          : undefined,
      })
    },
  )

  // ---------------------------------------------------------------------------------------
  // Administration (admins only)

  const admin = { config: { access: 'admin' as const } }

  async function adminPage(request: FastifyRequest, reply: FastifyReply, values = {}, errors?: FieldErrors) {
    const all = await categories.allCategories(db)
    return page(request, reply, 'discussions/admin-categories', {
      title: request.t('discussions.admin.title'),
      categories: all.map((c, index) => ({ ...c, first: index === 0, last: index === all.length - 1 })),
      values,
      errors,
    })
  }

  const categoryInput = (body: unknown) => {
    const form = formOf(body)
    return { name: text(form, 'name'), slug: text(form, 'slug'), description: text(form, 'description') }
  }

  app.get('/admin/categories', admin, async (request, reply) => adminPage(request, reply))

  app.post('/admin/categories', admin, async (request, reply) => {
    const input = categoryInput(request.body)
    try {
      await categories.createCategory(db, input)
      return reply.redirect('/admin/categories', 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      reply.code(422)
      return adminPage(request, reply, input, error.fields)
    }
  })

  app.get<{ Params: { id: string } }>('/admin/categories/:id', admin, async (request, reply) => {
    const category = await categories.categoryForEdit(db, idParam(request.params.id))
    return page(request, reply, 'discussions/admin-category', {
      title: request.t('discussions.admin.editTitle', { name: category.name }),
      category,
      values: category,
    })
  })

  app.post<{ Params: { id: string } }>('/admin/categories/:id', admin, async (request, reply) => {
    const id = idParam(request.params.id)
    const input = categoryInput(request.body)
    try {
      await categories.updateCategory(db, id, input)
      return reply.redirect('/admin/categories', 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const category = await categories.categoryForEdit(db, id)
      reply.code(422)
      return page(request, reply, 'discussions/admin-category', {
        title: request.t('discussions.admin.editTitle', { name: category.name }),
        category,
        values: input,
        errors: error.fields,
      })
    }
  })

  app.post<{ Params: { id: string } }>('/admin/categories/:id/move', admin, async (request, reply) => {
    const direction = text(formOf(request.body), 'direction')
    if (direction !== 'up' && direction !== 'down')
      throw new ValidationError({ direction: { key: 'validation.invalid' } })
    await categories.moveCategory(db, idParam(request.params.id), direction)
    return reply.redirect('/admin/categories', 303)
  })

  app.post<{ Params: { id: string } }>('/admin/categories/:id/archive', admin, async (request, reply) => {
    const archived = text(formOf(request.body), 'archived') === 'true'
    await categories.archiveCategory(db, idParam(request.params.id), archived)
    return reply.redirect('/admin/categories', 303)
  })
}
