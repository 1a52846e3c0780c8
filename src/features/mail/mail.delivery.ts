import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import type { MailJob } from './mail.queue.ts'
import { buildMail } from './mail.templates.ts'
import type { MailTransport } from './mail.transport.ts'

interface DeliveryDeps {
  config: Config
  db: Db
  transport: MailTransport
  logger?: Logger
}

/** Removes line breaks so that a name or title can never add a header. */
export function headerSafe(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, ' ').trim()
}

/** Is the recipient still allowed this mail right now? Checked when built and again before sending. */
async function recipientStillEligible(db: Db, job: MailJob): Promise<boolean> {
  if (job.memberId === undefined || job.requires === undefined) return true
  const member = await db
    .selectFrom('members')
    .select(['status', sql<string>`email`.as('email')])
    .where('id', '=', job.memberId)
    .executeTakeFirst()
  if (!member) return false
  if (job.requires === 'verified') return member.status === 'verified' && member.email === job.to
  return true
}

export async function deliverMail(deps: DeliveryDeps, job: MailJob): Promise<void> {
  if (!(await recipientStillEligible(deps.db, job))) {
    deps.logger?.info({ template: job.template }, 'mail dropped: recipient no longer eligible')
    return
  }
  const built = buildMail(job.template, job.params, job.locale, deps.config.baseUrl)
  if (!(await recipientStillEligible(deps.db, job))) return
  await deps.transport.send({
    from: { name: headerSafe(deps.config.mailFromName), address: deps.config.mailFrom },
    to: job.to,
    subject: headerSafe(built.subject),
    text: built.text,
    html: built.html,
    messageId: job.messageId,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      ...built.headers,
    },
  })
  deps.logger?.info({ template: job.template }, 'mail sent')
}
