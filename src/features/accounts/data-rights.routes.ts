// "Meine Daten": download everything stored about me (Art. 15/20), and delete my account (Art. 17).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors } from '../../lib/errors.ts'
import { keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { deleteOwnAccount } from './account-deletion.ts'
import { deleteAccountForm, exportParams } from './accounts.schemas.ts'
import { findDataExport, listDataExports, requestDataExport } from './data-export.ts'
import { attempt, inFieldOrder } from './refusals.ts'
import { perMember } from './route-limits.ts'

export async function dataRightsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  async function renderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    problems?: { status: number; errors: FieldErrors; values: Record<string, string> },
  ) {
    const exports = await listDataExports(db, request.member!.id)
    if (problems?.status === 503) reply.header('retry-after', '5')
    return reply.code(problems?.status ?? 200).page('accounts/data', {
      title: request.t('dataRights.title'),
      exports: exports.map((e) => ({ ...e, kilobytes: Math.max(1, Math.ceil((e.byteSize ?? 0) / 1024)) })),
      pending: exports.some((e) => e.status === 'pending'),
      values: problems?.values ?? { posts: 'keep' },
      errors: problems?.errors,
    })
  }

  app.get('/account/data', async (request, reply) => renderPage(request, reply))

  app.post(
    '/account/data/export',
    { config: { rateLimit: perMember(5, 24 * 60) } },
    async (request, reply) => {
      try {
        await requestDataExport(db, request.member!.id)
        request.session.flash = request.t('dataRights.export.requested')
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        request.session.flash = request.t(error.messageKey)
      }
      return reply.redirect('/account/data', 303)
    },
  )

  app.get('/account/data/export/:id', { schema: { params: exportParams } }, async (request, reply) => {
    const file = await findDataExport(db, request.member!.id, request.params.id)
    const day = file.readyAt.toISOString().slice(0, 10)
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="vertrauensraum-daten-${day}.json"`)
      .send(file.content)
  })

  app.post('/account/delete', { schema: { body: deleteAccountForm } }, async (request, reply) => {
    const form = parseForm(request, deleteAccountForm)
    const errors: FieldErrors = { ...form.errors }
    if (!errors.confirm && form.values.confirm !== 'yes')
      errors.confirm = { key: 'dataRights.delete.confirmMissing' }
    const values = keepTyped(deleteAccountForm, form.values)
    const outcome =
      Object.keys(errors).length === 0
        ? await attempt(
            () =>
              deleteOwnAccount(db, request.member!.id, {
                password: form.values.password,
                posts: form.values.posts,
              }),
            'password',
          )
        : { ok: false as const, errors, status: 422 }
    if (!outcome.ok) {
      const fields = ['password', 'posts', 'confirm']
      return renderPage(request, reply, {
        status: outcome.status,
        errors: labelErrors(deleteAccountForm, inFieldOrder(fields, asDeleteErrors(outcome.errors))),
        values,
      })
    }
    await request.session.destroy()
    reply.header('clear-site-data', '"cache", "cookies", "storage"')
    return reply.page('accounts/message', {
      title: request.t('dataRights.deleted.title'),
      heading: 'dataRights.deleted.title',
      paragraphs: [request.t('dataRights.deleted.text')],
    })
  })
}

/** The current-password check names its field currentPassword; here it is the password field. */
function asDeleteErrors(errors: FieldErrors): FieldErrors {
  const { currentPassword, ...rest } = errors
  return currentPassword ? { ...rest, password: currentPassword } : rest
}
