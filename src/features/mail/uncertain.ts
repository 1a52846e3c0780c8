// Mail whose sending is uncertain (mail.delivery.ts): it was handed to SMTP and no answer was
// recorded, so it may have arrived and is never sent again on its own. Admins see it on
// /admin/mail with the address hidden but for its first letters, and decide: "erneut senden"
// queues the same job again (same Message-ID, so a copy that did arrive is recognisably the
// same mail) or "verwerfen" drops it. Both are audited; either way the kept job is cleared.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import type { MailJob } from '../../core/mail/mail.queue.ts'
import type { Db } from '../../db/database.ts'

export async function keepUncertainJob(db: Db, job: MailJob): Promise<void> {
  await db
    .updateTable('mail_sends')
    .set({ job: JSON.stringify(job) })
    .where('message_id', '=', job.messageId)
    .where('status', '=', 'uncertain')
    .execute()
}

/** "an…@st…": enough to tell mails apart, not enough to read the address. */
export function maskedAddress(address: string): string {
  const [local = '', domain = ''] = address.split('@')
  const start = (text: string) => `${[...text].slice(0, 2).join('')}…`
  return domain ? `${start(local)}@${start(domain)}` : start(local)
}

export interface UncertainMail {
  /** The Message-ID without its angle brackets (a form value). */
  id: string
  template: string
  recipient: string
  since: Date
}

const bare = (messageId: string) => messageId.replace(/^<|>$/g, '')

export async function uncertainMails(db: Db, limit = 200): Promise<UncertainMail[]> {
  const rows = await db
    .selectFrom('mail_sends')
    .select(['message_id', 'template', 'updated_at', sql<string | null>`job ->> 'to'`.as('to')])
    .where('status', '=', 'uncertain')
    .orderBy('updated_at')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    id: bare(row.message_id),
    template: row.template,
    recipient: row.to ? maskedAddress(row.to) : '–',
    since: row.updated_at,
  }))
}

export type UncertainDecision = 'resend' | 'discard'

/**
 * The admin's decision on one uncertain mail; false when it is not uncertain any more (another
 * admin decided, or it was removed). Without a kept job (an older record) it can only be dropped.
 */
export async function decideUncertain(
  db: Db,
  adminId: number,
  id: string,
  decision: UncertainDecision,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('mail_sends')
      .select(['message_id', 'template', 'job'])
      .where('message_id', '=', `<${id}>`)
      .where('status', '=', 'uncertain')
      .forUpdate()
      .executeTakeFirst()
    if (!row) return false
    const job = row.job as MailJob | null
    if (decision === 'resend' && !job) return false
    await trx
      .updateTable('mail_sends')
      .set({ status: decision === 'resend' ? 'queued' : 'dropped', job: null, updated_at: sql`now()` })
      .where('message_id', '=', row.message_id)
      .execute()
    if (decision === 'resend') {
      await sql`select graphile_worker.add_job('send_mail', ${JSON.stringify(job)}::json, max_attempts => 12)`.execute(
        trx,
      )
    }
    await recordAudit(trx, {
      action: decision === 'resend' ? 'mail.resent' : 'mail.discarded',
      actorId: adminId,
      subjectId: typeof job?.memberId === 'number' ? job.memberId : null,
      details: { template: row.template, recipient: job ? maskedAddress(job.to) : '–' },
    })
    return true
  })
}
