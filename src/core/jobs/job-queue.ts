// graphile-worker's queue as the features use it: its tables, adding jobs (in the caller's
// transaction), and its log lines through pino without payloads.
import { runMigrations, Logger as WorkerLogger } from 'graphile-worker'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Db } from '../../db/database.ts'
import { redactSecrets } from './redact.ts'

/** Installs graphile-worker's own tables (idempotent). */
export async function installJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quietLogger() })
}

export interface JobSpec {
  task: string
  payload: Record<string, unknown>
  key: string
  maxAttempts: number
}

/** Adds many jobs in one statement; a job with the same key that has not started is replaced. */
export async function addJobs(db: Db, specs: JobSpec[]): Promise<void> {
  if (specs.length === 0) return
  const json = JSON.stringify(
    specs.map((s) => ({
      identifier: s.task,
      payload: s.payload,
      job_key: s.key,
      max_attempts: s.maxAttempts,
    })),
  )
  await sql`
    select count(*) from graphile_worker.add_jobs(
      (select array_agg(row(x.identifier, x.payload, null, null, x.max_attempts, x.job_key, null, null)::graphile_worker.job_spec)
       from json_to_recordset(${json}::json) as x(identifier text, payload json, max_attempts smallint, job_key text))
    )`.execute(db)
}

export async function addJob(db: Db, spec: JobSpec): Promise<void> {
  await sql`select graphile_worker.add_job(
    ${spec.task}, ${JSON.stringify(spec.payload)}::json, job_key => ${spec.key}::text, max_attempts => ${spec.maxAttempts}::smallint
  )`.execute(db)
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
