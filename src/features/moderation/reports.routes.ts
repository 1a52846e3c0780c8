// Reporting a post (members) and the moderators' queue of reported posts with its actions.
// The report form is a page of its own (works without JavaScript) and, with htmx, opens inline
// under the post and is replaced by the confirmation.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type RawBuilder, sql } from 'kysely'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { keepTyped, param, parseForm } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { permalink } from '../discussions/discussions.service.ts'
import { decide } from './decide.ts'
import { actionForm, editForm, reportForm } from './reports.schemas.ts'
import {
  actOnPost,
  listReportQueue,
  openModerationCount,
  postToReport,
  type ReportAction,
  reportPost,
  reportReasons,
} from './reports.service.ts'

const moderatorOnly = { access: 'moderator' as const }
const postParams = Type.Object({ id: param.id() })

/** Reports per member: enough for a bad day in the forum, not for flooding the queue. */
const reportLimit = {
  max: 20,
  timeWindow: 3600_000,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `report:${request.member?.id ?? request.ip}`,
}

interface QueueState {
  status?: number
  errorFor?: number
  errors?: FieldErrors
  values?: Record<string, string>
  flash?: string
}

/** openModerationCount() as SQL over the signed-in member: 0 unless they moderate. */
function moderationCountColumn(member: { role: RawBuilder<string> }) {
  return sql<number>`case when ${member.role} in ('moderator', 'admin') then
      (select count(distinct post_id)::int from reports where resolved_at is null)
      + (select count(distinct message_id)::int from message_reports where resolved_at is null)
      + (select count(*)::int from members where status = 'pending_review')
      + (select count(*)::int from thread_guests where status = 'proposed')
    else 0 end`
}

export async function reportRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  // The moderators' badge in the navigation: reported posts and waiting applicants.
  app.addLayoutData({
    keys: ['moderationCount'],
    load: async (request) => {
      const role = request.member?.role
      if (role !== 'moderator' && role !== 'admin') return { moderationCount: 0 }
      return { moderationCount: await openModerationCount(db) }
    },
    // The same count read with the session (LayoutData.columns): no round trip of its own.
    columns: { moderationCount: moderationCountColumn },
  })

  const reasons = (request: FastifyRequest, chosen?: string) =>
    reportReasons.map((value) => ({
      value,
      label: request.t(`reports.reason.${value}`),
      checked: value === chosen,
    }))

  async function renderReportForm(
    request: FastifyRequest,
    reply: FastifyReply,
    postId: number,
    state: { status?: number; errors?: FieldErrors; values?: Record<string, string> } = {},
  ) {
    const post = await postToReport(db, request.member!, postId)
    return reply.code(state.status ?? 200).pageOrFragment('moderation/report', 'moderation/_report-form', {
      title: request.t('reports.title'),
      post,
      reasons: reasons(request, state.values?.reason),
      values: state.values ?? {},
      errors: state.errors,
      inline: wantsFragment(request),
    })
  }

  app.get('/p/:id/report', { schema: { params: postParams } }, async (request, reply) =>
    renderReportForm(request, reply, request.params.id),
  )

  app.post(
    '/p/:id/report',
    { config: { rateLimit: reportLimit }, schema: { params: postParams, body: reportForm } },
    async (request, reply) => {
      const form = parseForm(request, reportForm)
      if (!form.ok)
        return renderReportForm(request, reply, request.params.id, {
          status: 422,
          errors: form.errors,
          values: keepTyped(reportForm, form.values),
        })
      const { threadId } = await reportPost(db, request.member!, request.params.id, form.values)
      if (wantsFragment(request))
        return reply.fragment('moderation/_report-sent', { postId: request.params.id })
      request.session.flash = request.t('reports.sent')
      return reply.redirect(permalink(threadId, request.params.id), 303)
    },
  )

  function cardErrors(request: FastifyRequest, postId: number, errors: FieldErrors) {
    const fields: Record<string, true> = {}
    const list = Object.entries(errors).map(([field, error]) => {
      fields[field] = true
      const message = request.t(error.key, error.params)
      return {
        href: `#${field}-${postId}`,
        message: error.label ? `${request.t(error.label)}: ${message}` : message,
      }
    })
    return { list, fields }
  }

  async function renderQueue(request: FastifyRequest, reply: FastifyReply, state: QueueState = {}) {
    const groups = (await listReportQueue(db)).map((group) => ({
      ...group,
      reports: group.reports.map((r) => ({ ...r, reasonLabel: request.t(`reports.reason.${r.reason}`) })),
      ...(group.postId === state.errorFor && state.errors
        ? { errors: cardErrors(request, group.postId, state.errors), values: state.values }
        : { values: { body: group.bodySource } }),
    }))
    return reply.code(state.status ?? 200).page('moderation/reports', {
      title: request.t('reports.queue.title'),
      groups,
      errors: state.errors,
      flash: state.flash,
    })
  }

  app.get('/moderation/reports', { config: moderatorOnly }, async (request, reply) =>
    renderQueue(request, reply),
  )

  const simpleActions: ReportAction[] = ['dismiss', 'hide', 'delete', 'warn', 'suspend']
  for (const action of simpleActions) {
    app.post(
      `/moderation/reports/:id/${action}`,
      { config: moderatorOnly, schema: { params: postParams, body: actionForm } },
      async (request, reply) => {
        const form = parseForm(request, actionForm)
        const id = request.params.id
        if (!form.ok)
          return renderQueue(request, reply, {
            status: 422,
            errorFor: id,
            errors: form.errors,
            values: keepTyped(actionForm, form.values),
          })
        let outcome = ''
        return decide(
          request,
          reply,
          async () => {
            outcome = await actOnPost(db, request.member!, id, action, form.values)
          },
          {
            get done() {
              return `reports.done.${outcome}`
            },
            back: '/moderation/reports',
            onConflict: (flash) => renderQueue(request, reply, { status: 409, flash }),
          },
        )
      },
    )
  }

  app.post(
    '/moderation/reports/:id/edit',
    { config: moderatorOnly, schema: { params: postParams, body: editForm } },
    async (request, reply) => {
      const form = parseForm(request, editForm)
      const id = request.params.id
      if (!form.ok)
        return renderQueue(request, reply, {
          status: 422,
          errorFor: id,
          errors: form.errors,
          values: keepTyped(editForm, form.values),
        })
      return decide(
        request,
        reply,
        () => actOnPost(db, request.member!, id, 'edit', form.values).then(() => {}),
        {
          done: 'reports.done.edited',
          back: '/moderation/reports',
          onConflict: (flash) => renderQueue(request, reply, { status: 409, flash }),
        },
      )
    },
  )
}
