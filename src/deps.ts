// The types every feature receives from the composition roots (app.ts, jobs): nothing
// imports app.ts, so features never form an import cycle through it.
import { createHmac } from 'node:crypto'
import type { Config } from './config.ts'
import type { Db } from './db/database.ts'

export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** What every feature's routes receive. */
export interface FeatureDeps {
  config: Config
  db: Db
  clock: Clock
  /** A key for one purpose (e.g. signed unsubscribe links), derived from the session secret. */
  deriveKey(purpose: string): Buffer
}

/** Per-purpose keys from the session secret; the web process and the worker derive the same ones. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`vertrauensraum:${purpose}`).digest()
}
