// A Postgres store for @fastify/rate-limit: counters are shared by every app instance
// and survive restarts (an in-memory counter would reset with each deploy). The table is
// unlogged (no WAL for the write each limited request makes), so a database crash resets them.
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { preparedRows } from '../db/prepared.ts'

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void

export function postgresRateLimitStore(db: Db) {
  return class PostgresRateLimitStore {
    private readonly namespace: string
    constructor(_params: unknown, namespace = 'global') {
      this.namespace = namespace
    }

    incr(key: string, callback: IncrCallback, timeWindow: number): void {
      const fullKey = `${this.namespace}:${key}`
      // Prepared (planned once per connection): this runs on every request of a limited route.
      const statement = sql<{ hits: number; ttl: number }>`
        insert into rate_limits (key, hits, resets_at)
        values (${fullKey}, 1, now() + make_interval(secs => ${timeWindow / 1000}))
        on conflict (key) do update set
          hits = case when rate_limits.resets_at <= now() then 1 else rate_limits.hits + 1 end,
          resets_at = case when rate_limits.resets_at <= now() then excluded.resets_at else rate_limits.resets_at end
        returning hits, greatest(0, extract(epoch from resets_at - now()) * 1000)::int as ttl`.compile(db)
      preparedRows(db, 'vr_rate_limit', statement).then(
        (rows) => {
          const row = rows[0]!
          callback(null, { current: row.hits, ttl: row.ttl })
        },
        (error) => callback(error),
      )
    }

    child(params: object) {
      const { method, url } = (params as { routeInfo: { method: string | string[]; url: string } }).routeInfo
      return new PostgresRateLimitStore(params, `${[method].flat().join(',')} ${url}`)
    }
  }
}
