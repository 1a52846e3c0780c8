// Forms are declared once, as a TypeBox schema on the route (`schema: { body: myForm }`).
// The input plugin cleans every form field at the edge (first value of a repeated field,
// control characters removed, trimmed, missing = ''; secrets untouched), Fastify validates, and
// parseForm() turns the schema errors into the catalogue's per-field messages, so a form can
// re-render with 422, everything typed (but secrets) and every problem in one round.
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { FieldErrors } from './errors.ts'

/** How the edge cleans a field: one line of text, free text with line breaks, or a secret. */
export type InputKind = 'line' | 'text' | 'secret'

/**
 * Ajv coerces "1e400" to Infinity and then skips `minimum` and `maximum`, which only look at
 * finite numbers: a huge number would pass every range (and reach PostgreSQL as "Infinity").
 * The input plugin adds this keyword to every number schema of every route.
 */
export const finiteKeyword = {
  keyword: 'x-finite',
  schemaType: 'boolean',
  errors: false,
  // Not `type: 'number'`: Ajv's number check would skip Infinity here too.
  validate: (_schema: boolean, data: unknown) => typeof data !== 'number' || Number.isFinite(data),
} as const

/** Schema keywords of ours, registered with Ajv (app.ts): annotations, and the finite check. */
export const formKeywords = ['x-form', 'x-input', 'x-label', 'x-message', finiteKeyword] as const

interface FieldOptions {
  /** Catalogue key of the field's label: the error summary names the field with it. */
  label?: string
  /** Catalogue key for a value of the wrong form (pattern, choice, number range). */
  message?: string
}

function annotations(kind: InputKind, options: FieldOptions) {
  return {
    'x-input': kind,
    ...(options.label ? { 'x-label': options.label } : {}),
    ...(options.message ? { 'x-message': options.message } : {}),
  }
}

interface TextOptions extends FieldOptions {
  max: number
  /** Required fields have at least one character (after trimming); `min` asks for more. */
  required?: boolean
  min?: number
  pattern?: RegExp
}

function textField(kind: InputKind, options: TextOptions) {
  const min = options.min ?? (options.required ? 1 : 0)
  const pattern = options.pattern ? patternOf(options.pattern) : undefined
  // An optional field may stay empty, whatever its other rules.
  const rules = { ...(min > 0 ? { minLength: min } : {}), ...(pattern ? { pattern } : {}) }
  const checked =
    options.required || Object.keys(rules).length === 0 ? rules : { anyOf: [{ const: '' }, rules] }
  return Type.String({ maxLength: options.max, ...checked, ...annotations(kind, options) })
}

/** JSON Schema patterns have no flags: a RegExp with flags would silently lose them. */
function patternOf(pattern: RegExp): string {
  if (pattern.flags.replace('u', '') !== '') throw new Error(`form patterns take no flags: ${pattern}`)
  return pattern.source
}

const emailPattern =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/

export function isEmail(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value)
}

/** The largest id PostgreSQL's `integer` holds: bigger ids are not found, never a 500. */
export const maxId = 2_147_483_647
/** 1 … 2147483647 written plainly (no sign, no leading zero), digit by digit against maxId. */
export const idPattern =
  /^(?:[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])$/

/** Field builders for form bodies. Every value arrives as a string. */
export const field = {
  /** One line of text: line breaks and other control characters are removed at the edge. */
  line: (options: TextOptions) => textField('line', options),
  /** Free text (posts, statements): line breaks kept and normalised to \n. */
  text: (options: TextOptions) => textField('text', options),
  /** Passwords: never changed at the edge (not even trimmed), never shown again. */
  secret: (options: TextOptions) => textField('secret', options),
  email: (options: FieldOptions & { required?: boolean } = {}) =>
    textField('line', { max: 254, pattern: emailPattern, message: 'validation.email', ...options }),
  /** An id picked in a form, 1 to 2147483647 ('' when none, unless required). */
  id: (options: FieldOptions & { required?: boolean } = {}) =>
    textField('line', { max: 10, pattern: idPattern, ...options }),
  /** One of a fixed set of values. */
  choice: <const T extends readonly string[]>(values: T, options: FieldOptions = {}) =>
    Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...annotations('line', options) }),
  /** A checkbox: '' when unticked, its value when ticked. */
  checkbox: (options: FieldOptions = {}) => textField('line', { max: 20, ...options }),
}

