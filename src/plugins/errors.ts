// One place maps errors to status and page. Users never see a stack trace or an internal
// message; every 5xx gets a reference number that is also in the log.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isDatabaseTimeout, isDatabaseUnavailable } from '../db/database.ts'
import { localeFromHeader, translate } from '../i18n/index.ts'
import { DomainError } from '../lib/errors.ts'

interface ErrorPage {
  status: number
  key: 'notFound' | 'forbidden' | 'csrf' | 'badRequest' | 'tooMany' | 'server' | 'unavailable'
  /** Why a 503 happened: the database is gone (logged once per outage) or too slow right now. */
  database?: 'unavailable' | 'timeout'
}

function classify(error: FastifyError): ErrorPage {
  if (isDatabaseUnavailable(error)) return { status: 503, key: 'unavailable', database: 'unavailable' }
  if (isDatabaseTimeout(error)) return { status: 503, key: 'unavailable', database: 'timeout' }
  if (error.code?.startsWith('FST_CSRF')) return { status: 403, key: 'csrf' }
  // A route parameter that fails its schema (a malformed or too large id) names nothing that exists.
  if (error.validation && error.validationContext === 'params') return { status: 404, key: 'notFound' }
  if (error instanceof DomainError) {
    if (error.statusCode === 404) return { status: 404, key: 'notFound' }
    if (error.statusCode === 403) return { status: 403, key: 'forbidden' }
    return { status: error.statusCode, key: 'badRequest' }
  }
  const status = error.statusCode ?? 500
  if (status === 429) return { status, key: 'tooMany' }
  if (status === 404) return { status, key: 'notFound' }
  if (status >= 400 && status < 500) return { status, key: 'badRequest' }
  return { status: 500, key: 'server' }
}

export function sendErrorPage(request: FastifyRequest, reply: FastifyReply, page: ErrorPage) {
  reply.code(page.status)
  if (page.status === 503) {
    reply.header('retry-after', '30')
    // Without a database the session cannot be saved either: saving it while sending this page
    // would fail again and end in Fastify's default answer, which shows the raw error message.
    ;(request as { session?: unknown }).session = undefined
    request.member = null
  }
  // Routes outside the site scope (static files) reach the 404 handler without views or i18n.
  if (typeof reply.page !== 'function') {
    const locale = localeFromHeader(request.headers['accept-language'])
    return reply.type('text/plain; charset=utf-8').send(translate(locale, `error.${page.key}.title`))
  }
  return reply.page('errors/error', {
    title: request.t(`error.${page.key}.title`),
    heading: `error.${page.key}.title`,
    text: `error.${page.key}.text`,
    reference: page.status >= 500 ? request.id : undefined,
    errorPage: true,
  })
}

export const errorsPlugin = fp(
  async (app) => {
    app.setNotFoundHandler((request, reply) =>
      sendErrorPage(request, reply, { status: 404, key: 'notFound' }),
    )

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const page = classify(error)
      if (page.database === 'unavailable') {
        // The pool logs the outage once, with counts; a stack trace per request would only add bulk.
        request.log.debug({ code: error.code }, 'database unavailable')
      } else if (page.database === 'timeout') {
        request.log.warn({ code: error.code }, error.message)
      } else if (page.status >= 500) {
        request.log.error({ err: error }, 'request failed')
      } else {
        request.log.info({ code: error.code, status: page.status }, error.message)
      }
      const headers = (error as { headers?: Record<string, string> }).headers
      if (page.status === 429 && headers) reply.headers(headers)
      try {
        return sendErrorPage(request, reply, page)
      } catch (renderError) {
        request.log.error({ err: renderError }, 'error page failed to render')
        return reply
          .code(page.status)
          .type('text/plain; charset=utf-8')
          .send(request.t(`error.${page.key}.title`))
      }
    })
  },
  { name: 'errors', dependencies: ['views'] },
)
