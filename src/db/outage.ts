// While the database is unreachable, a pool does not try to connect for every request (that
// was hundreds of attempts a second): after a failed connection attempt it refuses at once and
// tries again after a pause that doubles up to a few seconds, one attempt at a time. The outage
// is logged when it begins, every minute while it lasts and when it ends, with counts.
import type { Logger } from 'pino'

/** Thrown instead of connecting while the database is known to be down. */
export class DatabaseDownError extends Error {
  readonly code = 'VR_DATABASE_DOWN'
  constructor() {
    super('database unavailable (waiting before the next connection attempt)')
  }
}

interface Outage {
  since: number
  lastReport: number
  retryAt: number
  pause: number
  probing: boolean
  attempts: number
  refused: number
  lastError: string
}

export interface BackoffOptions {
  logger?: Logger
  /** Names the pool in log lines. */
  name: string
  firstPauseMs?: number
  maxPauseMs?: number
  reportEveryMs?: number
  now?: () => number
}

export class ConnectionBackoff {
  private outage: Outage | undefined
  private readonly options: Required<Omit<BackoffOptions, 'logger'>> & { logger?: Logger }

  constructor(options: BackoffOptions) {
    this.options = { firstPauseMs: 250, maxPauseMs: 4000, reportEveryMs: 60_000, now: Date.now, ...options }
  }

  get isDown(): boolean {
    return this.outage !== undefined
  }

  /** Runs a connection attempt unless the database is down and it is not yet time to try again. */
  async attempt<T>(connect: () => Promise<T>, isConnectionFailure: (error: unknown) => boolean): Promise<T> {
    const outage = this.outage
    if (outage) {
      if (outage.probing || this.options.now() < outage.retryAt) {
        outage.refused++
        this.reportIfDue(outage)
        throw new DatabaseDownError()
      }
      outage.probing = true
      outage.attempts++
    }
    const probe = outage !== undefined
    try {
      const result = await connect()
      if (this.outage) this.recovered(this.outage)
      return result
    } catch (error) {
      if (isConnectionFailure(error)) this.failed(error, probe)
      else if (probe && this.outage) this.outage.probing = false
      throw error
    }
  }

  private failed(error: unknown, probe: boolean) {
    const now = this.options.now()
    const message = describe(error)
    const outage = this.outage
    if (outage && !probe) {
      // One of the attempts that were under way when the outage began.
      outage.attempts++
      return
    }
    if (!outage) {
      this.outage = {
        since: now,
        lastReport: now,
        retryAt: now + this.options.firstPauseMs,
        pause: this.options.firstPauseMs,
        probing: false,
        attempts: 1,
        refused: 0,
        lastError: message,
      }
      this.options.logger?.error(
        { pool: this.options.name, error: message },
        'database unavailable: answering 503 until it is back, trying to reconnect with pauses',
      )
      return
    }
    outage.pause = Math.min(outage.pause * 2, this.options.maxPauseMs)
    outage.retryAt = now + outage.pause
    outage.probing = false
    outage.lastError = message
    this.reportIfDue(outage)
  }

  private reportIfDue(outage: Outage) {
    const now = this.options.now()
    if (now - outage.lastReport < this.options.reportEveryMs) return
    outage.lastReport = now
    this.options.logger?.error(
      { pool: this.options.name, ...counts(outage, now), error: outage.lastError },
      'database still unavailable',
    )
  }

  private recovered(outage: Outage) {
    this.outage = undefined
    this.options.logger?.warn(
      { pool: this.options.name, ...counts(outage, this.options.now()) },
      'database is back',
    )
  }
}

function counts(outage: Outage, now: number) {
  return {
    downForMs: now - outage.since,
    connectionAttempts: outage.attempts,
    refusedWithoutTrying: outage.refused,
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: string }).code
  return code ? `${code}: ${error.message}` : error.message
}
