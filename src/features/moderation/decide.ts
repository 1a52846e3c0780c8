// What every moderation decision does after the service call: a confirmation and a redirect;
// a lost race (someone decided first) re-renders the page the moderator came from (409).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ConflictError } from '../../lib/errors.ts'

export interface DecisionOutcome {
  /** Catalogue key of the confirmation shown after the redirect. */
  done: string
  back: string
  onConflict: (message: string) => Promise<FastifyReply> | FastifyReply
}

export async function decide(
  request: FastifyRequest,
  reply: FastifyReply,
  action: () => Promise<void>,
  outcome: DecisionOutcome,
) {
  try {
    await action()
  } catch (error) {
    if (error instanceof ConflictError) return outcome.onConflict(request.t(error.messageKey))
    throw error
  }
  request.session.flash = request.t(outcome.done)
  return reply.redirect(outcome.back, 303)
}
