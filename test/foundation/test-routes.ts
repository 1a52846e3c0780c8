// Test-only routes, registered inside the site scope through buildTestApp's extraRoutes, so they
// get sessions, CSRF, views, the error handler and the trust gate exactly like feature routes.
import type { FastifyInstance } from 'fastify'

export const secretMessage = 'interne Details: Passwort der Datenbank ist hunter2'

export async function testRoutes(app: FastifyInstance) {
  const open = { config: { access: 'public' as const } }

  /** Hands out a CSRF token the way a page with a form would (a cookie, no session). */
  app.get('/test/token', open, async (_request, reply) => reply.type('text/plain').send(reply.generateCsrf()))

  /** Signs a member in the way the login does: a new session id, the member, the browser. */
  app.get<{ Params: { memberId: string } }>('/test/sign-in/:memberId', open, async (request, reply) => {
    await request.session.regenerate()
    request.session.memberId = Number(request.params.memberId)
    request.session.userAgent = request.headers['user-agent']
    return reply.type('text/plain').send('angemeldet')
  })

  /** A state-changing request: only reaches the handler with a valid CSRF token. */
  app.post('/test/change', open, async (request, reply) => {
    if (request.headers['hx-request'] === 'true') return reply.type('text/plain').send('geändert (htmx)')
    return reply.redirect('/test/done', 303)
  })

  app.get('/test/boom', open, async () => {
    throw new Error(secretMessage)
  })

  /** One URL, one template: the page normally, the fragment when htmx asked for the region. */
  app.get('/test/view', open, async (request, reply) =>
    reply.pageOrFragment('pages/about', 'pages/about', { title: request.t('about.title') }),
  )

  app.get('/test/ip', open, async (request) => ({ ip: request.ip, protocol: request.protocol }))

  app.post('/test/log', open, async (request, reply) => {
    request.log.info({ body: request.body, sessionId: 'the-session-id', token: 'the-token' }, 'form received')
    return reply.type('text/plain').send('ok')
  })

  app.get('/test/moderators', { config: { access: 'moderator' as const } }, async () => 'nur Moderation')
}
