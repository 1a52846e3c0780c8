// What the server, the worker and the CLIs share: finding the database and the session secret.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { type Config, loadConfigOrExit } from './config.ts'
import { createDb } from './db/database.ts'
import {
  type EmbeddedDatabase,
  ensureDatabase,
  leaveShutdownSignalsToCaller,
  startEmbeddedPostgres,
} from './db/embedded-postgres.ts'
import { migrateToLatest } from './db/migrator.ts'
import { loggerOptions } from './logger.ts'

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
  embedded: EmbeddedDatabase | undefined
}

/** DATABASE_URL when given; otherwise the embedded Postgres in ./data/db. */
export async function openDatabase(config: Config, log: pino.Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: undefined }
  log.info({ directory: path.join(config.dataDir, 'db') }, 'starting embedded PostgreSQL')
  const embedded = await startEmbeddedPostgres({
    directory: path.join(config.dataDir, 'db'),
    port: config.embeddedPostgresPort,
    onLog: (message) => log.debug({ postgres: message.trim() }, 'postgres'),
  })
  const url = await ensureDatabase(embedded.url, 'vertrauensraum')
  return { url, embedded }
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

/** Config, logger, database (embedded or not), migrated: the start of every long-running process. */
export async function startProcess() {
  const config = loadConfigOrExit()
  const log = pino(loggerOptions(config.logLevel))
  const database = await openDatabase(config, log)
  const db = createDb({ connectionString: database.url, logger: log })
  await migrateToLatest(db)
  return { config, log, database, db }
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

/** A start-up failure, said once through the log (the logger exists only once config is read). */
export function failedToStart(what: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error)
  pino(loggerOptions('fatal')).fatal(`${what} failed: ${message}`)
  process.exit(1)
}
