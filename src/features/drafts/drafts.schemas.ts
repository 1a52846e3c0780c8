// The input of the drafts routes (see lib/form-schema.ts). A draft keeps the fields of the
// forms that write threads and replies, nothing else.
import { Type } from '@sinclair/typebox'
import { field, formSchema } from '../../lib/form-schema.ts'

/**
 * Which form: its action and, for a reply, the post it answers ("/t/12/posts|34"). Edits
 * ("/p/34/edit|") and direct messages ("/messages/5|") are kept only when a sign-in carried their
 * text (carried-text.ts).
 */
export const draftKeyPattern = /^\/(?:t|t\/\d{1,10}\/posts|p\/\d{1,10}\/edit|messages\/\d{1,10})\|\d{0,10}$/
const key = () => field.line({ required: true, max: 200, pattern: draftKeyPattern })

export const draftForm = formSchema({
  key: key(),
  title: field.line({ max: 300 }),
  body: field.text({ max: 20_000 }),
  tags: field.line({ max: 200 }),
  category: field.line({ max: 10 }),
  stage: field.line({ max: 20 }),
  confidential: field.line({ max: 20 }),
  parent: field.line({ max: 10 }),
  formKey: field.line({ max: 36 }),
})

export const draftKeyForm = formSchema({ key: key() })

export const draftQuery = Type.Object({ key: Type.String({ maxLength: 200 }) })

/** The fields a draft keeps, in the order of draftForm. */
export const draftFields = [
  'title',
  'body',
  'tags',
  'category',
  'stage',
  'confidential',
  'parent',
  'formKey',
] as const
