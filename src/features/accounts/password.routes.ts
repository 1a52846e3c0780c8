// A forgotten password: ask for a link, then set a new password on the link's page.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { forgotForm, resetForm, tokenParams } from './accounts.schemas.ts'
import { invalidLinkPage } from './mail-links.routes.ts'
import { requestPasswordReset, resetPassword } from './password-reset.ts'
import { attempt } from './refusals.ts'
import { perClient, publicRoute } from './route-limits.ts'
import { findValidToken } from './tokens.ts'

export async function passwordRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get('/password/forgot', { config: publicRoute }, async (request, reply) =>
    reply.page('accounts/forgot', { title: request.t('reset.request.title'), values: {} }),
  )

  app.post(
    '/password/forgot',
    { config: { ...publicRoute, rateLimit: perClient(5, 60) }, schema: { body: forgotForm } },
    async (request, reply) => {
      const form = parseForm(request, forgotForm)
      if (!form.ok) {
        return reply.code(422).page('accounts/forgot', {
          title: request.t('reset.request.title'),
          values: keepTyped(forgotForm, form.values),
          errors: form.errors,
        })
      }
      await requestPasswordReset(db, form.values.email, request.locale)
      return reply.page('accounts/message', {
        title: request.t('reset.request.title'),
        heading: 'reset.request.title',
        paragraphs: [request.t('reset.request.sent')],
      })
    },
  )

  app.get(
    '/password/reset/:token',
    { config: publicRoute, schema: { params: tokenParams } },
    async (request, reply) => {
      const { token } = request.params
      if (!(await findValidToken(db, token, 'reset_password'))) return invalidLinkPage(request, reply)
      return reply.page('accounts/reset', {
        title: request.t('reset.title'),
        action: `/password/reset/${token}`,
      })
    },
  )

  app.post(
    '/password/reset/:token',
    {
      config: { ...publicRoute, rateLimit: perClient(10, 15) },
      schema: { params: tokenParams, body: resetForm },
    },
    async (request, reply) => {
      const { token } = request.params
      const form = parseForm(request, resetForm)
      const outcome = form.ok
        ? await attempt(() => resetPassword(db, token, form.values.password), 'password')
        : { ok: false as const, errors: form.errors, status: 422 }
      if (!outcome.ok) {
        if (outcome.status === 503) reply.header('retry-after', '5')
        return reply.code(outcome.status).page('accounts/reset', {
          title: request.t('reset.title'),
          action: `/password/reset/${token}`,
          errors: labelErrors(resetForm, outcome.errors),
        })
      }
      if (!outcome.value) return invalidLinkPage(request, reply)
      if (request.member) await request.session.destroy()
      return reply.page('accounts/message', {
        title: request.t('reset.title'),
        heading: 'reset.title',
        paragraphs: [request.t('reset.done')],
        loginLink: true,
      })
    },
  )
}
