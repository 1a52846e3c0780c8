import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import type { Database } from './schema.ts'

export type Db = Kysely<Database>

// int8 (counts, bigserial ids) as number is safe for our sizes; keep ids readable in JSON.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export interface DbOptions {
  connectionString: string
  logger?: Logger
  max?: number
}

/**
 * A pg pool that survives the database going away: errors of idle and of checked-out clients
 * are logged instead of crashing the process (pg emits them as 'error' events, and an event
 * nobody listens to ends the process), and getting a connection fails after a few seconds
 * (the error page maps that to 503). The job runner uses one too.
 */
export function createPool({ connectionString, logger, max = 10 }: DbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
  })
  const onError = (error: Error) => {
    // Clients of an ending pool may still be connected when Postgres shuts down right after.
    if (pool.ending) return
    logger?.warn(
      { err: { message: error.message, code: (error as { code?: string }).code } },
      'database connection lost',
    )
  }
  pool.on('error', onError)
  pool.on('connect', (client) => client.on('error', onError))
  return pool
}

/** A Kysely instance over such a pool. */
export function createDb(options: DbOptions): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(options) }) })
}

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
])

/** True when an error means "the database is not reachable right now" rather than a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: string }).code
  if (code && (unavailableCodes.has(code) || code.startsWith('08'))) return true
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(
    error.message,
  )
}

/** The URL of another database on the same server. */
export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}
