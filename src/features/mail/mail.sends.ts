// The record of each queued mail's delivery (mail_sends, by Message-ID), moved in committed
// steps around SMTP: queued → sending → sent, or uncertain, or dropped.
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { MailSendStatus } from './mail.tables.ts'

export type Claim = { attempt: number } | { status: MailSendStatus }

/**
 * A new attempt at a queued mail: its number, or the state of a mail that is not queued any
 * more. The first attempt creates the record.
 */
export async function claimSend(db: Db, messageId: string, template: string): Promise<Claim> {
  const { rows } = await sql<{ attempts: number }>`
    insert into mail_sends (message_id, template) values (${messageId}, ${template})
    on conflict (message_id) do update set attempts = mail_sends.attempts + 1, updated_at = now()
      where mail_sends.status = 'queued'
    returning attempts`.execute(db)
  if (rows[0]) return { attempt: rows[0].attempts }
  const row = await db
    .selectFrom('mail_sends')
    .select('status')
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow()
  return { status: row.status }
}

/** Moves the mail from `from` to `to`, only if this attempt still owns it. */
export async function moveSend(
  db: Db,
  messageId: string,
  attempt: number | undefined,
  from: MailSendStatus[],
  to: MailSendStatus,
): Promise<boolean> {
  let query = db
    .updateTable('mail_sends')
    .set({ status: to, updated_at: sql`now()` })
    .where('message_id', '=', messageId)
    .where('status', 'in', from)
  if (attempt !== undefined) query = query.where('attempts', '=', attempt)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
