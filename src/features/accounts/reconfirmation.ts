// Every 12 months a verified member confirms, by a link sent to their official address, that
// they still work there. Reminders go out weekly; after 30 days without an answer the
// membership expires (and goes back into review when they finally confirm).
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail } from '../../core/mail/mail.queue.ts'
import { endAllSessions } from '../../core/sessions/session-store.ts'
import type { Db } from '../../db/database.ts'
import type { MemberStatus } from '../../db/schema.ts'
import { verificationMonths } from './accounts.service.ts'
import { consumeToken, issueToken } from './tokens.ts'

export const graceDays = 30
export const reminderEveryDays = 7

async function sendReconfirmLink(
  db: Db,
  member: { id: number; email: string; name: string; locale: string | null },
) {
  const token = await issueToken(db, member.id, 'reconfirm')
  await enqueueMail(db, {
    template: 'account.reconfirm',
    to: member.email,
    locale: member.locale === 'en' ? 'en' : 'de',
    params: { name: member.name, token, graceDays },
  })
}

/** The daily job. Returns what it did, for the log and the tests. */
export async function runReconfirmation(db: Db): Promise<{ reminded: number; expired: number }> {
  let reminded = 0
  let expired = 0
  await db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('members')
      .select(['id', 'email', 'name', 'locale', 'reconfirm_requested_at'])
      .where('status', '=', 'verified')
      .where('verified_until', '<=', sql<Date>`now()`)
      .where((eb) =>
        eb.or([
          eb('reconfirm_reminded_at', 'is', null),
          eb('reconfirm_reminded_at', '<=', sql<Date>`now() - make_interval(days => ${reminderEveryDays})`),
        ]),
      )
      .where((eb) =>
        eb.or([
          eb('reconfirm_requested_at', 'is', null),
          eb('reconfirm_requested_at', '>', sql<Date>`now() - make_interval(days => ${graceDays})`),
        ]),
      )
      .forUpdate()
      .skipLocked()
      .limit(500)
      .execute()
    for (const member of due) {
      await trx
        .updateTable('members')
        .set({
          reconfirm_requested_at: member.reconfirm_requested_at ?? sql`now()`,
          reconfirm_reminded_at: sql`now()`,
        })
        .where('id', '=', member.id)
        .execute()
      await sendReconfirmLink(trx, member)
      if (!member.reconfirm_requested_at) {
        await recordAudit(trx, { action: 'member.reconfirm_requested', subjectId: member.id })
      }
      reminded++
    }
    const lapsed = await trx
      .updateTable('members')
      .set({ status: 'expired', status_reason: 'reconfirmation', updated_at: sql`now()` })
      .where('status', '=', 'verified')
      .where('reconfirm_requested_at', '<=', sql<Date>`now() - make_interval(days => ${graceDays})`)
      .returning(['id'])
      .execute()
    for (const member of lapsed) {
      await endAllSessions(trx, member.id)
      await recordAudit(trx, { action: 'member.expired', subjectId: member.id })
      expired++
    }
  })
  return { reminded, expired }
}

/** The confirm button: another 12 months; an expired member goes back into review. */
export async function reconfirmMembership(
  db: Db,
  token: string,
): Promise<'verified' | 'pending_review' | 'invalid'> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'reconfirm')
    if (!used) return 'invalid'
    const member = await trx
      .updateTable('members')
      .set(() => ({
        status: sql<MemberStatus>`case when status = 'expired' then 'pending_review' else status end`,
        verified_until: sql`now() + make_interval(months => ${verificationMonths})`,
        reconfirm_requested_at: null,
        reconfirm_reminded_at: null,
        email_confirmed_at: sql`now()`,
        updated_at: sql`now()`,
      }))
      .where('id', '=', used.member_id)
      .where('status', 'in', ['verified', 'expired'])
      .returning(['id', 'status'])
      .executeTakeFirst()
    if (!member) return 'invalid'
    await recordAudit(trx, { action: 'member.reconfirmed', actorId: member.id, subjectId: member.id })
    return member.status === 'pending_review' ? 'pending_review' : 'verified'
  })
}

/** An expired member asks for a fresh link from their status page. */
export async function requestReconfirmLink(db: Db, memberId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const member = await trx
      .selectFrom('members')
      .select(['id', 'email', 'name', 'locale', 'status'])
      .where('id', '=', memberId)
      .executeTakeFirst()
    if (member?.status !== 'expired') return
    await sendReconfirmLink(trx, member)
  })
}
