// Reporting one message (participants) and the moderators' queue of reported messages. The
// queue shows each reported message alone: no conversation, no other message, no participant
// list. Moderators dismiss the reports, hide the message, or suspend its author.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors } from '../../lib/errors.ts'
import { keepTyped, param, parseForm } from '../../lib/form-schema.ts'
import { messageParams, moderatorActionForm, reportForm } from './messages.schemas.ts'
import * as service from './messages.service.ts'

const me = (request: FastifyRequest): CurrentMember => request.member!
const moderatorOnly = { access: 'moderator' as const }
const idParams = Type.Object({ id: param.id() })

/** Reports per member: as many as for posts (moderation's reports). */
const reportLimit = {
  max: 20,
  timeWindow: 3600_000,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `report:${request.member?.id ?? request.ip}`,
}

export async function messageReportRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  async function renderReportForm(
    request: FastifyRequest,
    reply: FastifyReply,
    params: { id: number; messageId: number },
    state: { status?: number; errors?: FieldErrors; values?: Record<string, string> } = {},
  ) {
    const message = await service.messageToReport(db, me(request), params.id, params.messageId)
    return reply.code(state.status ?? 200).page('messages/report', {
      title: request.t('messages.report.title'),
      message,
      conversationId: params.id,
      reasons: service.reportReasons.map((value) => ({
        value,
        label: request.t(`reports.reason.${value}`),
        checked: value === state.values?.reason,
      })),
      values: state.values ?? {},
      errors: state.errors,
    })
  }

  app.get(
    '/messages/:id/m/:messageId/report',
    { schema: { params: messageParams } },
    async (request, reply) => renderReportForm(request, reply, request.params),
  )

  app.post(
    '/messages/:id/m/:messageId/report',
    { config: { rateLimit: reportLimit }, schema: { params: messageParams, body: reportForm } },
    async (request, reply) => {
      const form = parseForm(request, reportForm)
      if (!form.ok)
        return renderReportForm(request, reply, request.params, {
          status: 422,
          errors: form.errors,
          values: keepTyped(reportForm, form.values),
        })
      const { id, messageId } = request.params
      await service.reportMessage(db, me(request), id, messageId, form.values)
      request.session.flash = request.t('messages.report.sent')
      return reply.redirect(`/messages/${id}#m-${messageId}`, 303)
    },
  )

  async function renderQueue(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { status?: number; errors?: FieldErrors; errorFor?: number; flash?: string } = {},
  ) {
    const reports = await service.listMessageReportQueue(db)
    return reply.code(state.status ?? 200).page('messages/reports', {
      title: request.t('messages.reports.title'),
      reports: reports.map((report) => ({
        ...report,
        authorName: report.authorName ?? request.t('messages.conversation.someone'),
        reports: report.reports.map((r) => ({ ...r, reasonLabel: request.t(`reports.reason.${r.reason}`) })),
        error: report.messageId === state.errorFor ? state.errors?.reason : undefined,
      })),
      errors: state.errors,
      flash: state.flash,
    })
  }

  app.get('/moderation/messages', { config: moderatorOnly }, async (request, reply) =>
    renderQueue(request, reply),
  )

  for (const action of ['dismiss', 'hide', 'suspend'] as const) {
    app.post(
      `/moderation/messages/:id/${action}`,
      { config: moderatorOnly, schema: { params: idParams, body: moderatorActionForm } },
      async (request, reply) => {
        const form = parseForm(request, moderatorActionForm)
        const id = request.params.id
        if (!form.ok) return renderQueue(request, reply, { status: 422, errors: form.errors, errorFor: id })
        try {
          await service.actOnReportedMessage(db, me(request), id, action, form.values.reason)
        } catch (error) {
          if (error instanceof ConflictError)
            return renderQueue(request, reply, { status: 409, flash: request.t(error.messageKey) })
          throw error
        }
        request.session.flash = request.t(`messages.reports.done.${action}`)
        return reply.redirect('/moderation/messages', 303)
      },
    )
  }
}