/** Route parameters and query values (not forms): malformed means "not found" or "bad request". */
export const param = {
  id: () => Type.Integer({ minimum: 1, maximum: maxId }),
  token: () => Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.~-]+$' }),
}

export const formMarker = 'x-form'

/** A form's body schema. Unknown fields are ignored, never an error (and never read). */
export function formSchema<T extends Record<string, TSchema>>(fields: T) {
  return Type.Object(fields, { [formMarker]: true })
}

export type FormValues<T extends TObject> = Static<T>

export interface ParsedForm<T extends TObject> {
  values: FormValues<T>
  errors: FieldErrors
  ok: boolean
}

interface AjvError {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
}

interface ValidationFailure extends Error {
  validation?: AjvError[]
  validationContext?: string
}

// The one message a field gets when it breaks several rules: missing first, then too long.
const precedence = ['required', 'minLength', 'maxLength']

function rank(error: AjvError): number {
  const index = precedence.indexOf(error.keyword)
  return index === -1 ? precedence.length : index
}

function fieldErrorFor(
  schema: Record<string, unknown> | undefined,
  error: AjvError,
  value: unknown,
): FieldErrors[string] {
  const message = (schema?.['x-message'] as string | undefined) ?? 'validation.invalid'
  const limit = Number(error.params.limit)
  switch (error.keyword) {
    case 'required':
      return { key: 'validation.required' }
    case 'minLength':
      return limit === 1 || value === ''
        ? { key: 'validation.required' }
        : { key: 'validation.tooShort', params: { min: limit } }
    case 'maxLength':
      return { key: 'validation.tooLong', params: { max: limit } }
    default:
      // A choice or number left empty is missing, not malformed (pattern, enum, type, minimum …).
      return value === '' ? { key: 'validation.required' } : { key: message }
  }
}

/** Adds each field's label (from the form's schema) to errors that name a field of that form. */
export function labelErrors(form: TObject, errors: FieldErrors): FieldErrors {
  const labelled: FieldErrors = {}
  for (const [name, error] of Object.entries(errors)) {
    const label = (form.properties[name] as Record<string, unknown> | undefined)?.['x-label'] as
      | string
      | undefined
    labelled[name] = error.label || !label ? error : { ...error, label }
  }
  return labelled
}

/**
 * The validated form of this request, or its errors per field. Malformed route parameters or
 * queries are thrown on (→ 404 / 400 page); only the body's problems come back as field errors.
 */
export function parseForm<T extends TObject>(request: FastifyRequest, form: T): ParsedForm<T> {
  const failure = request.validationError as ValidationFailure | undefined
  if (failure && failure.validationContext !== 'body') throw failure
  const body = (request.body ?? {}) as Record<string, unknown>
  const errors: FieldErrors = {}
  const byRank = [...(failure?.validation ?? [])].sort((a, b) => rank(a) - rank(b))
  for (const error of byRank) {
    const name =
      error.keyword === 'required'
        ? String(error.params.missingProperty)
        : error.instancePath.slice(1).split('/')[0]
    if (!name || errors[name]) continue
    const schema = form.properties[name] as Record<string, unknown> | undefined
    errors[name] = fieldErrorFor(schema, error, body[name])
  }
  return {
    values: request.body as FormValues<T>,
    errors: labelErrors(form, errors),
    ok: Object.keys(errors).length === 0,
  }
}

/** The values to show again in a form: everything typed except secrets. */
export function keepTyped<T extends TObject>(form: T, values: FormValues<T>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [name, schema] of Object.entries(form.properties)) {
    if ((schema as Record<string, unknown>)['x-input'] === 'secret') continue
    const value = (values as Record<string, unknown>)[name]
    if (value !== undefined && value !== null) kept[name] = String(value)
  }
  return kept
}
