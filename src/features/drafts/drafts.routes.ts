// Drafts and the session's end (WCAG 2.2.1): static/drafts.js saves what a member types in the
// thread and reply forms (a few seconds after the last keystroke), restores it when the form is
// opened again (after signing in again, in another tab, the next day), and warns before the
// session ends, with a button that extends it. Without JavaScript the forms work as before.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import type { FeatureDeps } from '../../deps.ts'
import { ValidationError } from '../../lib/errors.ts'
import { parseForm } from '../../lib/form-schema.ts'
import { type DraftFields, deleteDraft, findDraft, saveDraft } from './drafts.repository.ts'
import { draftFields, draftForm, draftKeyForm, draftQuery } from './drafts.schemas.ts'
import { draftMaxAgeDays } from './drafts.service.ts'

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** When the member last asked to extend the session (a change makes the store write it). */
    extendedAt?: number
  }
}

/** Autosave is debounced in the browser; this only stops a runaway script. */
const saveLimit = {
  max: 120,
  timeWindow: 60_000,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `draft:${request.member?.id ?? request.ip}`,
}

export async function draftsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, config } = deps
  const idleSeconds = config.sessionIdleMinutes * 60

  // The layout tells static/drafts.js how long a session stays open without a request.
  app.addLayoutData({
    keys: ['sessionIdleSeconds'],
    load: async () => ({ sessionIdleSeconds: idleSeconds }),
    columns: { sessionIdleSeconds: () => sql`${idleSeconds}::int` },
  })

  app.get('/drafts', { schema: { querystring: draftQuery } }, async (request, reply) => {
    const fields = await findDraft(db, request.member!.id, request.query.key, draftMaxAgeDays)
    reply.header('cache-control', 'private, no-store')
    if (!fields) return reply.code(204).send()
    return reply.send({ fields })
  })

  app.post(
    '/drafts',
    { config: { rateLimit: saveLimit }, schema: { body: draftForm } },
    async (request, reply) => {
      const form = parseForm(request, draftForm)
      if (!form.ok) throw new ValidationError(form.errors)
      const fields: DraftFields = {}
      for (const name of draftFields) if (form.values[name]) fields[name] = form.values[name]
      if (fields.body || fields.title) await saveDraft(db, request.member!.id, form.values.key, fields)
      else await deleteDraft(db, request.member!.id, form.values.key)
      return reply.code(204).send()
    },
  )

  app.post('/drafts/discard', { schema: { body: draftKeyForm } }, async (request, reply) => {
    const form = parseForm(request, draftKeyForm)
    if (!form.ok) throw new ValidationError(form.errors)
    await deleteDraft(db, request.member!.id, form.values.key)
    return reply.code(204).send()
  })

  // "Sitzung verlängern": any request a signed-in member makes extends the session (the store
  // slides the idle expiry); this one does nothing else.
  app.post('/session/extend', async (request, reply) => {
    request.session.extendedAt = Date.now()
    return reply.code(204).send()
  })
}
