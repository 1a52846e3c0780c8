// Notifications in the forum: replies to my posts, new posts in threads I follow, @mentions.
// They are written together with the post (see discussions.service.ts); here members read them.

import type { RawBuilder } from 'kysely'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import type { Clock } from '../../deps.ts'
import { translate } from '../../i18n/index.ts'
import { NotFoundError } from '../../lib/errors.ts'
import * as repo from './notifications.repository.ts'

export async function unreadCount(db: Db, member: CurrentMember): Promise<number> {
  return repo.countUnread(db, member.id)
}

/** The bell's count as SQL over the member's id column, read with the session (views' LayoutData.columns). */
export const unreadCountColumn = (member: { id: RawBuilder<number> }) => repo.unreadCountOf(member.id)

/**
 * A sentence with member text in it, as parts: the member's parts are printed inside <bdi>, so
 * a right-to-left or bidi-tricked name or title cannot turn the sentence around.
 */
function sentenceParts(locale: Locale, key: string, params: Record<string, string>) {
  const marker = '\u0000'
  const marked = Object.fromEntries(Object.keys(params).map((name) => [name, `${marker}${name}${marker}`]))
  return translate(locale, key, marked)
    .split(marker)
    .map((part, index) => (index % 2 === 1 ? { member: params[part] ?? '' } : { text: part }))
    .filter((part) => part.member !== undefined || part.text !== '')
}

export async function listFor(db: Db, member: CurrentMember, locale: Locale) {
  const rows = await repo.listNotifications(db, member.id, locale)
  return rows.map((row) => ({
    ...row,
    parts: [
      ...sentenceParts(locale, `discussions.notifications.${row.kind}`, {
        name: row.actorName ?? translate(locale, 'discussions.notifications.someone'),
        title: row.threadTitle,
      }),
      // The report's outcome, in words (moderation's catalogue: reports.outcome.*).
      ...(row.outcome ? [{ text: ` – ${translate(locale, `reports.outcome.${row.outcome}`)}` }] : []),
    ],
  }))
}

/** Opening a notification marks it read and says where it points. */
export async function open(db: Db, clock: Clock, member: CurrentMember, id: number) {
  const notification = await repo.findNotification(db, id, member.id)
  if (!notification) throw new NotFoundError()
  await repo.markRead(db, member.id, { id }, clock.now())
  return notification
}

export async function markAllRead(db: Db, clock: Clock, member: CurrentMember): Promise<void> {
  await repo.markRead(db, member.id, {}, clock.now())
}

export async function suggest(db: Db, query: string) {
  const cleaned = query.replace(/^@/, '').trim()
  if (cleaned.length < 2) return []
  return repo.suggestMembers(db, cleaned)
}
