// The input of every messages route, declared once (forms cleaned at the edge, checked here).
import { Type } from '@sinclair/typebox'
import { field, formSchema, param } from '../../lib/form-schema.ts'

export const limits = {
  bodyMax: 20_000,
  queryMax: 60,
  /** Everyone in a conversation, the one who starts it included. */
  participantsMax: 20,
  reportTextMax: 1000,
} as const

const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
/** Chosen recipients: member ids separated by commas (a hidden field the picker keeps). */
const idList = /^(?:[1-9][0-9]{0,9}(?:,[1-9][0-9]{0,9}){0,40})?$/

export const conversationParams = Type.Object({ id: param.id() })
export const messageParams = Type.Object({ id: param.id(), messageId: param.id() })

export const conversationQuery = Type.Object({
  before: Type.Optional(param.id()),
  /** draft=1: the reply box opens with the member's draft (a sign-in carried it, drafts/carried-text.ts). */
  draft: Type.Optional(Type.String({ maxLength: 1 })),
})

export const newConversationQuery = Type.Object({
  to: Type.Optional(param.id()),
})

export const recipientQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  to: Type.Optional(Type.String({ maxLength: 500 })),
})

/**
 * The new-conversation form is also the recipients picker without JavaScript: "search" shows
 * members matching `q`, `add` / `remove` change the chosen list, "send" starts the conversation.
 */
export const newConversationForm = formSchema({
  to: field.line({ max: 450, pattern: idList, label: 'messages.new.to', message: 'messages.new.toInvalid' }),
  q: field.line({ max: limits.queryMax, label: 'messages.picker.search' }),
  add: field.id({ message: 'messages.new.toInvalid' }),
  remove: field.id({ message: 'messages.new.toInvalid' }),
  /** 'search' (the picker's button); anything else sends. */
  action: field.line({ max: 10 }),
  body: field.text({ max: limits.bodyMax, label: 'messages.body.label' }),
  formKey: field.line({ max: 36, pattern: uuid }),
})

export const replyForm = formSchema({
  body: field.text({ required: true, max: limits.bodyMax, label: 'messages.body.label' }),
  formKey: field.line({ max: 36, pattern: uuid }),
})

export const addParticipantForm = formSchema({
  add: field.id({ required: true, label: 'messages.participants.add', message: 'messages.new.toInvalid' }),
})

export const memberForm = formSchema({
  member: field.id({ required: true, message: 'messages.block.unknown' }),
  /** Where to go afterwards: a conversation or the settings (checked by the route). */
  back: field.line({ max: 40 }),
})

export const settingsForm = formSchema({
  mailMode: field.choice(['immediately', 'hourly', 'never'] as const, {
    label: 'messages.settings.mail',
    message: 'messages.settings.choose',
  }),
})

export const reportReasons = ['third_party_data', 'inappropriate', 'off_topic', 'spam', 'other'] as const

export const reportForm = formSchema({
  reason: field.choice(reportReasons, { label: 'reports.reason', message: 'validation.required' }),
  text: field.text({ max: limits.reportTextMax, label: 'reports.text' }),
})

export const moderatorActionForm = formSchema({
  reason: field.text({ required: true, max: 1000, label: 'reports.action.reason' }),
})
