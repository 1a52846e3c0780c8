// CSRF protection that needs no stored session, so an anonymous visitor's form (login,
// registration, password reset, confirmation buttons) writes nothing to the database.
//
// First line, a signed double-submit token: the secret lives in its own HttpOnly cookie; a token
// is an HMAC (key derived from the session secret) over that secret, a salt and the session it
// was made for — the signed-in session's id, or "anonymous". A planted cookie is useless without
// the key, and a signed-in member's token works only in that member's session.
// Second line: a state-changing request from a browser must come from our own origin
// (`Origin` equal to BASE_URL's, `Sec-Fetch-Site` same-origin), whatever token it carries.
import { Tokens } from '@fastify/csrf'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false only for endpoints that must work cross-site and without a token (RFC 8058 one-click unsubscribe). */
    csrf?: boolean
  }
  interface FastifyReply {
    /** A token for a form (or the htmx meta tag) of this page; sets the secret cookie when needed. */
    generateCsrf(): string
  }
  interface FastifyRequest {
    /**
     * Would this token pass the CSRF check (and does the request come from our origin)? For
     * multipart uploads, which must know before a file is stored, not only in the preHandler.
     */
    csrfTokenValid(token: string | undefined): boolean
  }
}

export interface CsrfOptions {
  /** Key of the token HMAC (derived from the session secret). */
  hmacKey: Buffer
  /** BASE_URL: its origin is the only one a state-changing request may come from. */
  baseUrl: string
  /** Secure cookie with the __Host- prefix (https BASE_URL). */
  secure: boolean
  maxAgeSeconds: number
}

export class CsrfError extends Error {
  readonly statusCode = 403
  readonly code: 'FST_CSRF_INVALID_TOKEN' | 'FST_CSRF_FOREIGN_ORIGIN'
  constructor(code: CsrfError['code'], message: string) {
    super(message)
    this.code = code
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])
const ownSites = new Set(['same-origin', 'none'])

/** The session a token is bound to: a signed-in session by its id, everyone else alike. */
function tokenBinding(request: FastifyRequest): string {
  const session = request.session
  return session?.memberId ? `session:${session.sessionId}` : 'anonymous'
}

function tokenOf(request: FastifyRequest): string | undefined {
  const body = request.body as { _csrf?: unknown } | undefined
  const fromBody = body && typeof body === 'object' ? body._csrf : undefined
  const fromHeader = request.headers['x-csrf-token']
  const token = typeof fromBody === 'string' && fromBody !== '' ? fromBody : fromHeader
  return typeof token === 'string' ? token : undefined
}

/**
 * Browsers say where a request comes from; requests without these headers (old browsers,
 * scripts) rely on the token alone.
 */
export function comesFromOrigin(request: FastifyRequest, origin: string): boolean {
  const site = request.headers['sec-fetch-site']
  if (site !== undefined && !ownSites.has(String(site))) return false
  const from = request.headers.origin
  return from === undefined || from === origin
}

export const csrfPlugin = fp(
  async (app, options: CsrfOptions) => {
    const tokens = new Tokens({ userInfo: true, hmacKey: options.hmacKey })
    const cookieName = options.secure ? '__Host-vr_csrf' : 'vr_csrf'
    const origin = new URL(options.baseUrl).origin
    const secrets = new WeakMap<FastifyRequest, string>()

    function secretOf(request: FastifyRequest): string | undefined {
      const secret = secrets.get(request) ?? request.cookies[cookieName]
      return secret && /^[\w-]{16,64}$/.test(secret) ? secret : undefined
    }

    // One token per secret and session, made once: each costs an HMAC, and a page of a member
    // asks for one. A token stays valid as long as its secret and session; a cache, bounded.
    const made = new Map<string, string>()
    function tokenFor(secret: string, binding: string): string {
      const key = `${secret}\u0000${binding}`
      let token = made.get(key)
      if (token === undefined) {
        token = tokens.create(secret, binding)
        if (made.size >= 10_000) made.clear()
        made.set(key, token)
      }
      return token
    }

    app.decorateReply('generateCsrf', function (this: FastifyReply) {
      const request = this.request
      let secret = secretOf(request)
      if (!secret) {
        secret = tokens.secretSync()
        secrets.set(request, secret)
        // Like the session cookie, a Secure cookie is never offered over plain http.
        if (!options.secure || request.protocol === 'https') {
          this.setCookie(cookieName, secret, {
            httpOnly: true,
            sameSite: 'lax',
            secure: options.secure,
            path: '/',
            maxAge: options.maxAgeSeconds,
          })
        }
      }
      return tokenFor(secret, tokenBinding(request))
    })

    app.decorateRequest('csrfTokenValid', function (this: FastifyRequest, token: string | undefined) {
      const secret = secretOf(this)
      const given =
        token || (typeof this.headers['x-csrf-token'] === 'string' ? this.headers['x-csrf-token'] : '')
      return (
        comesFromOrigin(this, origin) &&
        !!secret &&
        !!given &&
        tokens.verify(secret, given, tokenBinding(this))
      )
    })

    app.addHook('preHandler', async (request) => {
      if (safeMethods.has(request.method) || request.routeOptions.config.csrf === false) return
      if (!comesFromOrigin(request, origin)) {
        const from = request.headers.origin ?? `Sec-Fetch-Site ${request.headers['sec-fetch-site']}`
        throw new CsrfError(
          'FST_CSRF_FOREIGN_ORIGIN',
          `state-changing request from ${String(from).slice(0, 100)} refused; BASE_URL is ${origin}`,
        )
      }
      const secret = secretOf(request)
      const token = tokenOf(request)
      if (!secret || !token || !tokens.verify(secret, token, tokenBinding(request))) {
        throw new CsrfError('FST_CSRF_INVALID_TOKEN', 'missing or invalid csrf token')
      }
    })
  },
  { name: 'csrf', dependencies: ['session'] },
)
