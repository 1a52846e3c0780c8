// What /metrics reads from the database at scrape time: the job queue (graphile-worker's own
// tables, as the mail queue page reads them) and the record of sent mail. Figures from the
// database are true for every instance and for a job runner in a process of its own.
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

/** A job's state: waiting (due now), scheduled (later), running, retrying (failed, tried again later), failed (gave up). */
export type JobState = 'waiting' | 'scheduled' | 'running' | 'retrying' | 'failed'

export interface JobCount {
  task: string
  state: JobState
  jobs: number
}

export async function countJobs(db: Db): Promise<JobCount[]> {
  const { rows } = await sql<JobCount>`
    select tasks.identifier as task, state, count(*)::int as jobs
    from graphile_worker._private_jobs jobs
    join graphile_worker._private_tasks tasks on tasks.id = jobs.task_id
    cross join lateral (select case
      when jobs.attempts >= jobs.max_attempts then 'failed'
      when jobs.locked_at is not null then 'running'
      when jobs.last_error is not null then 'retrying'
      when jobs.run_at > now() then 'scheduled'
      else 'waiting' end as state) s
    group by tasks.identifier, state`.execute(db)
  return rows
}

export interface MailCount {
  status: string
  messages: number
}

/** Mail records of the last 24 hours by delivery status (queued, sending, sent, uncertain, dropped). */
export async function countRecentMail(db: Db): Promise<MailCount[]> {
  const { rows } = await sql<MailCount>`
    select status, count(*)::int as messages from mail_sends
    where created_at > now() - interval '24 hours'
    group by status`.execute(db)
  return rows
}
