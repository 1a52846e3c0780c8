// A content form (new thread, reply, edit) sent without JavaScript after the session ended
// must not lose its text. Two moments would throw it away: the trust gate (no signed-in
// session: sign-in redirect) and the CSRF check (signed in again elsewhere, so the form's token
// belongs to the ended session: 403). Just before each, this plugin answers with the sign-in page
// instead, the typed text in its hidden fields (never in a URL, never logged, bounded per field);
// the sign-in saves it as a draft of that member and opens the form again with it
// (sign-in.routes.ts, keepCarriedText in drafts.service.ts).
//
// Why this lets no one plant a draft in someone else's account: a post from another site is
// refused as before (Origin / Sec-Fetch-Site), and even a planted text only fills a sign-in form
// the person sees; it becomes a draft only for the account whose password is typed into that
// very form (itself CSRF-protected), and a draft is never sent on its own: it only fills a form.
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { comesFromOrigin } from '../../plugins/csrf.ts'
import { type CarriedText, carriedFormOf, carriedLoginFields, isCarriedForm } from './drafts.service.ts'

/** The text fields of a multipart post; files are read past, never kept (they must be chosen again). */
async function multipartTextFields(request: FastifyRequest): Promise<Record<string, string>> {
  const fields: Record<string, string> = {}
  try {
    const parts = request.parts({ limits: { fields: 50, fieldSize: 100_000, files: 20, fileSize: 1 } })
    for await (const part of parts) {
      if (part.type === 'file') {
        for await (const _ of part.file) {
          // read past the file
        }
      } else if (typeof part.value === 'string' && !(part.fieldname in fields)) {
        fields[part.fieldname] = part.value
      }
    }
  } catch {
    // A broken body carries what came before the break.
  }
  return fields
}

function signInCarrying(request: FastifyRequest, reply: FastifyReply, carried: CarriedText) {
  return reply.code(401).page('accounts/login', {
    title: request.t('login.title'),
    values: { next: '/' },
    carried: carriedLoginFields(carried),
  })
}

export const carriedTextPlugin = fp(
  async (app, options: { baseUrl: string }) => {
    const origin = new URL(options.baseUrl).origin
    const eligible = (request: FastifyRequest) =>
      request.method === 'POST' &&
      request.headers['hx-request'] !== 'true' &&
      comesFromOrigin(request, origin)

    // Before the trust gate (registered before it): no signed-in session any more.
    app.addHook('preValidation', async (request, reply) => {
      if (request.member || !eligible(request)) return
      const route = request.routeOptions.url
      if (!route || !isCarriedForm(route)) return
      const body = request.isMultipart?.()
        ? await multipartTextFields(request)
        : (request.body as Record<string, unknown>)
      const carried = carriedFormOf(route, request.params as Record<string, string>, body)
      if (carried) return signInCarrying(request, reply, carried)
    })

    // Before the CSRF check (registered before it): signed in, but with the token of an ended session.
    app.addHook('preHandler', async (request, reply) => {
      if (!request.member || !eligible(request)) return
      const route = request.routeOptions.url
      if (!route || !isCarriedForm(route)) return
      const body = (request.body ?? {}) as Record<string, unknown>
      if (request.csrfTokenValid(typeof body._csrf === 'string' ? body._csrf : undefined)) return
      const carried = carriedFormOf(route, request.params as Record<string, string>, body)
      if (carried) return signInCarrying(request, reply, carried)
    })
  },
  { name: 'carried-text', dependencies: ['session'] },
)
