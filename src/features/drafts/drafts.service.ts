// Drafts seen from other features: how long a draft is kept, the retention's clean-up, the text
// a sign-in carries over (carried-text.ts) and the draft a form page opens with.
import type { TString } from '@sinclair/typebox'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { field } from '../../lib/form-schema.ts'
import { cleanText } from '../../plugins/input.ts'
import { type DraftFields, findDraft, saveDraft } from './drafts.repository.ts'
import { draftFields, draftKeyPattern } from './drafts.schemas.ts'

/** Drafts older than this are not restored, and the daily retention removes them. */
export const draftMaxAgeDays = 30

/** Removes drafts not saved for `draftMaxAgeDays` as of `now`; returns how many. */
export async function removeOldDrafts(db: Db, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`with gone as (
      delete from drafts where updated_at < ${new Date(now.getTime() - draftMaxAgeDays * 86_400_000)}
      returning 1)
    select count(*)::int as n from gone`.execute(db)
  return rows[0]?.n ?? 0
}

// ----- Text carried through the sign-in (carried-text.ts) -------------------------------------

/** A content form's text on its way through the sign-in page, and the draft key it will have. */
export interface CarriedText {
  key: string
  fields: DraftFields
}

interface CarriedForm {
  key: (id: string, parent: string) => string
  /** The fields kept, each with its largest length (as the form's own schema allows). */
  fields: Record<string, number>
}

const bodyMax = 20_000
/** The content forms, by route: what their draft is called and which fields it keeps. */
const carriedForms: Record<string, CarriedForm> = {
  '/t': {
    key: () => '/t|',
    fields: { title: 300, body: bodyMax, tags: 200, category: 10, stage: 20, confidential: 20, formKey: 36 },
  },
  '/t/:id/posts': {
    key: (id, parent) => `/t/${id}/posts|${parent}`,
    fields: { body: bodyMax, parent: 10, formKey: 36 },
  },
  '/p/:id/edit': { key: (id) => `/p/${id}/edit|`, fields: { body: bodyMax, version: 10 } },
  '/messages/:id': { key: (id) => `/messages/${id}|`, fields: { body: bodyMax, formKey: 36 } },
}
/** The fields a carried form may hold: a draft's, and an edit's version. */
const carriedNames = [...draftFields, 'version'] as const

export function isCarriedForm(route: string): boolean {
  return Object.hasOwn(carriedForms, route)
}

/** What of a content form's post the sign-in carries: the text fields, cleaned and cut to size. */
export function carriedFormOf(
  route: string,
  params: Record<string, unknown>,
  body: Record<string, unknown> | undefined,
): CarriedText | undefined {
  const form = Object.hasOwn(carriedForms, route) ? carriedForms[route] : undefined
  if (!form) return undefined
  // A string before validation (the trust gate's moment), a number after it (the CSRF check's).
  const id = typeof params.id === 'string' || typeof params.id === 'number' ? String(params.id) : ''
  if (route.includes(':id') && !/^[1-9]\d{0,9}$/.test(id)) return undefined
  const fields: DraftFields = {}
  for (const [name, max] of Object.entries(form.fields)) {
    const value = body?.[name]
    const text = typeof value === 'string' ? cleanText(value, name === 'body' ? 'text' : 'line') : ''
    if (text !== '') fields[name] = text.slice(0, max)
  }
  if (!fields.body?.trim() && !fields.title?.trim()) return undefined
  if (fields.parent !== undefined && !/^[1-9]\d{0,9}$/.test(fields.parent)) delete fields.parent
  return { key: form.key(id, fields.parent ?? ''), fields }
}

/** The sign-in form's hidden fields for a carried text. */
export function carriedLoginFields(carried: CarriedText): { name: string; value: string }[] {
  return [
    { name: 'carry_key', value: carried.key },
    ...Object.entries(carried.fields).map(([name, value]) => ({ name: `carry_${name}`, value })),
  ]
}

/** The sign-in form's schema for them (spread into the login form). */
export const carriedLoginSchema = {
  carry_key: field.line({ max: 200 }),
  ...Object.fromEntries(
    carriedNames.map((name) => [
      `carry_${name}`,
      name === 'body' ? field.text({ max: bodyMax }) : field.line({ max: 300 }),
    ]),
  ),
} as Record<string, TString>

/** The carried text of a sign-in form's post, or undefined when there is none or it is malformed. */
export function carriedFromLogin(
  values: Record<string, unknown>,
  errors: FieldErrors,
): CarriedText | undefined {
  if (Object.keys(errors).some((name) => name.startsWith('carry_'))) return undefined
  const key = values.carry_key
  if (typeof key !== 'string' || !draftKeyPattern.test(key)) return undefined
  const fields: DraftFields = {}
  for (const name of carriedNames) {
    const value = values[`carry_${name}`]
    if (typeof value === 'string' && value !== '') fields[name] = value
  }
  if (!fields.body?.trim() && !fields.title?.trim()) return undefined
  return { key, fields }
}

/** Where the form of a draft opens with the draft filled in (no JavaScript needed). */
export function restoreUrl(key: string): string {
  const [action, parent] = key.split('|')
  if (action === '/t') return '/t/new?draft=1'
  const edit = /^\/p\/(\d+)\/edit$/.exec(action ?? '')
  if (edit) return `/p/${edit[1]}/edit?draft=1`
  const conversation = /^\/messages\/(\d+)$/.exec(action ?? '')
  if (conversation) return `/messages/${conversation[1]}?draft=1#reply-box`
  const thread = /^\/t\/(\d+)\/posts$/.exec(action ?? '')
  if (!thread) return '/'
  return parent ? `/p/${parent}/reply?draft=1` : `/t/${thread[1]}?draft=1#thread-reply`
}

/**
 * After the sign-in: the carried text becomes the member's draft of its form (the member just
 * gave their password in the form that carried it); returns where the form opens again.
 */
export async function keepCarriedText(db: Db, memberId: number, carried: CarriedText): Promise<string> {
  await saveDraft(db, memberId, carried.key, carried.fields)
  return restoreUrl(carried.key)
}

/** The member's draft of a form, for a form page opened with ?draft=1. */
export function restoredDraft(db: Db, memberId: number, key: string): Promise<DraftFields | undefined> {
  return findDraft(db, memberId, key, draftMaxAgeDays)
}
