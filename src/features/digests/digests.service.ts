// What a member does with digests: choose frequency, categories and notification mail;
// unsubscribe with one click from a mail; an admin sends due digests now.

import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../deps.ts'
import { ValidationError } from '../../lib/errors.ts'
import { scheduleDigests } from './digests.jobs.ts'
import {
  type DigestSettingsValues,
  findSettings,
  listCategories,
  saveSettings,
  switchDigestOff,
} from './digests.repository.ts'
import type { DigestFrequency, NotifyMode } from './digests.tables.ts'
import { verifyUnsubscribeToken } from './unsubscribe.ts'

/** The settings as the form shows them (radio values and the ticked Themenräume). */
export interface SettingsForm {
  frequency: string
  scope: string
  categoryIds: string[]
  notifyMode: string
}

export async function settingsPage(db: Db, memberId: number) {
  const [settings, categories] = await Promise.all([findSettings(db, memberId), listCategories(db, memberId)])
  const form: SettingsForm = {
    frequency: settings.frequency,
    scope: settings.allCategories ? 'all' : 'selected',
    categoryIds: settings.categoryIds.map(String),
    notifyMode: settings.notifyMode,
  }
  return { form, categories }
}

export interface SettingsInput {
  frequency: DigestFrequency
  scope: 'all' | 'selected'
  categories: number[]
  notifyMode: NotifyMode
}

/** Saves the settings; chosen Themenräume must exist (else a ValidationError, nothing saved). */
export async function updateSettings(db: Db, memberId: number, input: SettingsInput): Promise<void> {
  const known = new Set((await listCategories(db, memberId)).map((c) => c.id))
  const chosen = [...new Set(input.categories)]
  if (input.scope === 'selected' && (chosen.length === 0 || chosen.some((id) => !known.has(id)))) {
    throw new ValidationError({
      categories: { key: 'digestSettings.error.categories', label: 'digestSettings.categories' },
    })
  }
  const values: DigestSettingsValues = {
    frequency: input.frequency,
    allCategories: input.scope === 'all',
    categoryIds: input.scope === 'all' ? [] : chosen,
    notifyMode: input.notifyMode,
  }
  await saveSettings(db, memberId, values)
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
