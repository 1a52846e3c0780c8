// What the benchmarks share: starting the real server (and other child processes) and
// measuring the CPU time of the server and of the database per request from /proc.
import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { sessionSecret } from './seed.ts'

const root = path.resolve(import.meta.dirname, '..')
const children: ChildProcess[] = []
const logs = new WeakMap<ChildProcess, () => string>()

/**
 * Starts `node <args>` in the project folder with `env` added to this process's environment.
 * Every process started here is stopped by `stopProcesses()`. With `keepLog`, the last 20 KB
 * of its standard output are kept to say why it exited (`logOf`).
 */
export function startProcess(args: string[], env: Record<string, string>, keepLog = false): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', keepLog ? 'pipe' : 'ignore', 'inherit'],
  })
  if (keepLog) {
    let log = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-20_000)
    })
    logs.set(child, () => log)
  }
  children.push(child)
  return child
}

/**
 * Waits until every backend has reported its statistics to pg_stat_database: a busy one does
 * at most once a second, an idle one (a pooled connection after a load) only after 10 s, so a
 * shorter wait lets the last load's work fall into the next sample.
 */
export function statisticsReported(): Promise<void> {
  return sleep(11_000)
}

/** Resolves once `url` answers 2xx; throws when the process exits first or after `seconds`. */
export async function waitForReady(url: string, child: ChildProcess, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (child.exitCode !== null)
      throw new Error(
        `process for ${url} exited with ${child.exitCode}: ${logs.get(child)?.().slice(-2000) ?? ''}`,
      )
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  throw new Error(`${url} did not become ready`)
}

/**
 * The real server (`node src/server.ts`, production settings, no worker) against `databaseUrl`
 * on 127.0.0.1:`port`, ready when this resolves. `BENCH_LOG_LEVEL` sets its log level and
 * `BENCH_SERVER_NODE_OPTIONS` its Node options (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
 */
export async function startServer(databaseUrl: string, port: number): Promise<ChildProcess> {
  const server = startProcess(
    ['src/server.ts'],
    {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: `http://127.0.0.1:${port}`,
      SESSION_SECRET: sessionSecret,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      RUN_WORKER: 'false',
      NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? '',
    },
    true,
  )
  await waitForReady(`http://127.0.0.1:${port}/readyz`, server)
  return server
}

/** Stops every process `startProcess` started (SIGTERM, SIGKILL after 10 s). */
export async function stopProcesses(): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
        }),
    ),
  )
}

function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

const ticksToMillis = (ticks: number) => (ticks * 1000) / 100

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function processCpuMillis(pid: number): number {
  const fields = statFields(pid)
  return ticksToMillis(Number(fields[11]) + Number(fields[12]))
}

/**
 * CPU time of a local PostgreSQL cluster so far: the postmaster's own and that of its exited
 * children, plus its running backends'. Null without a data folder (a server given by URL) or
 * off Linux.
 */
export function clusterCpuMillis(dataDirectory: string | undefined): number | null {
  if (!dataDirectory || process.platform !== 'linux') return null
  const postmaster = Number(readFileSync(path.join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0])
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const fields = statFields(entry)
      const own = Number(fields[11]) + Number(fields[12])
      if (Number(entry) === postmaster) total += ticksToMillis(own + Number(fields[13]) + Number(fields[14]))
      else if (Number(fields[1]) === postmaster) total += ticksToMillis(own)
    } catch {
      // the process ended meanwhile
    }
  }
  return total
}

export interface CpuPerRequest {
  server: number | null
  database: number | null
}

/**
 * CPU time per request of the server process `pid` and of the database cluster, for `n`
 * sequential calls of `send`: unlike requests per second, hardly affected by other load on a
 * shared machine.
 */
export async function cpuPerRequest(
  pid: number | undefined,
  dataDirectory: string | undefined,
  send: () => Promise<unknown>,
  n = 100,
): Promise<CpuPerRequest> {
  if (pid === undefined || process.platform !== 'linux') return { server: null, database: null }
  const before = processCpuMillis(pid)
  const databaseBefore = clusterCpuMillis(dataDirectory)
  for (let i = 0; i < n; i++) await send()
  const databaseAfter = clusterCpuMillis(dataDirectory)
  const round = (value: number) => Math.round(value * 100) / 100
  return {
    server: round((processCpuMillis(pid) - before) / n),
    database:
      databaseBefore === null || databaseAfter === null ? null : round((databaseAfter - databaseBefore) / n),
  }
}

/** The machine a run measured on, with the load average at its start and (now) at its end. */
export interface Machine {
  cpus: number
  model: string
  node: string
  loadAverageAtStart: number[]
  loadAverageAtEnd: number[]
}

export function machineOfRun(
  loadAverageAtStart: number[],
  loadAverageAtEnd = os.loadavg().map((n) => Math.round(n * 10) / 10),
): Machine {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverageAtStart,
    loadAverageAtEnd,
  }
}

/**
 * A signed-in reader's cookies as a browser holds them after its first page: the session and the
 * CSRF secret the first page set (without it every page would make a new secret and set it).
 */
export async function browserCookie(pageUrl: string, sessionCookie: string): Promise<string> {
  const response = await fetch(pageUrl, { headers: { cookie: sessionCookie }, redirect: 'manual' })
  await response.text()
  const csrf = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => /^(__Host-)?vr_csrf=/.test(c))
  return csrf ? `${sessionCookie}; ${csrf}` : sessionCookie
}
