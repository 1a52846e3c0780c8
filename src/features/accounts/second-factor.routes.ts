// The second factor's pages: at sign-in (/login/second-factor: the code, or enrolment for staff
// who have none yet), on the account page (/account/second-factor: enrol, new recovery codes,
// turn off), the step-up page for sensitive actions, and an admin's reset of another member's.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { labelErrors, parseForm } from '../../lib/form-schema.ts'
import { enrolForm, memberIdParams, nextQuery, secondFactorForm, stepUpForm } from './accounts.schemas.ts'
import { attempt } from './refusals.ts'
import { publicRoute } from './route-limits.ts'
import {
  confirmEnrolment,
  disableSecondFactor,
  enrolmentQrCode,
  hasSecondFactor,
  isStaff,
  markSecondFactorPassed,
  renewRecoveryCodes,
  resetSecondFactor,
  secondFactorSummary,
  startEnrolment,
  verifySecondFactor,
} from './second-factor.ts'
import { secondFactorKeys } from './second-factor-crypto.ts'
import { safeNext } from './sign-in.routes.ts'

const recent = { secondFactor: 'recent' as const }

export async function secondFactorRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = deps
  const keys = secondFactorKeys(deps.deriveKey)

  /** The page of a session that owes the factor: the code form, or enrolment for staff without one. */
  async function renderSignInStep(
    request: FastifyRequest,
    reply: FastifyReply,
    memberId: number,
    next: string,
    problems?: { status: number; errors: FieldErrors },
  ) {
    const enrolment = await startEnrolment(db, keys, memberId)
    const data = { next, errors: problems?.errors, status: problems?.status ?? 200 }
    if (enrolment) {
      return reply.code(data.status).page('accounts/second-factor-enrol', {
        title: request.t('secondFactor.enrol.title'),
        ...data,
        enrolment,
        action: '/login/second-factor/enrol',
        mandatory: true,
      })
    }
    return reply.code(data.status).page('accounts/second-factor', {
      title: request.t('secondFactor.signIn.title'),
      ...data,
    })
  }

  /** A session that owes nothing has nothing to do here. */
  const notOwed = (request: FastifyRequest, reply: FastifyReply, next: string) =>
    reply.redirect(request.member ? next : '/login', 303)

  app.get(
    '/login/second-factor',
    { config: publicRoute, schema: { querystring: nextQuery } },
    async (request, reply) => {
      const next = safeNext(request.query.next)
      const member = request.awaitingSecondFactor
      if (!member) return notOwed(request, reply, next)
      return renderSignInStep(request, reply, member.id, next)
    },
  )

  app.post(
    '/login/second-factor',
    { config: publicRoute, schema: { body: secondFactorForm } },
    async (request, reply) => {
      const form = parseForm(request, secondFactorForm)
      const next = safeNext(form.values.next)
      const member = request.awaitingSecondFactor
      if (!member) return notOwed(request, reply, next)
      const answer = form.values.recoveryCode
        ? { recoveryCode: form.values.recoveryCode }
        : { code: form.values.code }
      const outcome = form.ok
        ? await attempt(() => verifySecondFactor(db, keys, clock, member.id, answer), 'code')
        : { ok: false as const, errors: form.errors, status: 422 }
      if (!outcome.ok) {
        return renderSignInStep(request, reply, member.id, next, {
          status: outcome.status,
          errors: labelErrors(secondFactorForm, outcome.errors),
        })
      }
      await signInFully(request, member.id)
      if (outcome.value.usedRecoveryCode) {
        const summary = await secondFactorSummary(db, member.id)
        request.session.flash = request.t('secondFactor.recoveryCodeUsed', {
          count: summary.recoveryCodesLeft,
        })
      }
      return reply.redirect(next, 303)
    },
  )

  /** A fresh session id for the full session (the pending one's id had been seen without the factor). */
  async function signInFully(request: FastifyRequest, memberId: number) {
    const userAgent = request.session.userAgent
    await request.session.regenerate()
    request.session.memberId = memberId
    request.session.userAgent = userAgent
    markSecondFactorPassed(request.session, clock)
  }

  app.post(
    '/login/second-factor/enrol',
    { config: publicRoute, schema: { body: enrolForm } },
    async (request, reply) => {
      const form = parseForm(request, enrolForm)
      const next = safeNext(form.values.next)
      const member = request.awaitingSecondFactor
      if (!member) return notOwed(request, reply, next)
      if (await hasSecondFactor(db, member.id))
        return reply.redirect(`/login/second-factor?next=${encodeURIComponent(next)}`, 303)
      const outcome = form.ok
        ? await attempt(
            () =>
              confirmEnrolment(db, keys, clock, member.id, {
                code: form.values.code,
                keepSessionId: request.session.sessionId,
              }),
            'code',
          )
        : { ok: false as const, errors: form.errors, status: 422 }
      if (!outcome.ok) {
        return renderSignInStep(request, reply, member.id, next, {
          status: outcome.status,
          errors: labelErrors(enrolForm, outcome.errors),
        })
      }
      await signInFully(request, member.id)
      return showRecoveryCodes(request, reply, outcome.value.recoveryCodes, next, 'secondFactor.enrolled')
    },
  )

  function showRecoveryCodes(
    request: FastifyRequest,
    reply: FastifyReply,
    codes: string[],
    next: string,
    intro: string,
  ) {
    return reply.page('accounts/second-factor-codes', {
      title: request.t('secondFactor.codes.title'),
      codes,
      next,
      intro,
    })
  }

  // The QR code of the enrolment in progress, as an image of its own (no inline SVG in pages).
  app.get('/account/second-factor/qr.svg', { config: publicRoute }, async (request, reply) => {
    const member = request.awaitingSecondFactor ?? request.member
    if (!member) return reply.code(404).type('text/plain; charset=utf-8').send('not found')
    const svg = await enrolmentQrCode(db, keys, member.id)
    return reply.type('image/svg+xml').send(svg)
  })

  // ---- The account page's part -----------------------------------------------------------

  async function renderManage(
    request: FastifyRequest,
    reply: FastifyReply,
    problems?: { status: number; errors: FieldErrors },
  ) {
    const member = request.member!
    const summary = await secondFactorSummary(db, member.id)
    if (!summary.enrolled) {
      const enrolment = await startEnrolment(db, keys, member.id)
      return reply.code(problems?.status ?? 200).page('accounts/second-factor-enrol', {
        title: request.t('secondFactor.enrol.title'),
        enrolment,
        action: '/account/second-factor/enrol',
        next: '/account/second-factor',
        errors: problems?.errors,
      })
    }
    return reply.code(problems?.status ?? 200).page('accounts/second-factor-manage', {
      title: request.t('secondFactor.manage.title'),
      summary,
      canDisable: !isStaff(member.role),
    })
  }

  app.get('/account/second-factor', async (request, reply) => renderManage(request, reply))

  app.post('/account/second-factor/enrol', { schema: { body: enrolForm } }, async (request, reply) => {
    const form = parseForm(request, enrolForm)
    const member = request.member!
    if (await hasSecondFactor(db, member.id)) return reply.redirect('/account/second-factor', 303)
    const outcome = form.ok
      ? await attempt(
          () =>
            confirmEnrolment(db, keys, clock, member.id, {
              code: form.values.code,
              keepSessionId: request.session.sessionId,
            }),
          'code',
        )
      : { ok: false as const, errors: form.errors, status: 422 }
    if (!outcome.ok)
      return renderManage(request, reply, {
        status: outcome.status,
        errors: labelErrors(enrolForm, outcome.errors),
      })
    markSecondFactorPassed(request.session, clock)
    return showRecoveryCodes(
      request,
      reply,
      outcome.value.recoveryCodes,
      '/account/second-factor',
      'secondFactor.enrolled',
    )
  })

  app.post('/account/second-factor/recovery-codes', { config: recent }, async (request, reply) => {
    const { recoveryCodes } = await renewRecoveryCodes(db, keys, request.member!.id)
    return showRecoveryCodes(
      request,
      reply,
      recoveryCodes,
      '/account/second-factor',
      'secondFactor.codes.renewed',
    )
  })

  app.post('/account/second-factor/disable', { config: recent }, async (request, reply) => {
    await disableSecondFactor(db, request.member!.id)
    request.session.flash = request.t('secondFactor.disabled')
    return reply.redirect('/account', 303)
  })

  // ---- Asking again (step-up) for a page or an htmx request ------------------------------

  app.get('/account/second-factor/confirm', { schema: { querystring: nextQuery } }, async (request, reply) =>
    reply.page('accounts/second-factor-step-up', {
      title: request.t('secondFactor.stepUp.title'),
      action: '/account/second-factor/confirm',
      fields: [{ name: 'next', value: safeNext(request.query.next) }],
    }),
  )

  // The code for a sensitive action. With `_stepUp` the browser is sent back with 307, so it
  // posts the carried form again to where it was going (with a wrong code too: the form comes
  // back there with the error); without it (a page, an htmx request) it goes on to `next`.
  app.post('/account/second-factor/confirm', { schema: { body: stepUpForm } }, async (request, reply) => {
    const form = parseForm(request, stepUpForm)
    const outcome = form.ok
      ? await attempt(
          () => verifySecondFactor(db, keys, clock, request.member!.id, { code: form.values.code }),
          'code',
        )
      : { ok: false as const, errors: form.errors, status: 422 }
    const carriedTo = form.values._stepUp ? safeNext(form.values._stepUp) : undefined
    if (outcome.ok) markSecondFactorPassed(request.session, clock)
    if (carriedTo && carriedTo !== '/') {
      if (!outcome.ok)
        request.session.stepUpRefusal = {
          key: outcome.errors.code?.key ?? 'secondFactor.wrongCode',
          status: outcome.status,
        }
      return reply.redirect(carriedTo, 307)
    }
    const next = safeNext(form.values.next)
    if (outcome.ok) return reply.redirect(next, 303)
    return reply.code(outcome.status).page('accounts/second-factor-step-up', {
      title: request.t('secondFactor.stepUp.title'),
      action: '/account/second-factor/confirm',
      fields: [{ name: 'next', value: next }],
      errors: labelErrors(stepUpForm, outcome.errors),
    })
  })

  // ---- An admin resets another member's factor (button on the moderation member page) ----

  app.post(
    '/moderation/members/:id/second-factor/reset',
    { config: { access: 'admin', ...recent }, schema: { params: memberIdParams } },
    async (request, reply) => {
      const id = request.params.id
      const { hadFactor } = await resetSecondFactor(db, request.member!, id)
      request.session.flash = request.t(hadFactor ? 'secondFactor.resetDone' : 'secondFactor.resetNothing')
      return reply.redirect(`/moderation/members/${id}`, 303)
    },
  )
}
