// Members as moderators see them: the list, one member's record, and what moderators do to a
// member (suspend, lift, move to another organisation; admins also change the role).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { memberStatuses, roles } from '../../db/schema.ts'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import { keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { loadOrganisationPicker } from '../organisations/organisations.service.ts'
import { decide } from './decide.ts'
import { findMemberRecord, listMembers } from './moderation.repository.ts'
import { memberParams, membersQuery, organisationForm, roleForm, suspendForm } from './moderation.schemas.ts'
import {
  canModerate,
  changeRole,
  moveToOrganisation,
  suspendMember,
  suspensionEndProblems,
  unsuspendMember,
} from './moderation.service.ts'

const moderatorOnly = { access: 'moderator' as const }
const adminOnly = { access: 'admin' as const }

interface RecordState {
  status?: number
  errors?: FieldErrors
  values?: Record<string, string>
  flash?: string
}

const isStatus = (value: unknown): value is (typeof memberStatuses)[number] =>
  (memberStatuses as readonly unknown[]).includes(value)

export async function memberRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = deps

  app.get(
    '/moderation/members',
    { config: moderatorOnly, schema: { querystring: membersQuery } },
    async (request, reply) => {
      const status = isStatus(request.query.status) ? request.query.status : undefined
      const q = (request.query.q ?? '').trim().slice(0, 100)
      const members = await listMembers(db, { status, query: q })
      return reply.page('moderation/members', {
        title: request.t('moderation.members.title'),
        members,
        q,
        statuses: memberStatuses.map((value) => ({ value, selected: value === status })),
      })
    },
  )

  async function renderMember(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: RecordState = {},
  ) {
    const record = await findMemberRecord(db, id)
    if (!record) throw new NotFoundError()
    const actor = request.member!
    const values = state.values ?? {}
    const picker = values.orgQuery
      ? await loadOrganisationPicker(db, {
          query: values.orgQuery,
          selectedId: Number(values.organisationId) || null,
        })
      : undefined
    return reply.code(state.status ?? 200).page('moderation/member', {
      title: record.name,
      record,
      picker,
      canAct: canModerate(actor, record),
      canChangeRole: actor.role === 'admin' && actor.id !== record.id,
      roles: roles.map((value) => ({ value, selected: value === record.role })),
      errors: state.errors,
      values,
      flash: state.flash,
    })
  }

  const onRecord = (request: FastifyRequest, reply: FastifyReply, id: number, done: string) => ({
    done,
    back: `/moderation/members/${id}`,
    onConflict: (flash: string) => renderMember(request, reply, id, { status: 409, flash }),
  })

  app.get(
    '/moderation/members/:id',
    { config: moderatorOnly, schema: { params: memberParams } },
    async (request, reply) => renderMember(request, reply, request.params.id),
  )

  app.post(
    '/moderation/members/:id/suspend',
    {
      config: { ...moderatorOnly, secondFactor: 'recent' },
      schema: { params: memberParams, body: suspendForm },
    },
    async (request, reply) => {
      const form = parseForm(request, suspendForm)
      const id = request.params.id
      const failed = (errors: FieldErrors) =>
        renderMember(request, reply, id, {
          status: 422,
          errors: labelErrors(suspendForm, errors),
          values: keepTyped(suspendForm, form.values),
        })
      if (!form.ok) {
        const dateProblems = form.errors.until ? {} : suspensionEndProblems(form.values.until, clock.now())
        return failed({ ...form.errors, ...dateProblems })
      }
      try {
        return await decide(
          request,
          reply,
          () => suspendMember(db, request.member!, id, form.values, clock.now()),
          onRecord(request, reply, id, 'moderation.suspended'),
        )
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return failed(error.fields)
      }
    },
  )

  app.post(
    '/moderation/members/:id/unsuspend',
    { config: moderatorOnly, schema: { params: memberParams } },
    async (request, reply) => {
      const id = request.params.id
      return decide(
        request,
        reply,
        () => unsuspendMember(db, request.member!, id),
        onRecord(request, reply, id, 'moderation.unsuspended'),
      )
    },
  )

  // Moves a member to another organisation (e.g. from their Kreis to their Gemeinde once the
  // Gemeinde is in the directory). The no-JS search submits the form with action=search.
  app.post(
    '/moderation/members/:id/organisation',
    { config: moderatorOnly, schema: { params: memberParams, body: organisationForm } },
    async (request, reply) => {
      const form = parseForm(request, organisationForm)
      const id = request.params.id
      const values = keepTyped(organisationForm, form.values)
      if (form.values.action === 'search') return renderMember(request, reply, id, { values })
      if (!form.ok || form.values.organisationId === '') {
        const errors = form.ok ? { organisationId: { key: 'register.organisation.missing' } } : form.errors
        return renderMember(request, reply, id, {
          status: 422,
          errors: labelErrors(organisationForm, errors),
          values,
        })
      }
      const organisationId = Number(form.values.organisationId)
      return decide(
        request,
        reply,
        () => moveToOrganisation(db, request.member!, id, organisationId),
        onRecord(request, reply, id, 'moderation.organisationChanged'),
      )
    },
  )

  app.post(
    '/moderation/members/:id/role',
    { config: { ...adminOnly, secondFactor: 'recent' }, schema: { params: memberParams, body: roleForm } },
    async (request, reply) => {
      const form = parseForm(request, roleForm)
      const id = request.params.id
      if (!form.ok) return renderMember(request, reply, id, { status: 422, errors: form.errors })
      return decide(
        request,
        reply,
        () => changeRole(db, request.member!, id, form.values.role),
        onRecord(request, reply, id, 'moderation.roleChanged'),
      )
    },
  )
}
