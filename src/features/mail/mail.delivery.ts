// Delivers one queued mail (a send_mail job) at most once, even across crashes. Its record in
// mail_sends moves in committed steps:
//   queued   → nothing has been handed to SMTP; a crash or an error here proves the mail did not
//              arrive, so the next attempt (the job's retry, or after a crash the job freed by
//              the next runner within seconds) sends it again, with the same Message-ID;
//   sending  → committed right before the end of the message data goes out (send-once.ts);
//   sent     → the server said 250. A crash after it does not send again;
//   uncertain→ an attempt found the mail still 'sending': the previous one died between handing
//              it over and hearing the answer. It may have arrived, so it is not sent again.
// The recipient is checked when the mail is built and again right before it is sent.
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import { composeMessage } from '../../core/mail/mail.message.ts'
import type { MailJob } from '../../core/mail/mail.queue.ts'
import { buildMail, type MailTemplates } from '../../core/mail/mail.templates.ts'
import type { MailTransport } from '../../core/mail/mail.transport.ts'
import { sendOnce } from '../../core/mail/send-once.ts'
import type { Db } from '../../db/database.ts'
import { claimSend, moveSend } from './mail.sends.ts'
import { keepUncertainJob } from './uncertain.ts'

export interface DeliveryDeps {
  config: Config
  db: Db
  transport: MailTransport
  templates: MailTemplates
  logger?: Logger
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

export type DeliveryOutcome = 'sent' | 'dropped' | 'uncertain' | 'done before' | 'superseded'

export async function deliverMail(deps: DeliveryDeps, job: MailJob): Promise<DeliveryOutcome> {
  const { db, logger } = deps
  const log = { template: job.template }
  const claim = await claimSend(db, job.messageId, job.template)
  if ('status' in claim) {
    if (claim.status !== 'sending') return 'done before'
    await moveSend(db, job.messageId, undefined, ['sending'], 'uncertain')
    // Kept for the admins' decision (/admin/mail): send again or drop.
    await keepUncertainJob(db, job)
    logger?.warn(log, 'mail uncertain (handed over, no answer recorded): not sent again')
    return 'uncertain'
  }
  const drop = async () => {
    await moveSend(db, job.messageId, claim.attempt, ['queued'], 'dropped')
    logger?.info(log, 'mail dropped: recipient no longer eligible')
    return 'dropped' as const
  }
  if (!(await recipientStillEligible(db, job))) return drop()
  const built = buildMail(deps.templates, job.template, job.params, job.locale, deps.config.baseUrl)
  if (!(await recipientStillEligible(db, job))) return drop()

  const message = composeMessage(deps.config, { to: job.to, messageId: job.messageId, built })
  const outcome = await sendOnce(deps.transport, message, () =>
    moveSend(db, job.messageId, claim.attempt, ['queued'], 'sending'),
  )
  if (outcome.sent) {
    await moveSend(db, job.messageId, claim.attempt, ['queued', 'sending', 'uncertain'], 'sent')
    logger?.info(log, 'mail sent')
    return 'sent'
  }
  if (outcome.superseded) return 'superseded'
  if (outcome.handedOver && outcome.provenNotAccepted) {
    await moveSend(db, job.messageId, claim.attempt, ['sending'], 'queued')
  }
  // Still 'queued': the job's retry sends it. Still 'sending': the retry marks it uncertain.
  throw outcome.error
}
