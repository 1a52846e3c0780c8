// Builds the application from its dependencies and returns it without listening:
// the server process and the tests build it the same way.
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config } from './config.ts'
import type { Db } from './db/database.ts'
import { type Clock, deriveKey, type FeatureDeps, systemClock } from './deps.ts'
import { accountsRoutes } from './features/accounts/accounts.routes.ts'
import { secondFactorGate } from './features/accounts/second-factor-gate.ts'
import { attachmentsRoutes, multipartForms } from './features/attachments/attachments.routes.ts'
import { digestsRoutes } from './features/digests/digests.routes.ts'
import { discussionsRoutes } from './features/discussions/discussions.routes.ts'
import { carriedTextPlugin } from './features/drafts/carried-text.ts'
import { draftsRoutes } from './features/drafts/drafts.routes.ts'
import { groupsRoutes } from './features/groups/groups.routes.ts'
import { guestsRoutes } from './features/guests/guests.routes.ts'
import { healthRoutes } from './features/health/health.routes.ts'
import { mailRoutes } from './features/mail/mail.routes.ts'
import { messagesRoutes } from './features/messages/messages.routes.ts'
import { metricsPlugin } from './features/metrics/metrics.plugin.ts'
import { moderationRoutes } from './features/moderation/moderation.routes.ts'
import { networkRoutes } from './features/network/network.routes.ts'
import { organisationsRoutes } from './features/organisations/organisations.routes.ts'
import { pagesRoutes } from './features/pages/pages.routes.ts'
import { profilesRoutes } from './features/profiles/profiles.routes.ts'
import { searchRoutes } from './features/search/search.routes.ts'
import { answerClientError } from './lib/client-errors.ts'
import { formKeywords } from './lib/form-schema.ts'
import { loggerOptions, OneLinePerRequest } from './logger.ts'
import { accessPlugin } from './plugins/access.ts'
import { csrfPlugin } from './plugins/csrf.ts'
import { errorsPlugin } from './plugins/errors.ts'
import { i18nPlugin } from './plugins/i18n.ts'
import { inputPlugin, parseUrlEncoded } from './plugins/input.ts'
import { postgresRateLimitStore } from './plugins/rate-limit-store.ts'
import { securityHeadersPlugin } from './plugins/security-headers.ts'
import { sessionPlugin } from './plugins/session.ts'
import { createViewEngine, type RenderView, viewsPlugin } from './plugins/views.ts'

export interface AppDeps {
  config: Config
  db: Db
  /** Session signing secret (config or the one kept in the data folder). */
  sessionSecret: string
  clock?: Clock
  /** Pass a precompiled view engine to share it between apps (tests build many). */
  render?: RenderView
  logger?: boolean
  /** Where log lines go instead of stdout (tests capture them). */
  loggerStream?: DestinationStream
  /** Routes added inside the site scope (session, CSRF, views, errors, trust gate); tests use it. */
  extraRoutes?: FastifyPluginAsync<FeatureDeps>
}

const brokenRequestPage =
  '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Ungültige Anfrage – Vertrauensraum</title></head>' +
  '<body><main><h1>Ungültige Anfrage</h1><p>Die Adresse ist fehlerhaft.</p><p><a href="/">Zur Startseite</a></p></main></body></html>'

const staticFolder = path.resolve(import.meta.dirname, '../static')
const htmxFolder = path.resolve(import.meta.dirname, '../node_modules/htmx.org/dist')

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : { ...loggerOptions(config.logLevel), ...(deps.loggerStream ? { stream: deps.loggerStream } : {}) },
    trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    logController: new OneLinePerRequest(),
    bodyLimit: 256 * 1024,
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseUrlEncoded },
    // Requests Node's parser refuses (a query string over 16 KB: 431) get a German page too.
    clientErrorHandler: answerClientError,
    // Requests too broken to route (a URL like /%) get a plain German page, not Fastify's JSON.
    frameworkErrors: (error, _request, rawReply) => {
      const reply = rawReply as unknown as FastifyReply
      reply
        .code(error.statusCode ?? 400)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(brokenRequestPage)
    },
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        allErrors: true,
        keywords: [...formKeywords],
      },
    },
  })

  // Outside the site scope (static files, health) errors get the same plain German page, never
  // Fastify's JSON; the site scope has its own handler with the full error pages.
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(brokenRequestPage)
  })
  await app.register(inputPlugin)
  // Request timing for every answer, and /metrics for loopback or METRICS_TOKEN (no session).
  await app.register(metricsPlugin, { db, token: config.metricsToken })
  await app.register(securityHeadersPlugin, { hsts: config.secureCookies })
  await app.register(fastifyStatic, {
    root: staticFolder,
    prefix: '/static/',
    maxAge: config.env === 'production' ? '1d' : 0,
    index: false,
  })
  await app.register(fastifyStatic, {
    root: htmxFolder,
    prefix: '/static/vendor/htmx/',
    decorateReply: false,
    allowedPath: (pathName) => pathName === '/htmx.min.js' || pathName === '/htmx.js',
    maxAge: config.env === 'production' ? '1d' : 0,
  })
  await app.register(healthRoutes, { db })

  // Everything else lives behind sessions, CSRF and the trust gate.
  await app.register(async (site) => {
    await site.register(formbody, { parser: parseUrlEncoded })
    await site.register(i18nPlugin)
    await site.register(viewsPlugin, { render: deps.render ?? createViewEngine() })
    await site.register(sessionPlugin, {
      db,
      secret: deps.sessionSecret,
      secure: config.secureCookies,
      idleMinutes: config.sessionIdleMinutes,
      absoluteHours: config.sessionAbsoluteHours,
    })
    // Before the CSRF check and the trust gate: a content form sent after the session ended keeps its text.
    await site.register(carriedTextPlugin, { baseUrl: config.baseUrl })
    await site.register(csrfPlugin, {
      hmacKey: deriveKey(deps.sessionSecret, 'csrf'),
      baseUrl: config.baseUrl,
      secure: config.secureCookies,
      maxAgeSeconds: config.sessionAbsoluteHours * 3600,
    })
    await site.register(rateLimit, { global: false, store: postgresRateLimitStore(db) })
    await site.register(accessPlugin, { db })
    await site.register(errorsPlugin)
    // Multipart form posts (files with a post): read where a route asks (attachments/uploads.ts).
    await site.register(multipartForms, { limits: config.attachments })
    const features: FeatureDeps = {
      config,
      db,
      clock: deps.clock ?? systemClock,
      deriveKey: (purpose) => deriveKey(deps.sessionSecret, purpose),
    }
    await site.register(secondFactorGate, features)
    await site.register(pagesRoutes, { config, db })
    await site.register(accountsRoutes, features)
    await site.register(organisationsRoutes, features)
    await site.register(moderationRoutes, features)
    await site.register(discussionsRoutes, features)
    await site.register(attachmentsRoutes, features)
    await site.register(mailRoutes, features)
    await site.register(digestsRoutes, features)
    await site.register(searchRoutes, features)
    await site.register(profilesRoutes, features)
    await site.register(networkRoutes, features)
    await site.register(groupsRoutes, features)
    await site.register(guestsRoutes, features)
    await site.register(messagesRoutes, features)
    await site.register(draftsRoutes, features)
    if (deps.extraRoutes) await site.register(deps.extraRoutes, features)
  })

  return app
}
