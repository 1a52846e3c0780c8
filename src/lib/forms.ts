// Reads a submitted form by a list of declared fields: unknown fields are dropped (a
// smuggled `role=admin` changes nothing), values are trimmed, limits checked, and every
// problem becomes a per-field message key for the re-rendered form.
import type { FieldErrors } from './errors.ts'

export interface FieldRule {
  required?: boolean
  min?: number
  max: number
  email?: boolean
  /** Passwords are not trimmed and never sent back to the page. */
  secret?: boolean
  pattern?: RegExp
}

export type FormValues<T extends Record<string, FieldRule>> = { [K in keyof T]: string }

export interface ParsedForm<T extends Record<string, FieldRule>> {
  values: FormValues<T>
  errors: FieldErrors
  ok: boolean
}

const emailPattern =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/

export function isEmail(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value)
}

function firstString(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  return ''
}

export function readForm<T extends Record<string, FieldRule>>(body: unknown, rules: T): ParsedForm<T> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const values = {} as Record<string, string>
  const errors: FieldErrors = {}
  for (const [name, rule] of Object.entries(rules)) {
    const raw = firstString(source[name]).replace(/\r\n/g, '\n')
    const value = rule.secret ? raw : raw.trim()
    values[name] = value
    if (value === '') {
      if (rule.required) errors[name] = { key: 'validation.required' }
      continue
    }
    if (value.length > rule.max) errors[name] = { key: 'validation.tooLong', params: { max: rule.max } }
    else if (rule.min !== undefined && value.length < rule.min)
      errors[name] = { key: 'validation.tooShort', params: { min: rule.min } }
    else if (rule.email && !isEmail(value)) errors[name] = { key: 'validation.email' }
    else if (rule.pattern && !rule.pattern.test(value)) errors[name] = { key: 'validation.invalid' }
  }
  return { values: values as FormValues<T>, errors, ok: Object.keys(errors).length === 0 }
}

/** The values to show again in a form: everything typed except secrets. */
export function keepTyped<T extends Record<string, FieldRule>>(
  values: FormValues<T>,
  rules: T,
): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => !rules[name]?.secret))
}

/** Parses a positive integer id from a route parameter; anything else → undefined (→ 404). */
export function parseId(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined
  const id = Number(value)
  return id > 0 ? id : undefined
}
