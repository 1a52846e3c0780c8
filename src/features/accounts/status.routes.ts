// The status page for people who are signed in but not (or no longer) verified.
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { findMemberStatus } from './accounts.repository.ts'
import { requestReconfirmLink } from './reconfirmation.ts'
import { resendConfirmation } from './registration.ts'
import { perMember } from './route-limits.ts'

export async function statusRoutes(app: FastifyInstance, deps: FeatureDeps) {
  const { db } = deps
  const signedIn = { access: 'signedIn' as const }

  app.get('/status', { config: signedIn }, async (request, reply) => {
    const member = await findMemberStatus(db, request.member!.id)
    if (!member) return reply.redirect('/login', 303)
    if (member.status === 'verified') return reply.redirect('/', 303)
    return reply.page('accounts/status', {
      title: request.t('status.title'),
      status: member.status,
      statusText: `status.${member.status}`,
      suspendedUntil: member.status === 'suspended' ? member.suspended_until : null,
      canResend: member.status === 'pending_email',
      canReconfirm: member.status === 'expired',
    })
  })

  app.post(
    '/status/resend',
    { config: { ...signedIn, rateLimit: perMember(3, 60) } },
    async (request, reply) => {
      await resendConfirmation(db, request.member!.id)
      request.session.flash = request.t('status.resent')
      return reply.redirect('/status', 303)
    },
  )

  app.post(
    '/status/reconfirm',
    { config: { ...signedIn, rateLimit: perMember(3, 60) } },
    async (request, reply) => {
      const outcome = await requestReconfirmLink(db, request.member!.id)
      request.session.flash = request.t(outcome === 'review' ? 'status.sentToReview' : 'status.resent')
      return reply.redirect('/status', 303)
    },
  )
}
