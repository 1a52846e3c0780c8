// Guests in a single thread: the thread's guest page (proposal form, renew, end), the moderators'
// list of proposals, the invitation link (public: it sets the password) and the guest's own start
// page. Every form works without JavaScript (post, redirect, flash); a form with errors comes back
// with 422, all errors named and everything typed kept.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { keepTyped, parseForm } from '../../lib/form-schema.ts'
import {
  acceptForm,
  decisionForm,
  emptyForm,
  guestParams,
  limits,
  proposalForm,
  proposalParams,
  threadParams,
  tokenParams,
} from './guests.schemas.ts'
import * as service from './guests.service.ts'
import { dateLabel, guestRows, proposalRows } from './guests.view.ts'

/** Proposals are mails to outside addresses under our name: a few an hour per member. */
const proposalLimit = {
  max: 10,
  timeWindow: 3600_000,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `guest-proposal:${request.member?.id ?? request.ip}`,
}
const acceptLimit = {
  max: 10,
  timeWindow: 15 * 60_000,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `guest-accept:${request.ip}`,
}

function me(request: FastifyRequest): CurrentMember {
  // The trust gate has run: every route here but the public link has a signed-in person.
  return request.member!
}

export async function guestsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, config } = deps
  const days = config.guestAccessDays

  async function threadGuestsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    threadId: number,
    form: { values?: Record<string, string>; errors?: FieldErrors; refusal?: string } = {},
  ) {
    const data = await service.guestsPage(db, me(request), threadId)
    return reply.page('guests/thread-guests', {
      title: request.t('guests.page.title', { title: data.thread.title }),
      thread: data.thread,
      guests: guestRows(request.locale, data.guests, data.canManage),
      refusal: form.refusal ?? data.refusal,
      values: form.values ?? {},
      errors: form.errors,
      limits,
      days,
    })
  }

  app.get('/t/:id/guests', { schema: { params: threadParams } }, async (request, reply) =>
    threadGuestsPage(request, reply, request.params.id),
  )

  app.post(
    '/t/:id/guests',
    { config: { rateLimit: proposalLimit }, schema: { params: threadParams, body: proposalForm } },
    async (request, reply) => {
      const threadId = request.params.id
      const form = parseForm(request, proposalForm)
      try {
        await service.propose(db, me(request), threadId, form.values, form.errors)
        request.session.flash = request.t('guests.proposed')
        return reply.redirect(`/t/${threadId}/guests`, 303)
      } catch (error) {
        if (error instanceof ConflictError) {
          reply.code(409)
          return threadGuestsPage(request, reply, threadId, { refusal: error.messageKey })
        }
        if (!(error instanceof ValidationError)) throw error
        reply.code(422)
        return threadGuestsPage(request, reply, threadId, {
          values: keepTyped(proposalForm, form.values),
          errors: error.fields,
        })
      }
    },
  )

  for (const action of ['renew', 'end'] as const) {
    app.post(
      `/t/:id/guests/:guestId/${action}`,
      { schema: { params: guestParams, body: emptyForm } },
      async (request, reply) => {
        const { id, guestId } = request.params
        try {
          await service.manage(db, me(request), id, guestId, action, days)
          request.session.flash = request.t(action === 'renew' ? 'guests.renewed' : 'guests.ended')
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error
          request.session.flash = request.t(error.messageKey)
        }
        return reply.redirect(`/t/${id}/guests`, 303)
      },
    )
  }

  // --- the moderators ------------------------------------------------------------------

  const moderator = { access: 'moderator' as const }

  app.get('/moderation/guests', { config: moderator }, async (request, reply) => {
    const open = await service.proposals(db)
    return reply.page('guests/moderation', {
      title: request.t('guests.moderation.title'),
      proposals: proposalRows(open),
    })
  })

  app.post(
    '/moderation/guests/:guestId',
    { config: moderator, schema: { params: proposalParams, body: decisionForm } },
    async (request, reply) => {
      const form = parseForm(request, decisionForm)
      if (!form.ok) throw new ValidationError(form.errors)
      try {
        await service.decide(db, me(request), request.params.guestId, form.values.decision, days)
        const done =
          form.values.decision === 'approve' ? 'guests.moderation.approved' : 'guests.moderation.declined'
        request.session.flash = request.t(done)
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        request.session.flash = request.t(error.messageKey)
      }
      return reply.redirect('/moderation/guests', 303)
    },
  )

  // --- the guest -----------------------------------------------------------------------

  const open = { access: 'public' as const }

  function invalidLink(request: FastifyRequest, reply: FastifyReply) {
    return reply.code(404).page('guests/invalid', { title: request.t('guests.accept.invalid.title') })
  }

  function acceptPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    email: string,
    errors?: FieldErrors,
  ) {
    return reply.page('guests/accept', {
      title: request.t('guests.accept.title'),
      action: `/guest/accept/${token}`,
      email,
      days,
      errors,
    })
  }

  app.get(
    '/guest/accept/:token',
    { config: open, schema: { params: tokenParams } },
    async (request, reply) => {
      const invitation = await service.openInvitation(db, request.params.token)
      if (!invitation) return invalidLink(request, reply)
      return acceptPage(request, reply, request.params.token, invitation.email)
    },
  )

  app.post(
    '/guest/accept/:token',
    { config: { ...open, rateLimit: acceptLimit }, schema: { params: tokenParams, body: acceptForm } },
    async (request, reply) => {
      const { token } = request.params
      const form = parseForm(request, acceptForm)
      try {
        if (!form.ok) throw new ValidationError(form.errors)
        const threadId = await service.accept(db, token, form.values.password, days)
        if (threadId === undefined) return invalidLink(request, reply)
        request.session.flash = request.t('guests.accept.done')
        return reply.redirect(`/login?next=${encodeURIComponent(`/t/${threadId}`)}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const invitation = await service.openInvitation(db, token)
        if (!invitation) return invalidLink(request, reply)
        reply.code(422)
        return acceptPage(request, reply, token, invitation.email, error.fields)
      }
    },
  )

  // The guest's start page: their thread while the access holds, else a clear page saying it ended.
  app.get('/guest', { config: { access: 'signedIn' } }, async (request, reply) => {
    const member = me(request)
    if (member.status !== 'guest') return reply.redirect('/status', 303)
    const home = await service.guestHome(db, member)
    if (home.current.length === 1) return reply.redirect(`/t/${home.current[0]!.threadId}`, 303)
    return reply.page('guests/home', {
      title: request.t(home.current.length > 0 ? 'guests.home.title' : 'guests.home.expired.title'),
      threads: home.current.map((t) => ({
        ...t,
        until: dateLabel(request.locale, t.expiresAt),
      })),
      expired: home.current.length === 0,
    })
  })
}
