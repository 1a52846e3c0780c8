// The status page for people who are signed in but not (or no longer) verified: what their
// status means, what happens next and how long it usually takes, and the moderators'
// questions (Rückfragen), answered right here.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors } from '../../lib/errors.ts'
import { field, formSchema, keepTyped, parseForm } from '../../lib/form-schema.ts'
import { answerQuestion, questionsOf } from '../moderation/moderation.service.ts'
import { findMemberStatus } from './accounts.repository.ts'
import { requestReconfirmLink } from './reconfirmation.ts'
import { resendConfirmation } from './registration.ts'
import { perMember } from './route-limits.ts'

const answerForm = formSchema({
  question: field.id({ required: true }),
  answer: field.text({ required: true, max: 4000, label: 'questions.answerLabel' }),
})

interface StatusState {
  status?: number
  errors?: FieldErrors
  values?: Record<string, string>
  conflict?: string
}

export async function statusRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, config } = deps
  const signedIn = { access: 'signedIn' as const }

  async function renderStatus(request: FastifyRequest, reply: FastifyReply, state: StatusState = {}) {
    const member = await findMemberStatus(db, request.member!.id)
    if (!member) return reply.redirect('/login', 303)
    if (member.status === 'verified') return reply.redirect('/', 303)
    // A guest's own start page is their thread, or the page saying their access ended (features/guests).
    if (member.status === 'guest') return reply.redirect('/guest', 303)
    const waiting = member.status === 'pending_review'
    const questions = waiting ? await questionsOf(db, request.member!.id) : []
    const answering = state.values?.question
    return reply.code(state.status ?? 200).page('accounts/status', {
      title: request.t('status.title'),
      status: member.status,
      statusText: `status.${member.status}`,
      next: member.status === 'pending_email' || waiting ? `status.next.${member.status}` : undefined,
      reviewDays: config.reviewDaysTypical,
      supportEmail: config.supportEmail,
      questions: questions.map((q) => ({
        ...q,
        value: String(q.id) === answering ? state.values?.answer : '',
        error: String(q.id) === answering ? state.errors?.answer : undefined,
      })),
      suspendedUntil: member.status === 'suspended' ? member.suspended_until : null,
      canResend: member.status === 'pending_email',
      canReconfirm: member.status === 'expired',
      errors: state.errors,
      conflict: state.conflict,
    })
  }

  app.get('/status', { config: signedIn }, async (request, reply) => renderStatus(request, reply))

  app.post(
    '/status/answer',
    { config: { ...signedIn, rateLimit: perMember(10, 60) }, schema: { body: answerForm } },
    async (request, reply) => {
      const form = parseForm(request, answerForm)
      const values = keepTyped(answerForm, form.values)
      if (!form.ok) return renderStatus(request, reply, { status: 422, errors: form.errors, values })
      try {
        await answerQuestion(db, request.member!.id, Number(form.values.question), form.values.answer)
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        return renderStatus(request, reply, { status: 409, conflict: request.t(error.messageKey) })
      }
      request.session.flash = request.t('questions.sent')
      return reply.redirect('/status', 303)
    },
  )

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
