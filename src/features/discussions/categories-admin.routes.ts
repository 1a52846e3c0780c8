// The admins' management of categories (Themenräume): create, rename, order, archive.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { keepTyped, parseForm } from '../../lib/form-schema.ts'
import * as categories from './categories.service.ts'
import { archiveForm, categoryForm, idParams, moveForm } from './discussions.schemas.ts'
import { page } from './discussions.view.ts'

export async function categoriesAdminRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps
  const admin = { access: 'admin' as const }

  async function listPage(request: FastifyRequest, reply: FastifyReply, values = {}, errors?: FieldErrors) {
    const all = await categories.allCategories(db)
    return page(reply, 'discussions/admin-categories', {
      title: request.t('discussions.admin.title'),
      categories: all.map((c, index) => ({ ...c, first: index === 0, last: index === all.length - 1 })),
      values,
      errors,
    })
  }

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    values?: Record<string, unknown>,
    errors?: FieldErrors,
  ) {
    const category = await categories.categoryForEdit(db, id)
    return page(reply, 'discussions/admin-category', {
      title: request.t('discussions.admin.editTitle', { name: category.name }),
      category,
      values: values ?? category,
      errors,
    })
  }

  app.get('/admin/categories', { config: admin }, async (request, reply) => listPage(request, reply))

  app.post('/admin/categories', { config: admin, schema: { body: categoryForm } }, async (request, reply) => {
    const form = parseForm(request, categoryForm)
    try {
      await categories.createCategory(db, form.values, form.errors)
      return reply.redirect('/admin/categories', 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      reply.code(422)
      return listPage(request, reply, keepTyped(categoryForm, form.values), error.fields)
    }
  })

  app.get('/admin/categories/:id', { config: admin, schema: { params: idParams } }, async (request, reply) =>
    editPage(request, reply, request.params.id),
  )

  app.post(
    '/admin/categories/:id',
    { config: admin, schema: { params: idParams, body: categoryForm } },
    async (request, reply) => {
      const form = parseForm(request, categoryForm)
      try {
        await categories.updateCategory(db, request.params.id, form.values, form.errors)
        return reply.redirect('/admin/categories', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(422)
        return editPage(request, reply, request.params.id, keepTyped(categoryForm, form.values), error.fields)
      }
    },
  )

  app.post(
    '/admin/categories/:id/move',
    { config: admin, schema: { params: idParams, body: moveForm } },
    async (request, reply) => {
      const form = parseForm(request, moveForm)
      if (!form.ok) throw new ValidationError(form.errors)
      await categories.moveCategory(db, request.params.id, form.values.direction)
      return reply.redirect('/admin/categories', 303)
    },
  )

  app.post(
    '/admin/categories/:id/archive',
    { config: admin, schema: { params: idParams, body: archiveForm } },
    async (request, reply) => {
      const form = parseForm(request, archiveForm)
      if (!form.ok) throw new ValidationError(form.errors)
      await categories.archiveCategory(db, request.params.id, form.values.archived === 'true')
      return reply.redirect('/admin/categories', 303)
    },
  )
}
