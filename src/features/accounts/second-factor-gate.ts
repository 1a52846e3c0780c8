// The second factor's gate, in one place, for every route of the site (registered beside the
// trust gate in app.ts, after it).
//
// A session that has not passed the second factor although it must (the password was right and
// the member has a factor; or the member is staff, who must have one) is not signed in for the
// rest of the app: `request.member` is empty, so the trust gate sends it to /login, which sends
// it on to /login/second-factor. Only that page, the QR image and logout see the member, as
// `request.awaitingSecondFactor`. This costs no query: it reads the session and the member row
// the trust gate loaded anyway.
//
// Routes with `config: { secondFactor: 'recent' }` (role changes, suspensions, organisation
// domains …) also want the factor given within the last 15 minutes. When it is older, a form
// post is answered with a page that asks for the code and carries the form's fields along; the
// code goes to /account/second-factor/confirm, which answers 307, so the browser posts the same
// form again to the same address: nothing typed is lost, and it works without JavaScript.
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { labelErrors } from '../../lib/form-schema.ts'
import { stepUpForm } from './accounts.schemas.ts'
import { isStaff, passedRecently } from './second-factor.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'recent': the second factor must have been given in the last 15 minutes. */
    secondFactor?: 'recent'
  }
  interface FastifyRequest {
    /** A signed-in member whose session still owes the second factor (see above). */
    awaitingSecondFactor: CurrentMember | null
  }
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** A wrong code on the step-up page, shown once when the form comes back. */
    stepUpRefusal?: { key: string; status: number }
  }
}

/** The hidden field that names where the form was going (the confirm route sends it back there). */
export const stepUpTarget = '_stepUp'

export function owesSecondFactor(member: CurrentMember, session: FastifyRequest['session']): boolean {
  if (session.secondFactorPending) return true
  return isStaff(member.role) && member.status === 'verified' && session.secondFactorAt === undefined
}

/** The fields of the refused post, to be sent again (never the CSRF token, never a password). */
function carriedFields(body: unknown): { name: string; value: string }[] {
  if (!body || typeof body !== 'object') return []
  const fields: { name: string; value: string }[] = []
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === '_csrf' || name === stepUpTarget || /password/i.test(name)) continue
    for (const item of [value].flat()) {
      if (typeof item === 'string' || typeof item === 'number') fields.push({ name, value: String(item) })
    }
  }
  return fields
}

function askAgain(request: FastifyRequest, reply: FastifyReply) {
  // A wrong code at the confirm route comes back here with its error (see there).
  const refused = request.session.stepUpRefusal
  delete request.session.stepUpRefusal
  return reply.code(refused?.status ?? 401).page('accounts/second-factor-step-up', {
    title: request.t('secondFactor.stepUp.title'),
    action: '/account/second-factor/confirm',
    fields: [...carriedFields(request.body), { name: stepUpTarget, value: request.url }],
    errors: refused ? labelErrors(stepUpForm, { code: { key: refused.key } }) : undefined,
  })
}

export const secondFactorGate = fp(
  async (app, deps: FeatureDeps) => {
    app.decorateRequest('awaitingSecondFactor', null)

    app.addHook('onRequest', async (request) => {
      const member = request.member
      if (member && owesSecondFactor(member, request.session)) {
        request.awaitingSecondFactor = member
        request.member = null
      }
    })

    app.addHook('preValidation', async (request, reply) => {
      if (request.is404 || request.routeOptions.config.secondFactor !== 'recent') return
      const member = request.member
      if (!member || passedRecently(request.session, deps.clock)) return
      const isFormPost = request.method === 'POST' && request.headers['hx-request'] !== 'true'
      if (!isFormPost) {
        const back = request.method === 'GET' ? request.url : '/'
        const target = `/account/second-factor/confirm?next=${encodeURIComponent(back)}`
        if (request.headers['hx-request'] === 'true')
          return reply.header('hx-redirect', target).code(204).send()
        return reply.redirect(target, 303)
      }
      return askAgain(request, reply)
    })
  },
  { name: 'second-factor-gate', dependencies: ['access', 'views'] },
)
