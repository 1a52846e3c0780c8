// Runs the real mail job queue against a test database and collects what was sent.
import { runOnce } from 'graphile-worker'
import type Mail from 'nodemailer/lib/mailer'
import type { Config } from '../../src/config.ts'
import { quietLogger } from '../../src/core/jobs/job-queue.ts'
import type { JobRegistry } from '../../src/core/jobs/job-registry.ts'
import type { MailTemplates } from '../../src/core/mail/mail.templates.ts'
import { type MailTransport, memoryTransport } from '../../src/core/mail/mail.transport.ts'
import type { Db } from '../../src/db/database.ts'
import { deriveKey } from '../../src/deps.ts'
import { mailJobs } from '../../src/features/mail/mail.jobs.ts'
import { appJobs, mailTemplates } from '../../src/jobs.ts'
import { testConfig } from './app.ts'
import type { TestDatabase } from './db.ts'

/** Every task of the app, as the job runner has them, sending through `transport`. */
export function appTasks(config: Config, db: Db, transport: MailTransport): JobRegistry['tasks'] {
  return appJobs({
    config,
    db,
    transport,
    templates: mailTemplates,
    deriveKey: (purpose) => deriveKey(config.sessionSecret!, purpose),
  }).tasks
}

/** The mail feature's tasks (send_mail), with the app's templates plus a test's own. */
export function mailTasks(
  config: Config,
  db: Db,
  transport: MailTransport,
  extraTemplates: MailTemplates = {},
): JobRegistry['tasks'] {
  return mailJobs({
    config,
    db,
    transport,
    templates: { ...mailTemplates, ...extraTemplates },
    deriveKey: (purpose) => deriveKey(config.sessionSecret!, purpose),
  }).tasks
}

/**
 * Works off every due job once (mail, and jobs that queue mail, e.g. a password reset) and
 * returns the messages that went out.
 */
export async function sendQueuedMail(database: TestDatabase): Promise<Mail.Options[]> {
  const transport = memoryTransport()
  await runOnce({
    connectionString: database.url,
    taskList: appTasks(testConfig(), database.db, transport),
    logger: quietLogger(),
  })
  return transport.messages
}

/** The first link in a message's text part that starts with the test base URL. */
export function linkIn(message: Mail.Options, pathPrefix: string): string {
  const text = String(message.text ?? '')
  const match = text.match(new RegExp(`http://forum\\.test(${pathPrefix.replace(/[/?]/g, '\\$&')}[^\\s]*)`))
  if (!match?.[1]) throw new Error(`no ${pathPrefix} link in: ${text}`)
  return match[1]
}
