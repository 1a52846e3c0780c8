// A member invites a colleague.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { keepTyped, parseForm } from '../../lib/form-schema.ts'
import { inviteForm } from './accounts.schemas.ts'
import { invitationDays, invitationsPerDay, inviteColleague } from './invitations.ts'
import { perMember } from './route-limits.ts'

const limits = { invitationDays, invitationsPerDay }

export async function invitationsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/invite', async (request, reply) =>
    reply.page('accounts/invite', { title: request.t('invite.title'), values: {}, ...limits }),
  )

  app.post(
    '/invite',
    { config: { rateLimit: perMember(invitationsPerDay, 24 * 60) }, schema: { body: inviteForm } },
    async (request, reply) => {
      const form = parseForm(request, inviteForm)
      if (!form.ok) {
        return reply.code(422).page('accounts/invite', {
          title: request.t('invite.title'),
          values: keepTyped(inviteForm, form.values),
          errors: form.errors,
          ...limits,
        })
      }
      await inviteColleague(deps.db, request.member!, form.values.email, form.values.note)
      request.session.flash = request.t('invite.sent', { email: form.values.email })
      return reply.redirect('/invite', 303)
    },
  )
}
