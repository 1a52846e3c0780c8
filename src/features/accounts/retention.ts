// Retention: what the forum no longer needs is removed after periods the operator configures
// (RETENTION_* in the README; the privacy page states them). A daily cron job runs it:
// - registrations whose address was never confirmed, after RETENTION_UNCONFIRMED_DAYS;
// - rejected applications, after RETENTION_REJECTED_DAYS (since the decision);
// - records of sent mail (mail_sends, digest and notification deliveries) and mail that could
//   not be delivered, after RETENTION_MAIL_DAYS;
// - data exports after 7 days; drafts not saved for 30 days;
// - guests (features/guests) RETENTION_REJECTED_DAYS after their last access ended: the account
//   is erased like a deleted one (posts kept under "Ehemaliges Mitglied") with its guest rows;
//   proposals never accepted (declined, undecided, invitation unused) the same time after.
// Expired sessions and old sign-in failures are removed hourly by clean_up_sessions.
// An applicant who never got in has nothing in the forum and is deleted outright; one who had
// posts (verified once, then sent back to review and rejected) is erased like a deleted
// account, posts kept under "Ehemaliges Mitglied". The audit log records each removal.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import type { Db } from '../../db/database.ts'
import { removeOldDrafts } from '../drafts/drafts.service.ts'
import { eraseMember } from './account-deletion.ts'
import { exportKeepDays } from './data-export.ts'

export interface RetentionPeriods {
  unconfirmedDays: number
  rejectedDays: number
  mailDays: number
}

export interface RetentionResult {
  unconfirmed: number
  rejected: number
  mailRecords: number
  failedMail: number
  exports: number
  drafts: number
  guests: number
}

const daysBefore = (at: Date, days: number) => new Date(at.getTime() - days * 86_400_000)

/** One run, as of `now` (the job passes the clock's time; tests pass a later one). */
export async function applyRetention(db: Db, periods: RetentionPeriods, now: Date): Promise<RetentionResult> {
  const unconfirmed = await removeApplicants(db, 'pending_email', daysBefore(now, periods.unconfirmedDays))
  const rejected = await removeApplicants(db, 'rejected', daysBefore(now, periods.rejectedDays))
  const mailBefore = daysBefore(now, periods.mailDays)
  const sends = await db
    .deleteFrom('mail_sends')
    .where('updated_at', '<', mailBefore)
    .where('status', 'in', ['sent', 'uncertain', 'dropped'])
    .executeTakeFirst()
  const deliveries = await db
    .deleteFrom('mail_deliveries')
    .where('created_at', '<', mailBefore)
    .where('status', 'in', ['sent', 'dropped', 'skipped', 'uncertain'])
    .executeTakeFirst()
  // Mail that could not be delivered after every attempt: its job keeps the address and name.
  const { rows: failed } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.complete_jobs(array(
      select id from graphile_worker._private_jobs
      where attempts >= max_attempts and locked_at is null and updated_at < ${mailBefore}
    ))`.execute(db)
  const exports = await db
    .deleteFrom('data_exports')
    .where('requested_at', '<', daysBefore(now, exportKeepDays))
    .executeTakeFirst()
  return {
    unconfirmed,
    rejected,
    mailRecords: Number(sends.numDeletedRows) + Number(deliveries.numDeletedRows),
    failedMail: Number(failed[0]?.n ?? 0),
    exports: Number(exports.numDeletedRows),
    drafts: await removeOldDrafts(db, now),
    guests: await removeEndedGuests(db, daysBefore(now, periods.rejectedDays)),
  }
}

/** Applicants in `status` since before `before`, a few hundred per transaction. */
async function removeApplicants(db: Db, status: 'pending_email' | 'rejected', before: Date): Promise<number> {
  let removed = 0
  for (;;) {
    const batch = await db
      .selectFrom('members')
      .select('id')
      .where('status', '=', status)
      .where('updated_at', '<', before)
      .orderBy('id')
      .limit(200)
      .execute()
    if (batch.length === 0) return removed
    for (const { id } of batch) {
      await db.transaction().execute((trx) => removeApplicant(trx, id, status))
      removed++
    }
  }
}

async function removeApplicant(trx: Db, memberId: number, status: 'pending_email' | 'rejected') {
  const reason = status === 'pending_email' ? 'unconfirmed' : 'rejected'
  const wrote = await sql<{ wrote: boolean }>`
    select exists (select 1 from posts where author_id = ${memberId})
      or exists (select 1 from threads where author_id = ${memberId}) as wrote`.execute(trx)
  if (wrote.rows[0]?.wrote) {
    await eraseMember(trx, memberId, { posts: 'keep', actorId: null, reason })
    return
  }
  const email = await trx.selectFrom('members').select('email').where('id', '=', memberId).executeTakeFirst()
  if (!email) return
  await recordAudit(trx, { action: 'member.deleted', subjectId: memberId, details: { reason } })
  await trx.deleteFrom('login_failures').where('email', '=', email.email).execute()
  await trx.deleteFrom('invitations').where('email', '=', email.email).execute()
  await sql`
    select graphile_worker.complete_jobs(array(
      select id from graphile_worker._private_jobs
      where locked_at is null and lower(payload->>'to') = lower(${email.email})
    ))`.execute(trx)
  // Everything else about them goes with the row (foreign keys cascade or are cleared).
  await trx.deleteFrom('members').where('id', '=', memberId).execute()
}

/**
 * Guests whose every access ended before `before` are erased with their guest rows (name,
 * address, organisation, reason); proposals that never became an access go the same time after
 * their last date. Returns the number of guest accounts erased.
 */
async function removeEndedGuests(db: Db, before: Date): Promise<number> {
  const ended = await sql<{ id: number }>`
    select m.id from members m
    where m.status = 'guest' and not exists (select 1 from thread_guests tg
      where tg.member_id = m.id and (tg.expires_at is null or tg.expires_at >= ${before}))
    order by m.id limit 500`.execute(db)
  for (const { id } of ended.rows) {
    await db.transaction().execute(async (trx) => {
      await eraseMember(trx, id, { posts: 'keep', actorId: null, reason: 'guest_ended' })
      await trx.deleteFrom('thread_guests').where('member_id', '=', id).execute()
    })
  }
  await sql`delete from thread_guests where member_id is null and (
      (status = 'declined' and decided_at < ${before})
      or (status = 'proposed' and created_at < ${before})
      or (status in ('invited', 'ended') and coalesce(expires_at, decided_at, created_at) < ${before}))`.execute(
    db,
  )
  return ended.rows.length
}
