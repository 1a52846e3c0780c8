import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import { type MemberStatus, memberStatuses, type Role, roles } from '../../db/schema.ts'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors, NotFoundError } from '../../lib/errors.ts'
import { type FieldRule, type FormValues, parseId, readForm } from '../../lib/forms.ts'
import { loadOrganisationPicker } from '../organisations/organisations.service.ts'
import {
  distinctAuditActions,
  findMemberRecord,
  listApplicants,
  listAuditEvents,
  listMembers,
} from './moderation.repository.ts'
import {
  approveApplicant,
  askApplicant,
  canModerate,
  changeRole,
  moveToOrganisation,
  rejectApplicant,
  suspendMember,
  unsuspendMember,
} from './moderation.service.ts'

const moderatorOnly = { config: { access: 'moderator' as const } }
const adminOnly = { config: { access: 'admin' as const } }

const reasonForm = { reason: { required: true, max: 1000 } } satisfies Record<string, FieldRule>
const questionForm = { question: { required: true, max: 2000 } } satisfies Record<string, FieldRule>
const approveForm = { note: { max: 500 } } satisfies Record<string, FieldRule>
const suspendForm = {
  reason: { required: true, max: 1000 },
  until: { max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ },
} satisfies Record<string, FieldRule>

function idFrom(request: FastifyRequest): number {
  const id = parseId((request.params as { id?: string }).id)
  if (id === undefined) throw new NotFoundError()
  return id
}

