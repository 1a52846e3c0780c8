// The job runner: graphile-worker takes jobs from Postgres (safe with several instances,
// retries with exponential backoff) and hands mail to the transport.
import {
  type CronItem,
  parseCronItems,
  type Runner,
  run,
  runMigrations,
  type TaskList,
  Logger as WorkerLogger,
} from 'graphile-worker'
import type { Pool } from 'pg'
import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import type { MailJob } from '../../core/mail/mail.queue.ts'
import type { Db } from '../../db/database.ts'
import { deliverMail } from './mail.delivery.ts'
import type { MailTransport } from './mail.transport.ts'

export interface WorkerDeps {
  config: Config
  db: Db
  transport: MailTransport
  logger?: Logger
  /** Tasks of other features (digests …), merged with send_mail. */
  extraTasks?: TaskList
}

export function taskList(deps: WorkerDeps): TaskList {
  return {
    send_mail: async (payload) => {
      await deliverMail(deps, payload as MailJob)
    },
    ...deps.extraTasks,
  }
}

/** Installs graphile-worker's own tables (idempotent). */
export async function installJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quietLogger() })
}

export async function startWorker(
  deps: WorkerDeps & {
    pgPool?: Pool
    connectionString: string
    cronItems?: CronItem[]
    concurrency?: number
  },
): Promise<Runner> {
  return run({
    ...(deps.pgPool ? { pgPool: deps.pgPool } : { connectionString: deps.connectionString }),
    // Mail jobs mostly wait for Postgres and SMTP; four at a time use two cores well.
    concurrency: deps.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: 2000,
    taskList: taskList(deps),
    parsedCronItems: parseCronItems(deps.cronItems ?? []),
    logger: quietLogger(deps.logger),
  })
}

/** graphile-worker logs through pino; job payloads (addresses, tokens) are never logged. */
export function quietLogger(logger?: Logger) {
  return new WorkerLogger(() => (level, message) => {
    if (!logger) return
    const text = redactSecrets(message.replace(/\{.*\}/s, '{…}'))
    if (level === 'error') logger.error({ worker: true }, text)
    else if (level === 'warning') logger.warn({ worker: true }, text)
    else logger.debug({ worker: true }, text)
  })
}

/** Removes what must not reach a log or an admin page: addresses, links (tokens) and long tokens. */
export function redactSecrets(text: string): string {
  return text
    .replace(/https?:\/\/\S+/gi, '[link]')
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]')
    .replace(/[A-Za-z0-9_-]{24,}/g, '[token]')
}
