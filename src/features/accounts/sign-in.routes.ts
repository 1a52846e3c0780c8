// Signing in and out.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { formSchema, keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import {
  type CarriedText,
  carriedFromLogin,
  carriedLoginFields,
  carriedLoginSchema,
  keepCarriedText,
} from '../drafts/drafts.service.ts'
import { loginForm, loginQuery } from './accounts.schemas.ts'
import { rememberDevice } from './device-cookie.ts'
import { attempt } from './refusals.ts'
import { publicRoute } from './route-limits.ts'
import { secondFactorOwed } from './second-factor.ts'
import { deviceCookieOptions, logIn, signInSource } from './sign-in.ts'

const localBase = 'http://local.invalid'

/** The sign-in form, with the hidden fields of a text carried over an ended session (carried-text.ts). */
const signInForm = formSchema({ ...loginForm.properties, ...carriedLoginSchema })

/**
 * Only a local path is followed after sign-in (no open redirect), and always in a form that
 * fits a Location header: `/€` becomes `/%E2%82%AC`, anything odd becomes `/`.
 */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/'
  try {
    const url = new URL(next, localBase)
    if (url.origin !== localBase) return '/'
    const path = `${url.pathname}${url.search}${url.hash}`
    return /^\/(?![/\\])[\x21-\x7e]*$/.test(path) ? path : '/'
  } catch {
    return '/'
  }
}

function renderLogin(
  request: FastifyRequest,
  reply: FastifyReply,
  values: Record<string, string>,
  errors: FieldErrors,
  status: number,
  carried: CarriedText | undefined,
) {
  if (status === 503) reply.header('retry-after', '5')
  return reply.code(status).page('accounts/login', {
    title: request.t('login.title'),
    values,
    errors: labelErrors(loginForm, errors),
    carried: carried && carriedLoginFields(carried),
  })
}

export async function signInRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/login', { config: publicRoute, schema: { querystring: loginQuery } }, async (request, reply) => {
    if (request.member) return reply.redirect('/', 303)
    if (request.awaitingSecondFactor) {
      return reply.redirect(
        `/login/second-factor?next=${encodeURIComponent(safeNext(request.query.next))}`,
        303,
      )
    }
    return reply.page('accounts/login', {
      title: request.t('login.title'),
      values: { next: safeNext(request.query.next) },
      flash: request.query.signedOut ? request.t('login.signedOut') : undefined,
    })
  })

  // No request limit here: only failures count (see sign-in.ts), successes never do.
  app.post('/login', { config: publicRoute, schema: { body: signInForm } }, async (request, reply) => {
    const form = parseForm(request, signInForm)
    const carried = carriedFromLogin(form.values, form.errors)
    const errors = Object.fromEntries(
      Object.entries(form.errors).filter(([name]) => !name.startsWith('carry_')),
    )
    const values = { ...keepTyped(loginForm, form.values), next: safeNext(form.values.next) }
    if (Object.keys(errors).length > 0) return renderLogin(request, reply, values, errors, 422, carried)
    const outcome = await attempt(
      () =>
        logIn(deps.db, {
          email: form.values.email,
          password: form.values.password,
          source: signInSource(request, deps),
        }),
      'password',
    )
    if (!outcome.ok) return renderLogin(request, reply, values, outcome.errors, outcome.status, carried)
    const { memberId } = outcome.value
    // Saved for the account whose password was given in this very form, and only as a draft.
    const next = carried ? await keepCarriedText(deps.db, memberId, carried) : values.next
    const owes = await secondFactorOwed(deps.db, memberId)
    await request.session.regenerate()
    request.session.memberId = memberId
    request.session.userAgent = request.headers['user-agent']
    // With a factor, the session reaches nothing but the second-factor page until it is given.
    if (owes.enrolled) request.session.secondFactorPending = true
    rememberDevice(request, reply, memberId, deviceCookieOptions(deps))
    if (owes.enrolled || owes.staff) {
      return reply.redirect(`/login/second-factor?next=${encodeURIComponent(next)}`, 303)
    }
    return reply.redirect(next, 303)
  })

  // Public: a session that still owes its second factor must be able to leave too.
  app.post('/logout', { config: publicRoute }, async (request, reply) => {
    await request.session.destroy()
    reply.header('clear-site-data', '"cache", "cookies", "storage"')
    return reply.redirect('/login?signedOut=1', 303)
  })
}
