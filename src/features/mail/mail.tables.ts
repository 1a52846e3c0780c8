// Kysely table types of the mail feature; merged into Database in src/db/schema.ts.
import type { ColumnType, Generated } from 'kysely'

export type MailSendStatus = 'queued' | 'sending' | 'sent' | 'uncertain' | 'dropped'

/** How far one queued mail (by its Message-ID) got; see mail.delivery.ts. */
export interface MailSendTable {
  message_id: string
  template: string
  status: Generated<MailSendStatus>
  attempts: Generated<number>
  created_at: ColumnType<Date, Date | string | undefined, never>
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  /** The job of an 'uncertain' mail, kept until an admin sends it again or drops it (uncertain.ts). */
  job: ColumnType<unknown | null, string | null | undefined, string | null>
}

export type MailTables = {
  mail_sends: MailSendTable
}
