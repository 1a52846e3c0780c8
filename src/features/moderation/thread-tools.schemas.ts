// The input of the thread tools and muting routes (see lib/form-schema.ts).
import { Type } from '@sinclair/typebox'
import { field, formSchema, param } from '../../lib/form-schema.ts'

export const threadParams = Type.Object({ id: param.id() })

export const pinForm = formSchema({ pinned: field.choice(['true', 'false'] as const) })

export const moveForm = formSchema({
  category: field.id({
    required: true,
    label: 'threadTools.move.category',
    message: 'threadTools.move.unknown',
  }),
  moveNote: field.line({ max: 500, label: 'threadTools.note' }),
})

export const editHeadForm = formSchema({
  title: field.line({ required: true, min: 5, max: 150, label: 'threadTools.edit.title' }),
  tags: field.line({ max: 200, label: 'threadTools.edit.tags' }),
  note: field.line({ required: true, max: 500, label: 'threadTools.note' }),
})

/** The Ergebnis: a reply's id, or '' for none. */
export const resultForm = formSchema({
  post: field.id({ label: 'threadTools.result.label', message: 'threadTools.result.unknown' }),
})

export const unhideForm = formSchema({
  reason: field.line({ required: true, max: 500, label: 'threadTools.unhide.reason' }),
})

export const muteForm = formSchema({ muted: field.choice(['true', 'false'] as const) })
