// Parsing of the discussions' forms and parameters. Only known fields are read; anything
// else a form carries is ignored. Bad ids are "not found", never a crash.
import { type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import { type Stage, stages } from './discussions.tables.ts'

export const limits = {
  titleMin: 5,
  titleMax: 150,
  bodyMax: 20_000,
  tagsMax: 5,
  tagMax: 30,
  categoryNameMax: 80,
  categorySlugMax: 60,
  categoryDescriptionMax: 500,
} as const

export type Form = Record<string, unknown>

/** The body of a form post as a record (formbody gives one; anything else is treated as empty). */
export function formOf(body: unknown): Form {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Form) : {}
}

/** A single text value; repeated fields and non-strings count as absent. Newlines normalised. */
export function text(form: Form, name: string): string {
  const value = form[name]
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : ''
}

/** A positive database id from a route parameter; anything else is a 404. */
export function idParam(value: unknown): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) throw new NotFoundError()
  const id = Number(value)
  if (id > 2_147_483_647) throw new NotFoundError()
  return id
}

/** An optional id in a form or query; undefined when absent, null when malformed. */
export function optionalId(value: unknown): number | undefined | null {
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) return null
  const id = Number(value)
  return id > 2_147_483_647 ? null : id
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (stages as readonly string[]).includes(value)
}

/** Adds errors for an empty or overlong body to `errors`. */
export function checkBody(body: string, errors: FieldErrors, field = 'body'): void {
  if (body.trim() === '') errors[field] = { key: 'validation.required' }
  else if (body.length > limits.bodyMax)
    errors[field] = { key: 'validation.tooLong', params: { max: limits.bodyMax } }
}

/** Free tags: comma-separated, lower-cased, letters/digits/space/hyphen, at most five. */
export function parseTags(raw: string, errors: FieldErrors): string[] {
  const tags = [
    ...new Set(
      raw
        .split(',')
        .map((tag) => tag.trim().replace(/\s+/g, ' ').toLowerCase())
        .filter(Boolean),
    ),
  ]
  if (tags.length > limits.tagsMax) {
    errors.tags = { key: 'discussions.tags.tooMany', params: { max: limits.tagsMax } }
  } else if (tags.some((tag) => tag.length > limits.tagMax)) {
    errors.tags = { key: 'discussions.tags.tooLong', params: { max: limits.tagMax } }
  } else if (tags.some((tag) => !/^[\p{L}\p{N}][\p{L}\p{N} -]*$/u.test(tag))) {
    errors.tags = { key: 'discussions.tags.invalid' }
  }
  return tags
}

export function throwIfErrors(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

/** A tag given as a list filter: normalised, or undefined when it cannot be a tag. */
export function tagFilter(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const tag = value.trim().replace(/\s+/g, ' ').toLowerCase()
  return tag && tag.length <= limits.tagMax ? tag : undefined
}

/** The keyset cursor of a thread list: "<microseconds since 1970>-<id>". Malformed → undefined (first page). */
export function parseCursor(value: unknown): { us: string; id: number } | undefined {
  if (typeof value !== 'string') return undefined
  const match = /^(\d{1,16})-([1-9]\d{0,9})$/.exec(value)
  if (!match?.[1] || !match[2]) return undefined
  const id = Number(match[2])
  if (id > 2_147_483_647) return undefined
  return { us: match[1], id }
}
