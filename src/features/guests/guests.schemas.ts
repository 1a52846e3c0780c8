// The input of every guests route, declared once (forms cleaned at the edge, checked here, errors
// mapped to the catalogue's per-field messages).
import { Type } from '@sinclair/typebox'
import { field, formSchema, param } from '../../lib/form-schema.ts'

export const limits = { nameMax: 120, organisationMax: 160, reasonMax: 2000, passwordMax: 200 } as const

export const threadParams = Type.Object({ id: param.id() })
export const guestParams = Type.Object({ id: param.id(), guestId: param.id() })
export const proposalParams = Type.Object({ guestId: param.id() })
export const tokenParams = Type.Object({ token: param.token() })

export const proposalForm = formSchema({
  email: field.email({ required: true, label: 'guests.field.email' }),
  name: field.line({ required: true, max: limits.nameMax, label: 'guests.field.name' }),
  organisation: field.line({
    required: true,
    max: limits.organisationMax,
    label: 'guests.field.organisation',
  }),
  reason: field.text({ required: true, max: limits.reasonMax, label: 'guests.field.reason' }),
})

export const decisionForm = formSchema({
  decision: field.choice(['approve', 'decline'] as const, { label: 'guests.field.decision' }),
})

export const acceptForm = formSchema({
  password: field.secret({ required: true, max: limits.passwordMax, label: 'guests.field.password' }),
})

export const emptyForm = formSchema({})
