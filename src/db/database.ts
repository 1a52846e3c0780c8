import {
  type Driver,
  Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  sql,
  type Transaction,
  type TransactionBuilder,
} from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { ConnectionBackoff } from './outage.ts'
import type { Database } from './schema.ts'

export type Db = Kysely<Database>

// int8 (counts, bigserial ids) as number is safe for our sizes; keep ids readable in JSON.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

/**
 * What a pool is for decides how long its statements may run and wait for locks:
 * web — page reads and form posts: a statement that needs longer is broken or stuck behind a lock;
 * jobs — mail, digests, the CLI: bigger statements, more patience;
 * migrations — as long as it takes, but never queue behind a lock for long (everyone else would
 * queue behind the migration).
 * A transaction can ask for less (`setLocalTimeouts`), e.g. a write that locks a thread.
 */
export type WorkKind = 'web' | 'jobs' | 'migrations'

interface Timeouts {
  statementMs: number
  lockMs: number
  idleInTransactionMs: number
}

export const timeoutsFor: Record<WorkKind, Timeouts> = {
  web: { statementMs: 5_000, lockMs: 3_000, idleInTransactionMs: 30_000 },
  jobs: { statementMs: 120_000, lockMs: 30_000, idleInTransactionMs: 300_000 },
  migrations: { statementMs: 0, lockMs: 60_000, idleInTransactionMs: 0 },
}

export interface DbOptions {
  connectionString: string
  logger?: Logger
  max?: number
  /** Default: jobs (generous). The server's request pool is `web`. */
  kind?: WorkKind
  /**
   * At most this many transactions at once (default: about 60 % of `max`), so that writes
   * waiting for a row lock never hold every connection and reads always find one.
   */
  maxTransactions?: number
}

/** How long a request waits for a free connection or transaction slot before it gets the 503 page. */
const waitForConnectionMs = 3000

/**
 * A pg pool that survives the database going away: errors of idle and of checked-out clients
 * are logged instead of crashing the process (pg emits them as 'error' events, and an event
 * nobody listens to ends the process), and getting a connection fails after a few seconds
 * (the error page maps that to 503). A web pool also stops trying to connect for every
 * request while the database is down (see outage.ts). The job runner uses one too.
 */
export function createPool({ connectionString, logger, max = 10, kind = 'jobs' }: DbOptions): pg.Pool {
  const timeouts = timeoutsFor[kind]
  const backoff = kind === 'web' ? new ConnectionBackoff({ logger, name: kind }) : undefined
  const pool = new pg.Pool({
    ...(backoff ? { Client: clientBehind(backoff) } : {}),
    connectionString,
    max,
    connectionTimeoutMillis: waitForConnectionMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    application_name: `vertrauensraum-${kind}`,
  })
  let lostConnections = 0
  const onError = (error: Error) => {
    // Clients of an ending pool may still be connected when Postgres shuts down right after.
    if (pool.ending) return
    // During an outage every client reports it; the outage itself is logged once (outage.ts).
    lostConnections++
    if (backoff?.isDown) return
    logger?.warn(
      { err: { message: error.message, code: (error as { code?: string }).code }, lostConnections },
      'database connection lost',
    )
  }
  pool.on('error', onError)
  pool.on('connect', (client) => client.on('error', onError))
  return pool
}

/** A pg client whose every connection attempt (also those of queued pool waiters) asks the backoff first. */
function clientBehind(backoff: ConnectionBackoff): new () => pg.ClientBase {
  class GuardedClient extends pg.Client {
    override connect(): Promise<pg.Client>
    override connect(callback: (error: Error) => void): void
    override connect(callback?: (error: Error) => void): Promise<pg.Client> | undefined {
      const attempt = backoff.attempt(() => super.connect(), isConnectionFailure)
      if (!callback) return attempt
      attempt.then(
        () => (callback as (error: Error | null) => void)(null),
        (error: Error) => callback(error),
      )
      return undefined
    }
  }
  return GuardedClient
}

/**
 * Kysely rolls back when a transaction fails; on a dead connection the rollback fails too and
 * its error ("not queryable") replaced the one that explains what happened. The connection is
 * discarded either way, so a failed rollback is left unsaid.
 */
class PostgresDriverKeepingTheCause extends PostgresDriver {
  override async rollbackTransaction(
    connection: Parameters<PostgresDriver['rollbackTransaction']>[0],
  ): Promise<void> {
    try {
      await super.rollbackTransaction(connection)
    } catch {
      // the error that made us roll back is the one that matters
    }
  }
}

class AppDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig
  constructor(config: PostgresDialectConfig) {
    super(config)
    this.#config = config
  }
  override createDriver(): Driver {
    return new PostgresDriverKeepingTheCause(this.#config)
  }
}

/** Thrown when no transaction slot frees up in time: the database is busy (503). */
export class DatabaseBusyError extends Error {
  readonly code = 'VR_DATABASE_BUSY'
  constructor() {
    super('no transaction slot became free in time')
  }
}

/** A counting semaphore whose waiters give up after a while. */
class Slots {
  private free: number
  private readonly waiting: (() => void)[] = []
  constructor(count: number) {
    this.free = count
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.take()
    try {
      return await work()
    } finally {
      this.give()
    }
  }

