// Jobs of a job runner that died are freed within seconds, not after graphile-worker's four
// hours: by heartbeat (any machine), at once by a dead process on this machine, and jobs of a
// runner that never registered after a while. Live runners keep their jobs.
import { spawn } from 'node:child_process'
import { sql } from 'kysely'
import pino from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { jobRegistry } from '../../src/core/jobs/job-registry.ts'
import { startJobRunner } from '../../src/core/jobs/job-runner.ts'
import { releaseJobsOfGoneRunners, thisMachine } from '../../src/core/jobs/runner-liveness.ts'
import { enqueueMail } from '../../src/core/mail/mail.queue.ts'
import { smtpTransport } from '../../src/core/mail/mail.transport.ts'
import { testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { mailTasks } from '../helpers/mail.ts'
import { queuedJobs } from './queue.ts'
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts'

let database: TestDatabase
let sink: SmtpSink

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
})
afterAll(async () => {
  await sink?.close()
  await database?.drop()
})
beforeEach(async () => {
  await sql`delete from graphile_worker._private_jobs`.execute(database.db)
  await sql`delete from job_runners`.execute(database.db)
})

let counter = 0
/** A queued mail whose job is locked by `runner`, as if that runner had taken it. */
async function jobLockedBy(runner: string, lockedMinutesAgo = 0) {
  const to = `liveness-${++counter}@stadt-lebendig.de`
  await enqueueMail(database.db, { template: 'account.approved', to, locale: 'de', params: { name: 'Lea' } })
  await sql`update graphile_worker._private_jobs
    set locked_by = ${runner}, locked_at = now() - make_interval(mins => ${lockedMinutesAgo}), attempts = 1
    where payload->>'to' = ${to}`.execute(database.db)
  return to
}

async function registerRunner(
  id: string,
  options: { host?: string; pid?: number; heartbeatSecondsAgo?: number },
) {
  await sql`insert into job_runners (id, host, pid, heartbeat_at)
    values (${id}, ${options.host ?? 'elsewhere 1234'}, ${options.pid ?? 1},
      now() - make_interval(secs => ${options.heartbeatSecondsAgo ?? 0}))`.execute(database.db)
}

const lockedBy = async () => (await queuedJobs(database.db)).map((j) => j.payload.to)
async function stillLocked(): Promise<string[]> {
  const { rows } = await sql<{ to: string }>`
    select payload->>'to' as "to" from graphile_worker._private_jobs where locked_by is not null`.execute(
    database.db,
  )
  return rows.map((r) => r.to).sort()
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

describe('freeing the jobs of gone runners', () => {
  it('frees a runner without a heartbeat for 30 s, keeps one with a fresh heartbeat', async () => {
    await registerRunner('pool-stale', { heartbeatSecondsAgo: 45 })
    await registerRunner('pool-alive', { heartbeatSecondsAgo: 2 })
    await jobLockedBy('pool-stale')
    const alive = await jobLockedBy('pool-alive')
    expect(await releaseJobsOfGoneRunners(database.db)).toBe(1)
    expect(await stillLocked()).toEqual([alive])
    const { rows } = await sql<{ id: string }>`select id from job_runners order by id`.execute(database.db)
    expect(rows.map((r) => r.id)).toEqual(['pool-alive'])
    expect(await lockedBy()).toHaveLength(2) // freed, not removed: the job runs again
  })

  it('frees a runner on this machine at once when its process is gone', async () => {
    await registerRunner('pool-crashed', { host: thisMachine(), pid: await deadPid() })
    await registerRunner('pool-me', { host: thisMachine(), pid: process.pid })
    await jobLockedBy('pool-crashed')
    const mine = await jobLockedBy('pool-me')
    expect(await releaseJobsOfGoneRunners(database.db)).toBe(1)
    expect(await stillLocked()).toEqual([mine])
  })

  it('frees jobs of a runner that never registered only after ten minutes', async () => {
    const young = await jobLockedBy('otpool-unknown', 2)
    await jobLockedBy('otpool-forgotten', 11)
    expect(await releaseJobsOfGoneRunners(database.db)).toBe(1)
    expect(await stillLocked()).toEqual([young])
  })
})

describe('the job runner', () => {
  it('frees a dead runner’s mail at start and sends it once; keeps a heartbeat while it runs', async () => {
    await registerRunner('pool-dead', { heartbeatSecondsAgo: 600 })
    const to = await jobLockedBy('pool-dead')
    const config = testConfig({ SMTP_URL: sink.url })
    const transport = smtpTransport(sink.url)
    const runner = await startJobRunner({
      db: database.db,
      connectionString: database.url,
      logger: pino({ level: 'silent' }),
      registry: jobRegistry([{ tasks: mailTasks(config, database.db, transport) }]),
      liveness: { heartbeatMs: 100 },
      onStop: () => transport.close?.(),
    })
    try {
      const until = Date.now() + 20_000
      while (sink.accepted().filter((m) => m.envelopeTo.includes(to)).length === 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(sink.accepted().filter((m) => m.envelopeTo.includes(to))).toHaveLength(1)
      const { rows } = await sql<{ id: string; host: string; pid: number; fresh: boolean }>`
        select id, host, pid, heartbeat_at > now() - interval '5 seconds' as fresh from job_runners`.execute(
        database.db,
      )
      expect(rows).toEqual([{ id: runner.id, host: thisMachine(), pid: process.pid, fresh: true }])
    } finally {
      await runner.stop()
    }
    const { rows: after } = await sql`select id from job_runners`.execute(database.db)
    expect(after).toEqual([])
  })
})
