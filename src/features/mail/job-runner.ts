// Starts the job runner with every feature's tasks and schedules: used by `npm start` (when
// RUN_WORKER is on) and by `npm run worker`. Several runners may run at once (several app
// instances): graphile-worker hands each job to exactly one of them.
import path from 'node:path'
import type { Runner } from 'graphile-worker'
import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import { createPool, type Db } from '../../db/database.ts'
import { deriveKey } from '../../deps.ts'
import { accountCronItems, accountTasks } from '../accounts/accounts.jobs.ts'
import { digestCronItems, digestTasks } from '../digests/digests.jobs.ts'
import { unsubscribeKeyPurpose } from '../digests/unsubscribe.ts'
import './all-templates.ts'
import { createMailTransport } from './mail.transport.ts'
import { startWorker } from './mail.worker.ts'

export interface JobRunnerOptions {
  config: Config
  db: Db
  connectionString: string
  logger: Logger
  /** The session secret; keys for signed links (unsubscribe) are derived from it. */
  secret: string
}

export interface JobRunner {
  stop(): Promise<void>
}

export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const { config, db, logger } = options
  const transport = createMailTransport(config, (file) =>
    logger.info({ file: path.basename(file) }, 'mail written to the development mailbox'),
  )
  // Our own pool: graphile-worker drops its error handler before its own pool has ended, so a
  // Postgres shutting down right after stop() would crash the process with an unhandled 'error'.
  // Four concurrent jobs plus the runner's own queries (fetching, completing, cron).
  const pgPool = createPool({ connectionString: options.connectionString, logger, max: 8 })
  const runner: Runner = await startWorker({
    config,
    db,
    transport,
    logger,
    pgPool,
    connectionString: options.connectionString,
    extraTasks: {
      ...accountTasks(db),
      ...digestTasks({
        config,
        db,
        transport,
        logger,
        unsubscribeKey: deriveKey(options.secret, unsubscribeKeyPurpose),
      }),
    },
    cronItems: [...accountCronItems(), ...digestCronItems()],
  })
  logger.info(config.smtpUrl ? 'job runner started (SMTP)' : 'job runner started (development mailbox)')
  return {
    stop: async () => {
      await runner.stop()
      transport.close?.()
      await pgPool.end()
    },
  }
}