  private take(): Promise<void> {
    if (this.free > 0) {
      this.free--
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(turn), 1)
        reject(new DatabaseBusyError())
      }, waitForConnectionMs)
      timer.unref()
      this.waiting.push(turn)
    })
  }

  get waitingCount(): number {
    return this.waiting.length
  }

  private give() {
    const next = this.waiting.shift()
    if (next) next()
    else this.free++
  }
}

function limitedTransactions(
  builder: TransactionBuilder<Database>,
  slots: Slots,
): TransactionBuilder<Database> {
  return new Proxy(builder, {
    get(target, property) {
      if (property === 'execute') {
        return <T>(callback: (trx: Transaction<Database>) => Promise<T>) =>
          slots.run(() => target.execute(callback))
      }
      if (property === 'setAccessMode' || property === 'setIsolationLevel') {
        return (value: never) => limitedTransactions(target[property](value), slots)
      }
      return Reflect.get(target, property, target)
    },
  })
}

/** Kysely whose transactions wait for one of a limited number of slots. */
class LimitedKysely extends Kysely<Database> {
  readonly #slots: Slots
  constructor(dialect: PostgresDialect, slots: Slots) {
    super({ dialect })
    this.#slots = slots
  }
  override transaction(): TransactionBuilder<Database> {
    return limitedTransactions(super.transaction(), this.#slots)
  }
}

/** What /metrics reports of a Db's pool: pg's own counts, transactions waiting for a slot, and waits. */
export interface PoolUse {
  readonly pool: pg.Pool
  /** Transactions waiting for one of the limited slots right now. */
  transactionsWaiting(): number
  /** Called with the seconds each connection request waited (0 when one was idle). */
  onWait?: (seconds: number) => void
}

const poolUses = new WeakMap<Db, PoolUse>()

/** The pool behind a Db made by createDb (undefined for others, e.g. a test's own Kysely). */
export function poolUseOf(db: Db): PoolUse | undefined {
  return poolUses.get(db)
}

/** Times every pool.connect() (Kysely asks for a connection per query or transaction). */
function timeConnects(pool: pg.Pool, use: PoolUse): void {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>
  pool.connect = ((callback?: unknown) => {
    if (callback) return (connect as (cb: unknown) => void)(callback)
    const started = process.hrtime.bigint()
    const done = () => use.onWait?.(Number(process.hrtime.bigint() - started) / 1e9)
    const attempt = connect()
    attempt.then(done, done)
    return attempt
  }) as typeof pool.connect
}

/** A Kysely instance over such a pool. */
export function createDb(options: DbOptions): Db {
  const max = options.max ?? 10
  const maxTransactions = options.maxTransactions ?? Math.max(1, max - Math.max(1, Math.round(max * 0.4)))
  const pool = createPool({ ...options, max })
  const slots = new Slots(maxTransactions)
  const db = new LimitedKysely(new AppDialect({ pool }), slots)
  const use: PoolUse = { pool, transactionsWaiting: () => slots.waitingCount }
  timeConnects(pool, use)
  poolUses.set(db, use)
  return db
}

/** Lower timeouts for the rest of this transaction, e.g. `{ lockMs: 2000 }` before locking a thread. */
export async function setLocalTimeouts(
  trx: Transaction<Database>,
  timeouts: { lockMs?: number; statementMs?: number },
): Promise<void> {
  if (timeouts.lockMs !== undefined) {
    await sql`select set_config('lock_timeout', ${`${Math.round(timeouts.lockMs)}ms`}, true)`.execute(trx)
  }
  if (timeouts.statementMs !== undefined) {
    await sql`select set_config('statement_timeout', ${`${Math.round(timeouts.statementMs)}ms`}, true)`.execute(
      trx,
    )
  }
}

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'VR_DATABASE_DOWN',
  'VR_DATABASE_BUSY',
  // too many connections, operator intervention (shutdown, crash recovery, starting up)
  '53300',
  '57P01',
  '57P02',
  '57P03',
])

const unavailableMessages =
  /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|not queryable|terminating connection/i

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** The error and what it wraps (an AggregateError from connecting, a `cause`). */
function* layers(error: unknown, depth = 0): Generator<Error> {
  if (!(error instanceof Error) || depth > 3) return
  yield error
  if (error instanceof AggregateError) for (const inner of error.errors) yield* layers(inner, depth + 1)
  if (error.cause) yield* layers(error.cause, depth + 1)
}

/** True when an error means "the database is not reachable right now" rather than a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const layer of layers(error)) {
    const code = codeOf(layer)
    if (code && (unavailableCodes.has(code) || code.startsWith('08'))) return true
    if (unavailableMessages.test(layer.message)) return true
  }
  return false
}

/** A statement ran out of time or gave up waiting for a lock (statement_timeout, lock_timeout). */
export function isDatabaseTimeout(error: unknown): boolean {
  const code = codeOf(error)
  return code === '57014' || code === '55P03'
}

/**
 * A failed attempt to reach the server (as opposed to waiting for a busy pool's free client,
 * which says "timeout exceeded when trying to connect" and means load, not an outage).
 */
function isConnectionFailure(error: unknown): boolean {
  return (
    isDatabaseUnavailable(error) &&
    !(error instanceof Error && /timeout exceeded when trying to connect/.test(error.message))
  )
}

/** The URL of another database on the same server. */
export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}
