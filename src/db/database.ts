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
 * A Kysely instance over a pg pool that survives the database going away:
 * idle-client errors are logged instead of crashing the process, and a request
 * that cannot get a connection fails after a few seconds (the error page maps it to 503).
 */
export function createDb({ connectionString, logger, max = 10 }: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
  })
  pool.on('error', (error) => {
    logger?.warn(
      { err: { message: error.message, code: (error as { code?: string }).code } },
      'database connection lost',
    )
  })
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
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
