import fastifyCookie from '@fastify/cookie'
import csrfProtection from '@fastify/csrf-protection'
import fastifySession from '@fastify/session'
import fp from 'fastify-plugin'
import { PostgresSessionStore } from '../core/sessions/session-store.ts'
import type { Db } from '../db/database.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false only for endpoints that must work without a session (RFC 8058 one-click unsubscribe). */
    csrf?: boolean
  }
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    memberId?: number
    userAgent?: string
    flash?: string
  }
}

export interface SessionOptions {
  db: Db
  secret: string
  secure: boolean
  idleMinutes: number
  absoluteHours: number
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Sessions in Postgres plus CSRF protection of every state-changing request. */
export const sessionPlugin = fp(
  async (app, options: SessionOptions) => {
    await app.register(fastifyCookie)
    await app.register(fastifySession, {
      secret: options.secret,
      // The __Host- prefix pins the cookie to this exact origin over HTTPS.
      cookieName: options.secure ? '__Host-vr_session' : 'vr_session',
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secure,
        path: '/',
        maxAge: options.absoluteHours * 3600 * 1000,
      },
      rolling: false,
      saveUninitialized: false,
      store: new PostgresSessionStore(options.db, options),
    })
    await app.register(csrfProtection, { sessionPlugin: '@fastify/session' })
    app.addHook('preHandler', (request, reply, done) => {
      if (safeMethods.has(request.method) || request.routeOptions.config.csrf === false) return done()
      app.csrfProtection(request, reply, done)
    })
  },
  { name: 'session', dependencies: [] },
)
