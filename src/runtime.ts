// What the server, the worker and the CLIs share: finding the database and the session secret.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { styleText } from 'node:util'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { type Config, loadConfigOrExit } from './config.ts'
import { installJobQueue } from './core/jobs/job-queue.ts'
import { createDb, type Db, isDatabaseUnavailable, type WorkKind } from './db/database.ts'
import {
  type EmbeddedDatabase,
  embeddedServerUrl,
  ensureDatabase,
  leaveShutdownSignalsToCaller,
  runningCluster,
  startEmbeddedPostgres,
} from './db/embedded-postgres.ts'
import { migrateToLatest } from './db/migrator.ts'
import { createLogStream, type LogStream, loggerOptions } from './logger.ts'

/** Development convenience: a random secret kept in the data folder, so sessions survive restarts. */
export function sessionSecretFor(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret
  const file = path.join(config.dataDir, 'session-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(config.dataDir, { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}

export interface DatabaseHandle {
  url: string
  /** The embedded cluster this process started (and must stop); undefined for any other. */
  embedded: EmbeddedDatabase | undefined
}

const databaseName = 'vertrauensraum'

export interface OpenOptions {
  /**
   * Use the embedded cluster a running server has already started on the data folder instead of
   * starting a second one (which Postgres refuses): for the CLI beside `npm start`.
   */
  shareRunning?: boolean
}

/** DATABASE_URL when given; otherwise the embedded Postgres in ./data/db. */
export async function openDatabase(
  config: Config,
  log: pino.Logger,
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: undefined }
  const directory = path.join(config.dataDir, 'db')
  const running = options.shareRunning ? runningCluster(directory) : undefined
  if (running) {
    log.info({ directory, port: running.port }, 'using the embedded PostgreSQL of the running server')
    // A server that is still starting may not accept connections for a moment.
    const url = await retryWhileUnavailable(() =>
      ensureDatabase(embeddedServerUrl(running.port), databaseName),
    )
    return { url, embedded: undefined }
  }
  log.info({ directory }, 'starting embedded PostgreSQL')
  const embedded = await startEmbeddedPostgres({
    directory,
    port: config.embeddedPostgresPort,
    onLog: (message) => log.debug({ postgres: message.trim() }, 'postgres'),
  })
  const url = await ensureDatabase(embedded.url, databaseName)
  return { url, embedded }
}

async function retryWhileUnavailable<T>(work: () => Promise<T>, forMs = 15_000): Promise<T> {
  const until = Date.now() + forMs
  for (;;) {
    try {
      return await work()
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() > until) throw error
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
}

/** Brings the database to the latest migration over a connection of its own (no statement timeout). */
export async function migrate(url: string) {
  const db = createDb({ connectionString: url, kind: 'migrations', max: 1 })
  try {
    return await migrateToLatest(db)
  } finally {
    await db.destroy()
  }
}

/**
 * Stops accepting connections and lets requests in flight finish. Node closes idle keep-alive
 * connections once, when closing starts; a connection whose request was still running would
 * then stay open until its keep-alive timeout ran out (72 s), so it is closed once it is idle.
 */
export async function closeGracefully(app: FastifyInstance): Promise<void> {
  const reaper = setInterval(() => app.server.closeIdleConnections(), 100)
  try {
    await app.close()
  } finally {
    clearInterval(reaper)
  }
}

export interface ProcessStart {
  /** What the process's pool is for: `web` for the server's requests, `jobs` (default) for the worker. */
  kind?: WorkKind
}

/** Config, logger, database (embedded or not), migrated (our tables and the job queue's): the start of every long-running process. */
export async function startProcess({ kind = 'jobs' }: ProcessStart = {}) {
  const config = loadConfigOrExit()
  const logStream = await createLogStream(config)
  const log = pino(loggerOptions(config.logLevel), logStream.stream)
  const database = await openDatabase(config, log)
  await migrate(database.url)
  // Requests add jobs (mail) in their own transactions, so the queue's tables must exist even
  // when the job runner runs elsewhere (RUN_WORKER=false).
  await installJobQueue(database.url)
  const db: Db = createDb({ connectionString: database.url, logger: log, kind })
  return { config, log, logStream, database, db }
}

/**
 * SIGTERM/SIGINT run `stop` once, then exit 0 (or 1 if stopping fails or takes over 20 s).
 * Returns whether a stop has begun.
 */
export function stopOnSignals(log: pino.Logger, stop: () => Promise<void>): () => boolean {
  // These handlers stop the embedded Postgres themselves, after the last request or job.
  leaveShutdownSignalsToCaller()
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    setTimeout(() => {
      log.error('shutdown took too long, exiting')
      process.exit(1)
    }, 20_000).unref()
    try {
      await stop()
      log.info('stopped')
      process.exit(0)
    } catch (error) {
      log.error({ err: error }, 'error during shutdown')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  return () => stopping
}

/**
 * What a person starting the server must see: in a readable (development) console as a block of
 * its own, set off by blank lines and in bold; in a JSON log as one ordinary line.
 */
export function announce(log: pino.Logger, logStream: LogStream, lines: string[]): void {
  if (!logStream.pretty) {
    log.info(lines.map((line) => line.trim()).join(' '))
    return
  }
  const text = lines.map((line) => `  ${line}`).join('\n')
  process.stdout.write(`\n${styleText('bold', text, { stream: process.stdout })}\n\n`)
}

/** One line for the operator: the message (or, for errors without one, what they wrap or their code). */
export function errorLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const inner = error instanceof AggregateError ? error.errors.find((e) => e instanceof Error) : undefined
  const code = (error as { code?: string }).code
  const message = error.message || (inner instanceof Error ? inner.message : '') || code || error.name
  return isDatabaseUnavailable(error) ? `database unreachable: ${message}` : message
}

/** A start-up failure, said once through the log (the logger exists only once config is read). */
export function failedToStart(what: string, error: unknown): never {
  pino(loggerOptions('fatal')).fatal(`${what} failed: ${errorLine(error)}`)
  process.exit(1)
}
