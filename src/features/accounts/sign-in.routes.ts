// Signing in and out.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { loginForm, loginQuery } from './accounts.schemas.ts'
import { rememberDevice } from './device-cookie.ts'
import { attempt } from './refusals.ts'
import { publicRoute } from './route-limits.ts'
import { secondFactorOwed } from './second-factor.ts'
import { deviceCookieOptions, logIn, signInSource } from './sign-in.ts'

const localBase = 'http://local.invalid'

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
) {
  if (status === 503) reply.header('retry-after', '5')
  return reply.code(status).page('accounts/login', {
    title: request.t('login.title'),
    values,
    errors: labelErrors(loginForm, errors),
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
  app.post('/login', { config: publicRoute, schema: { body: loginForm } }, async (request, reply) => {
    const form = parseForm(request, loginForm)
    const values = { ...keepTyped(loginForm, form.values), next: safeNext(form.values.next) }
    if (!form.ok) return renderLogin(request, reply, values, form.errors, 422)
    const outcome = await attempt(
      () =>
        logIn(deps.db, {
          email: form.values.email,
          password: form.values.password,
          source: signInSource(request, deps),
        }),
      'password',
    )
    if (!outcome.ok) return renderLogin(request, reply, values, outcome.errors, outcome.status)
    const { memberId } = outcome.value
    const owes = await secondFactorOwed(deps.db, memberId)
    await request.session.regenerate()
    request.session.memberId = memberId
    request.session.userAgent = request.headers['user-agent']
    // With a factor, the session reaches nothing but the second-factor page until it is given.
    if (owes.enrolled) request.session.secondFactorPending = true
    rememberDevice(request, reply, memberId, deviceCookieOptions(deps))
    if (owes.enrolled || owes.staff) {
      return reply.redirect(`/login/second-factor?next=${encodeURIComponent(values.next)}`, 303)
    }
    return reply.redirect(values.next, 303)
  })

  // Public: a session that still owes its second factor must be able to leave too.
  app.post('/logout', { config: publicRoute }, async (request, reply) => {
    await request.session.destroy()
    reply.header('clear-site-data', '"cache", "cookies", "storage"')
    return reply.redirect('/login?signedOut=1', 303)
  })
}
