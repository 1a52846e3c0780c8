// Every mail is a job in graphile-worker's queue, added in the same transaction as the
// change that causes it: if the change rolls back, no mail; if it commits, the mail will go
// out even if the process dies right after.
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'

export interface QueuedMail {
  /** Name of a template in the app's template registry (src/jobs.ts lists them). */
  template: string
  to: string
  locale: Locale
  /** When set, the recipient is checked again when the mail is built and sent. */
  memberId?: number
  /** 'verified' = send only if the member is verified at send time (notifications, digests). */
  requires?: 'verified' | 'exists'
  params: Record<string, string | number | boolean | null>
}

export interface MailJob extends QueuedMail {
  /** Fixed at enqueue time so that a retry re-sends the same Message-ID. */
  messageId: string
}

export async function enqueueMail(
  db: Db,
  mail: QueuedMail,
  options: { jobKey?: string } = {},
): Promise<void> {
  const job: MailJob = { ...mail, messageId: `<${randomUUID()}@vertrauensraum>` }
  await sql`select graphile_worker.add_job(
    'send_mail',
    ${JSON.stringify(job)}::json,
    job_key => ${options.jobKey ?? null}::text,
    max_attempts => 12
  )`.execute(db)
}

/** The common case: a mail to a member at their address, in their language, greeting them by name. */
export function mailMember(
  db: Db,
  member: { email: string; name: string; locale: Locale | null },
  template: string,
  params: QueuedMail['params'] = {},
  fallbackLocale: Locale = 'de',
): Promise<void> {
  return enqueueMail(db, {
    template,
    to: member.email,
    locale: member.locale ?? fallbackLocale,
    params: { name: member.name, ...params },
  })
}
