// Which job runners are alive. graphile-worker frees the jobs of a runner that died only after
// four hours; we free them within seconds instead. Each runner (graphile-worker's pool id, what
// it writes into `locked_by`) records a heartbeat in `job_runners`. A runner is gone when its
// heartbeat is older than `goneAfterMs`, or at once when it ran on this machine and its process
// no longer exists. Every runner frees the jobs of gone runners at start and with each heartbeat.
// Freeing a job that is still running somewhere is not a disaster (the mail records make a
// second attempt skip or stop before handing the message over), only a waste.
import { randomUUID } from 'node:crypto'
import { readFileSync, readlinkSync } from 'node:fs'
import os from 'node:os'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

export interface LivenessOptions {
  heartbeatMs: number
  /** A runner without a heartbeat for this long is gone. */
  goneAfterMs: number
  /** Jobs locked by a runner that never registered (e.g. a one-off runner) are freed after this long. */
  unknownLockerAfterMs: number
}

export const defaultLiveness: LivenessOptions = {
  heartbeatMs: 5_000,
  goneAfterMs: 30_000,
  unknownLockerAfterMs: 10 * 60_000,
}

function readOrUndefined(read: () => string): string | undefined {
  try {
    return read().trim()
  } catch {
    return undefined
  }
}

let machine: string | undefined

/**
 * This machine and process namespace: host name, boot id and pid namespace (Linux). Two
 * containers with the same host name differ in their pid namespace; elsewhere the value is
 * unique per process, so that only heartbeats count.
 */
export function thisMachine(): string {
  if (machine) return machine
  const bootId = readOrUndefined(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'))
  const pidNamespace = readOrUndefined(() => readlinkSync('/proc/self/ns/pid'))
  machine = `${os.hostname()} ${bootId && pidNamespace ? `${bootId} ${pidNamespace}` : randomUUID()}`
  return machine
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

/** Records the runner (again) as alive now; also the heartbeat. */
export async function recordHeartbeat(db: Db, runnerId: string): Promise<void> {
  await sql`insert into job_runners (id, host, pid) values (${runnerId}, ${thisMachine()}, ${process.pid})
    on conflict (id) do update set heartbeat_at = now()`.execute(db)
}

export async function forgetRunner(db: Db, runnerId: string): Promise<void> {
  await sql`delete from job_runners where id = ${runnerId}`.execute(db)
}

/** Frees the jobs of runners that are gone; returns how many jobs were freed. */
export async function releaseJobsOfGoneRunners(
  db: Db,
  options: Pick<LivenessOptions, 'goneAfterMs' | 'unknownLockerAfterMs'> = defaultLiveness,
): Promise<number> {
  const { rows: runners } = await sql<{ id: string; host: string; pid: number; stale: boolean }>`
    select id, host, pid, heartbeat_at < now() - make_interval(secs => ${options.goneAfterMs / 1000}) as stale
    from job_runners`.execute(db)
  const here = thisMachine()
  const gone = runners.filter((r) => r.stale || (r.host === here && !processExists(r.pid))).map((r) => r.id)
  const { rows: unknown } = await sql<{ lockedBy: string }>`
    select distinct jobs.locked_by as "lockedBy" from graphile_worker._private_jobs jobs
    where jobs.locked_by is not null
      and jobs.locked_at < now() - make_interval(secs => ${options.unknownLockerAfterMs / 1000})
      and not exists (select 1 from job_runners r where r.id = jobs.locked_by)`.execute(db)
  const lockers = [...gone, ...unknown.map((u) => u.lockedBy)]
  if (lockers.length === 0) return 0
  return db.transaction().execute(async (trx) => {
    if (gone.length > 0) await sql`delete from job_runners where id = any(${gone}::text[])`.execute(trx)
    const { rows } = await sql<{ freed: number }>`
      select count(*)::int as freed from graphile_worker._private_jobs where locked_by = any(${lockers}::text[])`.execute(
      trx,
    )
    await sql`select graphile_worker.force_unlock_workers(${lockers}::text[])`.execute(trx)
    return rows[0]?.freed ?? 0
  })
}
