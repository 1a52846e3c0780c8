// The job runner: graphile-worker takes jobs from Postgres (safe with several instances,
// retries with exponential backoff) and runs the registry's tasks and cron items. Each runner
// keeps a heartbeat and frees the jobs of runners that died (runner-liveness.ts), so mail that
// was in flight at a crash goes out within seconds of the next start, not hours.
import { EventEmitter } from 'node:events'
import { parseCronItems, run, type Task, type TaskList, type WorkerEvents } from 'graphile-worker'
import type { Logger } from 'pino'
import { createPool, type Db } from '../../db/database.ts'
import { quietLogger } from './job-queue.ts'
import type { JobRegistry } from './job-registry.ts'
import {
  defaultLiveness,
  forgetRunner,
  type LivenessOptions,
  recordHeartbeat,
  releaseJobsOfGoneRunners,
} from './runner-liveness.ts'

export interface JobRunnerOptions {
  db: Db
  connectionString: string
  logger: Logger
  registry: JobRegistry
  /** Mail jobs mostly wait for Postgres and SMTP; four at a time use two cores well. */
  concurrency?: number
  liveness?: Partial<LivenessOptions>
  /** Runs after the last job has finished (e.g. closing the SMTP connections). */
  onStop?: () => void | Promise<void>
}

export interface JobRunner {
  /** graphile-worker's pool id (what it writes into locked_by). */
  readonly id: string
  /** Lets running jobs finish, then stops. */
  stop(): Promise<void>
}

export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const { db, logger } = options
  const liveness = { ...defaultLiveness, ...options.liveness }
  const release = async () => {
    const freed = await releaseJobsOfGoneRunners(db, liveness)
    if (freed > 0) logger.warn({ jobs: freed }, 'freed the jobs of a job runner that is gone')
  }
  // Jobs the last process left locked are freed before this one starts taking jobs.
  await release()

  let runnerId = ''
  let registered!: Promise<void>
  const events = new EventEmitter() as WorkerEvents
  events.on('pool:create', ({ workerPool }) => {
    runnerId = workerPool.id
    registered = recordHeartbeat(db, runnerId).catch((error) => {
      logger.error({ err: error }, 'job runner could not record its heartbeat')
    })
  })
  // No task starts before this runner is known to be alive, so a job that ran is never
  // locked by a runner nobody can tell is gone.
  const tasks: TaskList = Object.fromEntries(
    Object.entries(options.registry.tasks).map(([name, task]): [string, Task] => [
      name,
      async (payload, helpers) => {
        await registered
        return task!(payload, helpers)
      },
    ]),
  )

  // Our own pool: graphile-worker drops its error handler before its own pool has ended, so a
  // Postgres shutting down right after stop() would crash the process with an unhandled 'error'.
  // Four concurrent jobs plus the runner's own queries (fetching, completing, cron).
  const pgPool = createPool({ connectionString: options.connectionString, logger, max: 8 })
  const runner = await run({
    pgPool,
    concurrency: options.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: 2000,
    taskList: tasks,
    parsedCronItems: parseCronItems(options.registry.cronItems),
    logger: quietLogger(logger),
    events,
  })
  // While the database is away every heartbeat fails: said once, and once when it is back.
  let failing = false
  const heartbeat = setInterval(() => {
    recordHeartbeat(db, runnerId)
      .then(release)
      .then(() => {
        if (failing) logger.info('job runner heartbeat recorded again')
        failing = false
      })
      .catch((error) => {
        if (!failing) logger.warn({ err: error }, 'job runner heartbeat failed')
        failing = true
      })
  }, liveness.heartbeatMs)
  heartbeat.unref()

  return {
    id: runnerId,
    stop: async () => {
      clearInterval(heartbeat)
      await runner.stop()
      await forgetRunner(db, runnerId).catch(() => {})
      await options.onStop?.()
      await pgPool.end()
    },
  }
}
