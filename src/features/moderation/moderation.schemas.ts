// The input of the moderation routes, declared once (see lib/form-schema.ts).
import { type Static, type TObject, Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { memberStatuses, roles } from '../../db/schema.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { field, formSchema, param } from '../../lib/form-schema.ts'
import { auditActions } from './audit-log.ts'

export const memberParams = Type.Object({ id: param.id() })

export const approveForm = formSchema({
  note: field.line({ max: 500, label: 'moderation.approve.note' }),
})
export const rejectForm = formSchema({
  reason: field.text({ required: true, max: 1000, label: 'moderation.reject.reason' }),
})
export const askForm = formSchema({
  question: field.text({ required: true, max: 2000, label: 'moderation.ask.question' }),
})

/**
 * A calendar date (YYYY-MM-DD) that PostgreSQL can store, or empty: "2026-02-30" and the
 * year 0000 are refused with the field's message instead of reaching the database.
 */
function optionalDate(options: { label: string; message: string }) {
  return Type.Unsafe<string>({
    type: 'string',
    maxLength: 10,
    anyOf: [{ const: '' }, { format: 'date', pattern: '^(?!0000)\\d{4}-' }],
    'x-input': 'line',
    'x-label': options.label,
    'x-message': options.message,
  })
}

export const suspendForm = formSchema({
  reason: field.text({ required: true, max: 1000, label: 'moderation.suspend.reason' }),
  until: optionalDate({ label: 'moderation.suspend.until', message: 'moderation.dateInvalid' }),
})

export const organisationForm = formSchema({
  organisationId: field.id({ label: 'moderation.organisation.field' }),
  orgQuery: field.line({ max: 100, label: 'register.orgQuery' }),
  /** The no-JavaScript search button of the picker sends action=search. */
  action: field.line({ max: 20 }),
})

export const roleForm = formSchema({
  role: field.choice(roles, { label: 'moderation.role', message: 'validation.invalid' }),
})

// The members list: a filter that does not fit is ignored (a stale link shows everyone).
export const membersQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 1000 })),
  status: Type.Optional(
    Type.Union([
      Type.Unsafe<(typeof memberStatuses)[number]>({ type: 'string', enum: [...memberStatuses] }),
      Type.String({ maxLength: 100 }),
    ]),
  ),
})

/** The audit log's filter form (GET): each value that does not fit is named beside its field. */
export const auditQuery = Type.Object({
  action: Type.Optional(
    Type.Unsafe<(typeof auditActions)[number]>({
      type: 'string',
      enum: [...auditActions],
      'x-label': 'moderation.audit.action',
      'x-message': 'moderation.audit.actionInvalid',
    }),
  ),
  member: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 2_147_483_647,
      'x-label': 'moderation.audit.memberId',
      'x-message': 'moderation.audit.memberInvalid',
    }),
  ),
  from: Type.Optional(optionalDate({ label: 'moderation.audit.from', message: 'moderation.dateInvalid' })),
  to: Type.Optional(optionalDate({ label: 'moderation.audit.to', message: 'moderation.dateInvalid' })),
  /** The "older entries" link's cursor: a bad one starts from the newest entry. */
  before: Type.Optional(param.id()),
})

interface ValidationFailure extends Error {
  validation?: { instancePath: string; keyword: string; params: Record<string, unknown> }[]
  validationContext?: string
}

/**
 * The filter of a GET form whose route sets `attachValidation`: values that fail their schema
 * are left out, and those of a labelled field come back as that field's error; the rest
 * applies. (A form that changes something uses parseForm and answers 422 instead.)
 */
export function readFilter<T extends TObject>(
  request: FastifyRequest,
  schema: T,
): { filter: Partial<Static<T>>; errors: FieldErrors } {
  const failure = request.validationError as ValidationFailure | undefined
  if (failure && failure.validationContext !== 'querystring') throw failure
  const filter: Record<string, unknown> = { ...(request.query as Record<string, unknown>) }
  const errors: FieldErrors = {}
  for (const error of failure?.validation ?? []) {
    const name = error.instancePath.slice(1).split('/')[0]
    if (!name) continue
    delete filter[name]
    const fieldSchema = schema.properties[name] as Record<string, unknown> | undefined
    const label = fieldSchema?.['x-label'] as string | undefined
    if (label && !errors[name]) {
      errors[name] = { key: (fieldSchema?.['x-message'] as string) ?? 'validation.invalid', label }
    }
  }
  for (const [name, value] of Object.entries(filter)) {
    if (value === '') delete filter[name]
    // Ajv coerces "1e400" to Infinity and then skips the range check: not a number we can use.
    if (typeof value === 'number' && !Number.isFinite(value)) {
      delete filter[name]
      const label = (schema.properties[name] as Record<string, unknown> | undefined)?.['x-label'] as
        | string
        | undefined
      const message = (schema.properties[name] as Record<string, unknown> | undefined)?.['x-message'] as
        | string
        | undefined
      if (label && !errors[name]) errors[name] = { key: message ?? 'validation.invalid', label }
    }
  }
  return { filter: filter as Partial<Static<T>>, errors }
}
