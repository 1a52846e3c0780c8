// The input of every groups route, declared once (forms cleaned at the edge, checked here, errors
// mapped to the catalogue's per-field messages).
import { Type } from '@sinclair/typebox'
import { field, formSchema, param } from '../../lib/form-schema.ts'
import { joinModes } from './groups.tables.ts'

export const limits = {
  nameMax: 120,
  descriptionMax: 2000,
  messageMax: 1000,
  handleMax: 60,
  categoryNameMax: 80,
  categoryDescriptionMax: 500,
} as const

export const groupParams = Type.Object({ id: param.id() })
export const groupMemberParams = Type.Object({ id: param.id(), memberId: param.id() })

export const groupForm = formSchema({
  name: field.line({ required: true, max: limits.nameMax, label: 'groups.field.name' }),
  description: field.text({ max: limits.descriptionMax, label: 'groups.field.description' }),
  joinMode: field.choice(joinModes, { label: 'groups.field.joinMode' }),
})

export const joinForm = formSchema({
  message: field.text({ max: limits.messageMax, label: 'groups.field.message' }),
})

export const decisionForm = formSchema({
  decision: field.choice(['approve', 'decline'] as const, { label: 'groups.field.decision' }),
})

export const memberActionForm = formSchema({
  action: field.choice(['promote', 'demote', 'remove'] as const, { label: 'groups.field.action' }),
})

export const inviteForm = formSchema({
  handle: field.line({ required: true, max: limits.handleMax, label: 'groups.field.handle' }),
})

export const groupCategoryForm = formSchema({
  categoryName: field.line({
    required: true,
    max: limits.categoryNameMax,
    label: 'groups.field.categoryName',
  }),
  categoryDescription: field.text({
    max: limits.categoryDescriptionMax,
    label: 'groups.field.categoryDescription',
  }),
})
