// Runs the real job queue (graphile-worker) against a test database until nothing is due.
import { runOnce, type TaskList } from 'graphile-worker'
import { sql } from 'kysely'
import pg from 'pg'
import { quietLogger } from '../../src/core/jobs/job-queue.ts'
import type { Db } from '../../src/db/database.ts'

export async function runDueJobs(connectionString: string, taskList: TaskList): Promise<void> {
  await runOnce({ connectionString, taskList, logger: quietLogger(), noHandleSignals: true })
  // graphile-worker records a job's completion or failure without awaiting it, so runOnce can
  // return just before the last job is unlocked; wait for that before the test looks.
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    for (let i = 0; i < 200; i++) {
      const { rows } = await client.query(
        'select count(*)::int as locked from graphile_worker._private_jobs where locked_at is not null',
      )
      if (rows[0].locked === 0) return
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  } finally {
    await client.end()
  }
}

/** What the backoff would do after a while: every waiting job becomes due now (attempts kept). */
export async function makeJobsDue(db: Db): Promise<void> {
  await sql`update graphile_worker._private_jobs set run_at = now() where locked_at is null`.execute(db)
}

export interface JobRow {
  id: number
  task: string
  attempts: number
  max_attempts: number
  last_error: string | null
  key: string | null
  payload: Record<string, unknown>
}

export async function queuedJobs(db: Db, task?: string): Promise<JobRow[]> {
  const { rows } = await sql<JobRow>`
    select j.id, t.identifier as task, j.attempts, j.max_attempts, j.last_error, j.key, j.payload
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where ${task === undefined ? sql`true` : sql`t.identifier = ${task}`}
    order by j.id`.execute(db)
  return rows
}
