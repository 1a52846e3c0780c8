// Queries on graphile-worker's job table for the admin mail queue page. The worker owns the
// schema: we read its private tables (_private_jobs, _private_tasks; graphile-worker's public
// `jobs` view hides the payload we need for the recipient column) and change jobs only through
// its own reschedule function.
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

/** The tasks that send mail (and the ones that plan it); other jobs are not shown. */
export const mailTasks = [
  'send_mail',
  'compose_digest',
  'send_digest',
  'compose_notifications',
  'send_notifications',
  'schedule_digests',
  'sweep_notifications',
] as const

export interface QueuedJobRow {
  id: number
  task: string
  attempts: number
  maxAttempts: number
  lastError: string | null
  runAt: Date
  lockedAt: Date | null
  payload: unknown
}

export async function listMailJobs(db: Db, limit: number): Promise<QueuedJobRow[]> {
  const { rows } = await sql<QueuedJobRow>`
    select jobs.id, tasks.identifier as task, jobs.attempts, jobs.max_attempts as "maxAttempts",
           jobs.last_error as "lastError", jobs.run_at as "runAt", jobs.locked_at as "lockedAt",
           jobs.payload
    from graphile_worker._private_jobs jobs
    join graphile_worker._private_tasks tasks on tasks.id = jobs.task_id
    where tasks.identifier in (${sql.join([...mailTasks])})
    order by (jobs.attempts >= jobs.max_attempts) desc, jobs.run_at
    limit ${limit}`.execute(db)
  return rows
}

/** Makes a mail job due now with a fresh set of attempts; false when it is gone or running. */
export async function retryMailJob(db: Db, id: number): Promise<boolean> {
  const { rows } = await sql<{ id: number }>`
    select rescheduled.id
    from graphile_worker.reschedule_jobs(
      array(
        select jobs.id from graphile_worker._private_jobs jobs
        join graphile_worker._private_tasks tasks on tasks.id = jobs.task_id
        where jobs.id = ${id} and tasks.identifier in (${sql.join([...mailTasks])})
      ),
      run_at => now(),
      attempts => 0
    ) rescheduled`.execute(db)
  return rows.length > 0
}
