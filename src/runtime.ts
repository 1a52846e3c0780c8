// What the server, the worker and the CLIs share: finding the database and the session secret.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type pino from 'pino'
import type { Config } from './config.ts'
import { type EmbeddedDatabase, ensureDatabase, startEmbeddedPostgres } from './db/embedded-postgres.ts'

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
