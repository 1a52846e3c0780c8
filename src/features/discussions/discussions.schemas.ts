// The input of every discussions route, declared once: forms (cleaned at the edge, checked by
// these schemas, errors mapped to the catalogue's per-field messages), route parameters and
// queries. Nothing else in the feature reads request data.
import { Type } from '@sinclair/typebox'
import { field, formSchema, idPattern, param } from '../../lib/form-schema.ts'
import { stages } from './discussions.tables.ts'

export const limits = {
  titleMin: 5,
  titleMax: 150,
  bodyMax: 20_000,
  tagsMax: 5,
  tagMax: 30,
  tagsFieldMax: 200,
  categoryNameMax: 80,
  categorySlugMax: 60,
  categoryDescriptionMax: 500,
  mentionQueryMax: 60,
} as const

const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** The one-time key of a form that writes a post: a resent form finds the post it wrote. */
const formKey = () => field.line({ max: 36, pattern: uuid })

const body = (label: string) => field.text({ required: true, max: limits.bodyMax, label })

export const idParams = Type.Object({ id: param.id() })
export const slugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) })

export const newThreadForm = formSchema({
  title: field.line({
    required: true,
    min: limits.titleMin,
    max: limits.titleMax,
    label: 'discussions.newThread.titleLabel',
  }),
  category: field.id({ label: 'discussions.category.label', message: 'discussions.category.unknown' }),
  stage: field.choice(stages, { label: 'discussions.stage.label', message: 'discussions.stage.unknown' }),
  tags: field.line({ max: limits.tagsFieldMax, label: 'discussions.tags.label' }),
  confidential: field.checkbox(),
  body: body('discussions.newThread.bodyLabel'),
  formKey: formKey(),
})

export const replyForm = formSchema({
  parent: field.id({ message: 'discussions.reply.parentUnknown' }),
  body: body('discussions.reply.label'),
  formKey: formKey(),
})

export const editForm = formSchema({
  body: body('discussions.edit.label'),
  /** The version the form was opened on; anything else than the current one is a conflict. */
  version: field.line({ max: 20 }),
})

export const previewForm = formSchema({
  body: field.text({ max: limits.bodyMax }),
})

/**
 * Hilfreich on the thread page without JavaScript: a post's button is named by the post's id (no
 * URL per post in the page), so the form #pf sends its token and that one name, with no value.
 */
export const helpfulButtonForm = Type.Object(
  { _csrf: Type.String({ maxLength: 200 }) },
  {
    patternProperties: { [idPattern.source]: Type.Literal('') },
    additionalProperties: false,
    minProperties: 2,
    maxProperties: 2,
  },
)

export const followForm = formSchema({ follow: field.choice(['true', 'false'] as const) })
export const lockForm = formSchema({ locked: field.choice(['true', 'false'] as const) })
export const stageForm = formSchema({
  stage: field.choice(stages, { message: 'discussions.stage.unknown' }),
})

/** A category's list: lenient, since these come from links people edit (bad values are ignored). */
export const threadListQuery = Type.Object({
  stage: Type.Optional(Type.String({ maxLength: 20 })),
  tag: Type.Optional(Type.String({ maxLength: 100 })),
  after: Type.Optional(Type.String({ maxLength: 40 })),
})

export const mentionQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
})

export const categoryForm = formSchema({
  name: field.line({ required: true, max: limits.categoryNameMax, label: 'discussions.admin.name' }),
  slug: field.line({ required: true, max: limits.categorySlugMax, label: 'discussions.admin.slug' }),
  description: field.text({ max: limits.categoryDescriptionMax, label: 'discussions.admin.description' }),
})

export const moveForm = formSchema({ direction: field.choice(['up', 'down'] as const) })
export const archiveForm = formSchema({ archived: field.choice(['true', 'false'] as const) })
