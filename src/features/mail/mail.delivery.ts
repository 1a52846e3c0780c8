// Turns a queued mail into a message and hands it to the transport. The recipient is checked
// when the mail is built and again right before it is sent, not only when it was queued.
import { sql } from 'kysely'
import type Mail from 'nodemailer/lib/mailer'
import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import type { MailJob } from '../../core/mail/mail.queue.ts'
import { type BuiltMail, buildMail } from '../../core/mail/mail.templates.ts'
import type { Db } from '../../db/database.ts'
import type { MailTransport } from './mail.transport.ts'

export interface DeliveryDeps {
  config: Config
  db: Db
  transport: MailTransport
  logger?: Logger
}

/** Removes line breaks so that a name or title can never add a header. */
export function headerSafe(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ').trim()
}

/** Is the recipient still allowed this mail right now? Checked when built and again before sending. */
export async function recipientStillEligible(
  db: Db,
  recipient: { memberId?: number; requires?: 'verified' | 'exists'; to: string },
): Promise<boolean> {
  if (recipient.memberId === undefined || recipient.requires === undefined) return true
  const member = await db
    .selectFrom('members')
    .select(['status', sql<string>`email::text`.as('email')])
    .where('id', '=', recipient.memberId)
    .executeTakeFirst()
  if (!member) return false
  if (recipient.requires === 'verified') {
    return member.status === 'verified' && member.email.toLowerCase() === recipient.to.toLowerCase()
  }
  return true
}

/**
 * The message as it goes out: multipart text + HTML, the fixed Message-ID, the headers every
 * automated mail carries, and the template's extra headers with line breaks removed.
 */
export function composeMessage(
  config: Config,
  mail: { to: string; messageId: string; built: BuiltMail; date?: Date },
): Mail.Options {
  const extra: Record<string, string> = {}
  for (const [name, value] of Object.entries(mail.built.headers ?? {})) {
    if (/^[A-Za-z0-9-]+$/.test(name)) extra[name] = headerSafe(value)
  }
  return {
    from: { name: headerSafe(config.mailFromName), address: config.mailFrom },
    to: headerSafe(mail.to),
    subject: headerSafe(mail.built.subject),
    text: mail.built.text,
    html: mail.built.html,
    messageId: mail.messageId,
    date: mail.date,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      ...extra,
    },
  }
}

export async function deliverMail(deps: DeliveryDeps, job: MailJob): Promise<void> {
  if (!(await recipientStillEligible(deps.db, job))) {
    deps.logger?.info({ template: job.template }, 'mail dropped: recipient no longer eligible')
    return
  }
  const built = buildMail(job.template, job.params, job.locale, deps.config.baseUrl)
  if (!(await recipientStillEligible(deps.db, job))) {
    deps.logger?.info({ template: job.template }, 'mail dropped: recipient no longer eligible')
    return
  }
  await deps.transport.send(composeMessage(deps.config, { to: job.to, messageId: job.messageId, built }))
  deps.logger?.info({ template: job.template }, 'mail sent')
}

/**
 * True when an SMTP error proves the message was not accepted: the server answered with an
 * error code, or the conversation broke off before the message data was sent. Anything else
 * (the connection dropped after the data went out) leaves it open whether the mail arrived.
 */
export function definitelyNotDelivered(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const e = error as { responseCode?: unknown; command?: unknown; code?: unknown }
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return true
  if (e.code === 'ECONNECTION' || e.code === 'EDNS' || e.code === 'ECONNREFUSED' || e.code === 'ETLS')
    return true
  if (typeof e.command === 'string' && e.command !== 'DATA' && e.command !== 'API') return true
  return false
}
