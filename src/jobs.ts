// The composition root of background work (beside app.ts for requests): every feature's
// tasks, cron items and mail templates, listed here and nowhere else. `npm start` (with
// RUN_WORKER) and `npm run worker` start the job runner through startJobRunner().
import path from 'node:path'
import type { Logger } from 'pino'
import type { Config } from './config.ts'
import { type JobDeps, type JobRegistry, jobRegistry } from './core/jobs/job-registry.ts'
import { type JobRunner, startJobRunner as runJobs } from './core/jobs/job-runner.ts'
import type { MailTemplates } from './core/mail/mail.templates.ts'
import { createMailTransport } from './core/mail/mail.transport.ts'
import type { Db } from './db/database.ts'
import { deriveKey } from './deps.ts'
import { accountJobs } from './features/accounts/accounts.jobs.ts'
import { accountMailTemplates } from './features/accounts/accounts.mails.ts'
import { attachmentJobs } from './features/attachments/attachments.jobs.ts'
import { digestJobs } from './features/digests/digests.jobs.ts'
import { digestMailTemplates } from './features/digests/digests.mails.ts'
import { guestMailTemplates } from './features/guests/guests.mails.ts'
import { mailJobs } from './features/mail/mail.jobs.ts'
import { messageJobs } from './features/messages/messages.jobs.ts'
import { messageMailTemplates } from './features/messages/messages.mails.ts'
import { moderationMailTemplates } from './features/moderation/moderation.mails.ts'
import { profileJobs } from './features/profiles/profiles.jobs.ts'

export type { JobRunner }

/** Every mail the app sends. */
export const mailTemplates: MailTemplates = {
  ...accountMailTemplates,
  ...digestMailTemplates,
  ...moderationMailTemplates,
  ...messageMailTemplates,
  ...guestMailTemplates,
}

/** Every feature's tasks and cron items. */
export function appJobs(deps: JobDeps): JobRegistry {
  return jobRegistry([
    mailJobs(deps),
    accountJobs(deps),
    digestJobs(deps),
    profileJobs(deps),
    messageJobs(deps),
    attachmentJobs(deps),
  ])
}

export interface JobRunnerOptions {
  config: Config
  db: Db
  connectionString: string
  logger: Logger
  /** The session secret; keys for signed links (unsubscribe) are derived from it. */
  secret: string
}

/**
 * The job runner with every feature's jobs. Several runners may run at once (several app
 * instances): graphile-worker hands each job to exactly one of them.
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const { config, db, logger } = options
  const transport = createMailTransport(config, (file) =>
    logger.info({ file: path.basename(file) }, 'mail written to the development mailbox'),
  )
  const registry = appJobs({
    config,
    db,
    transport,
    templates: mailTemplates,
    logger,
    deriveKey: (purpose) => deriveKey(options.secret, purpose),
  })
  const runner = await runJobs({
    db,
    connectionString: options.connectionString,
    logger,
    registry,
    onStop: () => transport.close?.(),
  })
  logger.info(config.smtpUrl ? 'job runner started (SMTP)' : 'job runner started (development mailbox)')
  return runner
}
