// The member's signed-in devices: end one, or all of them.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { parseForm } from '../../lib/form-schema.ts'
import { sessionForm } from './accounts.schemas.ts'
import { revokeSession, signOutEverywhere } from './accounts.service.ts'

export async function sessionsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.post('/account/sessions/revoke', { schema: { body: sessionForm } }, async (request, reply) => {
    const form = parseForm(request, sessionForm)
    // Only the member's own sessions can match; an unknown one changes nothing.
    if (form.ok) await revokeSession(db, request.member!.id, form.values.session)
    request.session.flash = request.t('account.sessionRevoked')
    return reply.redirect('/account', 303)
  })

  app.post('/account/sessions/end-all', async (request, reply) => {
    await signOutEverywhere(db, request.member!.id)
    await request.session.destroy()
    reply.header('clear-site-data', '"cache", "cookies", "storage"')
    return reply.redirect('/login?signedOut=1', 303)
  })
}
