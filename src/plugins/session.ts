import fastifyCookie from '@fastify/cookie'
import fastifySession from '@fastify/session'
import fp from 'fastify-plugin'
import type { LoadedMember } from '../core/members/current-member.ts'
import { PostgresSessionStore } from '../core/sessions/session-store.ts'
import type { Db } from '../db/database.ts'

declare module '@fastify/session' {
  interface FastifySessionObject {
    memberId?: number
    userAgent?: string
    /** Shown once by the next page; only signed-in sessions are stored (anonymous ones use the URL). */
    flash?: string
    /** The member's row, read with the session in the same statement; not stored. */
    readonly loadedMember?: LoadedMember
    /** The layout's figures read with it (views plugin, LayoutData.columns); not stored. */
    readonly loadedLayout?: Record<string, unknown>
  }
}

export interface SessionOptions {
  db: Db
  secret: string
  secure: boolean
  idleMinutes: number
  absoluteHours: number
}

/**
 * Sessions in Postgres, for signed-in people only: an anonymous visitor's session is never
 * written (the store drops it), so reading public pages and filling in the login form costs no row.
 */
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
      // The layout's figures are read with the session when the views plugin is there.
      store: new PostgresSessionStore(options.db, {
        ...options,
        columns: () => (app.hasDecorator('layoutColumns') ? app.layoutColumns() : []),
      }),
    })
  },
  { name: 'session', dependencies: [] },
)
