// The audit log, readable: filter by event, member and dates; each entry as a sentence.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { auditActions, describeAuditEvent, organisationIdsOf } from './audit-log.ts'
import { listAuditEvents, organisationNames } from './moderation.repository.ts'
import { auditQuery, readFilter } from './moderation.schemas.ts'

const pageSize = 50

export async function auditRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get(
    '/moderation/audit',
    { config: { access: 'moderator' }, schema: { querystring: auditQuery }, attachValidation: true },
    async (request, reply) => {
      const { filter, errors } = readFilter(request, auditQuery)
      const rows = await listAuditEvents(
        db,
        {
          action: filter.action,
          memberId: filter.member,
          from: filter.from,
          to: filter.to,
          before: filter.before,
        },
        pageSize,
      )
      const shown = rows.slice(0, pageSize)
      const names = await organisationNames(db, organisationIdsOf(shown))
      const t = (key: string, params?: Record<string, string | number>) => request.t(key, params)
      const events = shown.map((row) => describeAuditEvent(row, names, t))
      const next = rows.length > pageSize ? events.at(-1)?.id : undefined
      const nextParams = new URLSearchParams()
      for (const name of ['action', 'member', 'from', 'to'] as const) {
        if (filter[name] !== undefined) nextParams.set(name, String(filter[name]))
      }
      if (next) nextParams.set('before', next)
      return reply.page('moderation/audit', {
        title: request.t('moderation.audit.title'),
        events,
        // What was typed stays in the form, also when it did not fit.
        filter: rawFilter(request.query),
        errors,
        actions: auditActions.map((value) => ({
          value,
          label: request.t(`audit.${value}`),
          selected: value === filter.action,
        })),
        nextUrl: next ? `/moderation/audit?${nextParams}` : undefined,
      })
    },
  )
}

function rawFilter(query: unknown): Record<string, string> {
  const source = (query ?? {}) as Record<string, unknown>
  const kept: Record<string, string> = {}
  for (const name of ['member', 'from', 'to']) {
    const value = source[name]
    if (typeof value === 'string' || typeof value === 'number') kept[name] = String(value).slice(0, 20)
  }
  return kept
}