export async function moderationRoutes(app: FastifyInstance, deps: FeatureDeps) {
  const { db, config } = deps

  // ---- Review queue ----------------------------------------------------------------------

  async function renderQueue(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      status?: number
      errors?: FieldErrors
      errorFor?: number
      values?: Record<string, string>
      flash?: string
    } = {},
  ) {
    const applicants = (await listApplicants(db)).map((a) => ({
      ...a,
      errors: a.id === extra.errorFor ? extra.errors : undefined,
      values: a.id === extra.errorFor ? extra.values : undefined,
    }))
    return reply.code(extra.status ?? 200).page('moderation/queue', {
      title: request.t('moderation.queue.title'),
      applicants,
      flash: extra.flash,
    })
  }

  app.get('/moderation', moderatorOnly, async (request, reply) => renderQueue(request, reply))

  /**
   * Runs a decision and redirects with a confirmation; a lost race (someone decided first)
   * re-renders the page the moderator came from with "already decided" (409).
   */
  async function decide(
    request: FastifyRequest,
    reply: FastifyReply,
    action: () => Promise<void>,
    done: { key: string; back: string; onConflict: (message: string) => Promise<FastifyReply> },
  ) {
    try {
      await action()
    } catch (error) {
      if (error instanceof ConflictError) return done.onConflict(request.t(error.messageKey))
      throw error
    }
    request.session.flash = request.t(done.key)
    return reply.redirect(done.back, 303)
  }

  /** One applicant decision: its form, the service call, the message after it. */
  function applicantDecision<T extends Record<string, FieldRule>>(
    action: string,
    rules: T,
    run: (moderator: CurrentMember, applicantId: number, values: FormValues<T>) => Promise<void>,
    doneKey: string,
  ) {
    app.post(`/moderation/applicants/:id/${action}`, moderatorOnly, async (request, reply) => {
      const id = idFrom(request)
      const form = readForm(request.body, rules)
      if (!form.ok) {
        return renderQueue(request, reply, {
          status: 422,
          errors: form.errors,
          errorFor: id,
          values: form.values,
        })
      }
      return decide(request, reply, () => run(request.member!, id, form.values), {
        key: doneKey,
        back: '/moderation',
        onConflict: (flash) => renderQueue(request, reply, { status: 409, flash }),
      })
    })
  }

  applicantDecision(
    'approve',
    approveForm,
    (moderator, id, values) => approveApplicant(db, moderator, id, values.note),
    'moderation.approved',
  )
  applicantDecision(
    'reject',
    reasonForm,
    (moderator, id, values) => rejectApplicant(db, moderator, id, values.reason),
    'moderation.rejected',
  )
  applicantDecision(
    'ask',
    questionForm,
    (moderator, id, values) => askApplicant(db, moderator, id, values.question, config.contactEmail),
    'moderation.asked',
  )

  // ---- Members ---------------------------------------------------------------------------

  app.get('/moderation/members', moderatorOnly, async (request, reply) => {
    const query = request.query as { status?: string; q?: string }
    const status = memberStatuses.includes(query.status as MemberStatus)
      ? (query.status as MemberStatus)
      : undefined
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : ''
    const members = await listMembers(db, { status, query: q })
    return reply.page('moderation/members', {
      title: request.t('moderation.members.title'),
      members,
      q,
      statuses: memberStatuses.map((value) => ({ value, selected: value === status })),
    })
  })

  async function renderMember(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { status?: number; errors?: FieldErrors; values?: Record<string, string>; flash?: string } = {},
  ) {
    const record = await findMemberRecord(db, id)
    if (!record) throw new NotFoundError()
    const actor = request.member!
    const values = extra.values ?? {}
    const picker = values.orgQuery
      ? await loadOrganisationPicker(db, {
          query: values.orgQuery,
          selectedId: Number(values.organisationId) || null,
        })
      : undefined
    return reply.code(extra.status ?? 200).page('moderation/member', {
      title: record.name,
      record,
      picker,
      canAct: canModerate(actor, record),
      canChangeRole: actor.role === 'admin' && actor.id !== record.id,
      roles: roles.map((value) => ({ value, selected: value === record.role })),
      errors: extra.errors,
      values,
      flash: extra.flash,
    })
  }

  app.get('/moderation/members/:id', moderatorOnly, async (request, reply) =>
    renderMember(request, reply, idFrom(request)),
  )

  const onRecord = (request: FastifyRequest, reply: FastifyReply, id: number, key: string) => ({
    key,
    back: `/moderation/members/${id}`,
    onConflict: (flash: string) => renderMember(request, reply, id, { status: 409, flash }),
  })

  app.post('/moderation/members/:id/suspend', moderatorOnly, async (request, reply) => {
    const id = idFrom(request)
    const form = readForm(request.body, suspendForm)
    const errors = { ...form.errors }
    if (form.values.until && !errors.until && new Date(form.values.until).getTime() <= Date.now()) {
      errors.until = { key: 'moderation.suspend.untilPast' }
    }
    if (Object.keys(errors).length > 0) {
      return renderMember(request, reply, id, { status: 422, errors, values: form.values })
    }
    return decide(
      request,
      reply,
      () =>
        suspendMember(db, request.member!, id, {
          reason: form.values.reason,
          until: form.values.until || null,
        }),
      onRecord(request, reply, id, 'moderation.suspended'),
    )
  })

  app.post('/moderation/members/:id/unsuspend', moderatorOnly, async (request, reply) => {
    const id = idFrom(request)
    return decide(
      request,
      reply,
      () => unsuspendMember(db, request.member!, id),
      onRecord(request, reply, id, 'moderation.unsuspended'),
    )
  })

  const organisationForm = {
    organisationId: { max: 12, pattern: /^\d+$/ },
    orgQuery: { max: 100 },
  } satisfies Record<string, FieldRule>

  // Moves a member to another organisation (e.g. from their Kreis to their Gemeinde once the
  // Gemeinde is in the directory). The no-JS search submits the form with action=search.
  app.post('/moderation/members/:id/organisation', moderatorOnly, async (request, reply) => {
    const id = idFrom(request)
    const form = readForm(request.body, organisationForm)
    const searching = (request.body as { action?: string } | undefined)?.action === 'search'
    const organisationId = Number(form.values.organisationId) || undefined
    if (searching || !form.ok || organisationId === undefined) {
      const errors = searching ? undefined : { organisationId: { key: 'register.organisation.missing' } }
      return renderMember(request, reply, id, { status: searching ? 200 : 422, errors, values: form.values })
    }
    return decide(
      request,
      reply,
      () => moveToOrganisation(db, request.member!, id, organisationId),
      onRecord(request, reply, id, 'moderation.organisationChanged'),
    )
  })

  app.post('/moderation/members/:id/role', adminOnly, async (request, reply) => {
    const id = idFrom(request)
    const role = (request.body as { role?: string } | undefined)?.role
    if (!roles.includes(role as Role)) {
      return renderMember(request, reply, id, {
        status: 422,
        errors: { role: { key: 'validation.invalid' } },
      })
    }
    return decide(
      request,
      reply,
      () => changeRole(db, request.member!, id, role as Role),
      onRecord(request, reply, id, 'moderation.roleChanged'),
    )
  })

  // ---- Audit log -------------------------------------------------------------------------

  app.get('/moderation/audit', moderatorOnly, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const date = (value: string | undefined) =>
      value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined
    const filter = {
      action: typeof query.action === 'string' ? query.action.slice(0, 60) : undefined,
      memberId: parseId(query.member),
      from: date(query.from),
      to: date(query.to),
      before: parseId(query.before),
    }
    const pageSize = 50
    const rows = await listAuditEvents(db, filter, pageSize)
    const events = rows.slice(0, pageSize).map((e) => ({ ...e, detailsText: JSON.stringify(e.details) }))
    const next = rows.length > pageSize ? events.at(-1)?.id : undefined
    const nextParams = new URLSearchParams(
      Object.entries({ ...filter, member: filter.memberId, before: next }).flatMap(
        ([k, v]): [string, string][] => (v !== undefined && k !== 'memberId' ? [[k, String(v)]] : []),
      ),
    )
    return reply.page('moderation/audit', {
      title: request.t('moderation.audit.title'),
      events,
      filter: { ...filter, member: query.member ?? '' },
      actions: (await distinctAuditActions(db)).map((value) => ({
        value,
        selected: value === filter.action,
      })),
      nextUrl: next ? `/moderation/audit?${nextParams}` : undefined,
    })
  })

  // ---- Admin index -----------------------------------------------------------------------

  app.get('/admin', adminOnly, async (request, reply) =>
    reply.page('moderation/admin', { title: request.t('layout.admin') }),
  )
}
