// Every input of the profiles routes: the profile and succession forms (cleaned at the edge,
// errors per field with its label) and the members directory's filters (lenient on purpose: a
// filter that makes no sense is a message on the page, never an error page).
import { Type } from '@sinclair/typebox'
import { field, formSchema, param } from '../../lib/form-schema.ts'

export const limits = {
  nameMax: 120,
  jobTitleMax: 120,
  topicsMax: 5,
  topicMax: 30,
  topicsFieldMax: 200,
  introductionMax: 2000,
  successionNoteMax: 500,
}

export const profileForm = formSchema({
  name: field.line({ required: true, max: limits.nameMax, label: 'profile.edit.name' }),
  jobTitle: field.line({ required: true, max: limits.jobTitleMax, label: 'profile.edit.jobTitle' }),
  topics: field.line({ max: limits.topicsFieldMax, label: 'profile.edit.topics' }),
  introduction: field.text({ max: limits.introductionMax, label: 'profile.edit.introduction' }),
})

export const successionForm = formSchema({
  email: field.email({ required: true, label: 'succession.email' }),
  note: field.line({ max: limits.successionNoteMax, label: 'succession.note' }),
  leaveNow: field.checkbox({ label: 'succession.leaveNow' }),
})

export const idParams = Type.Object({ id: param.id() })

const text = (max: number) => Type.Optional(Type.String({ maxLength: max }))
export const directoryQuery = Type.Object({
  q: text(200),
  land: text(100),
  kreis: text(100),
  kind: text(100),
  size: text(100),
  topic: text(200),
  organisation: text(100),
  after: text(400),
})
