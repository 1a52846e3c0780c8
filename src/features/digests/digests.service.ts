// What a member does with digests: choose frequency, categories and notification mail;
// unsubscribe with one click from a mail; an admin sends due digests now.

import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { scheduleDigests } from './digests.jobs.ts'
import {
  type DigestSettingsValues,
  findSettings,
  listCategories,
  saveSettings,
  switchDigestOff,
} from './digests.repository.ts'
import { type DigestFrequency, digestFrequencies, type NotifyMode, notifyModes } from './digests.tables.ts'
import { verifyUnsubscribeToken } from './unsubscribe.ts'

export interface SettingsForm {
  frequency: string
  scope: string
  categoryIds: string[]
  notifyMode: string
}

export async function settingsPage(db: Db, memberId: number) {
  const [settings, categories] = await Promise.all([findSettings(db, memberId), listCategories(db)])
  const form: SettingsForm = {
    frequency: settings.frequency,
    scope: settings.allCategories ? 'all' : 'selected',
    categoryIds: settings.categoryIds.map(String),
    notifyMode: settings.notifyMode,
  }
  return { form, categories }
}

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  )
const single = (value: unknown): string => list(value)[0] ?? ''

/** Reads the submitted settings; unknown values become field errors, never a 500. */
export async function updateSettings(
  db: Db,
  memberId: number,
  body: unknown,
): Promise<
  | { ok: true }
  | { ok: false; errors: FieldErrors; form: SettingsForm; categories: { id: number; name: string }[] }
> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const form: SettingsForm = {
    frequency: single(source.frequency),
    scope: single(source.scope),
    categoryIds: list(source.categories).slice(0, 200),
    notifyMode: single(source.notifyMode),
  }
  const categories = await listCategories(db)
  const known = new Set(categories.map((c) => String(c.id)))
  const errors: FieldErrors = {}
  if (!(digestFrequencies as readonly string[]).includes(form.frequency))
    errors.frequency = { key: 'digestSettings.error.choose' }
  if (form.scope !== 'all' && form.scope !== 'selected') errors.scope = { key: 'digestSettings.error.choose' }
  const chosen = [...new Set(form.categoryIds.filter((id) => known.has(id)))]
  if (form.scope === 'selected' && (chosen.length === 0 || chosen.length !== new Set(form.categoryIds).size))
    errors.categories = { key: 'digestSettings.error.categories' }
  if (!(notifyModes as readonly string[]).includes(form.notifyMode))
    errors.notifyMode = { key: 'digestSettings.error.choose' }
  if (Object.keys(errors).length > 0) return { ok: false, errors, form, categories }

  const values: DigestSettingsValues = {
    frequency: form.frequency as DigestFrequency,
    allCategories: form.scope === 'all',
    categoryIds: form.scope === 'all' ? [] : chosen.map(Number),
    notifyMode: form.notifyMode as NotifyMode,
  }
  await saveSettings(db, memberId, values)
  return { ok: true }
}

/** Checks a token without changing anything (the GET page only shows a confirm button). */
export function unsubscribeTokenValid(key: Buffer, token: unknown): boolean {
  return verifyUnsubscribeToken(key, token) !== undefined
}

/** One-click unsubscribe: idempotent; false for a bad or tampered token (nothing changed). */
export async function unsubscribe(db: Db, key: Buffer, token: unknown): Promise<boolean> {
  const memberId = verifyUnsubscribeToken(key, token)
  if (memberId === undefined) return false
  await switchDigestOff(db, memberId)
  return true
}

export async function sendDueDigestsNow(db: Db, config: Config, clock: Clock): Promise<number> {
  return scheduleDigests(db, config, clock.now())
}
