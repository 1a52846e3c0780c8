// The rate-limit counters live in an unlogged table (migration 2026-12-04T10-00): a clean restart
// of PostgreSQL keeps them, a crash starts them again, as the README says. Against a cluster of
// this test's own, stopped cleanly once and killed once.
import { rmSync } from 'node:fs'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../src/db/database.ts'
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts'
import { migrateToLatest } from '../../src/db/migrator.ts'
import { freePort } from '../../src/lib/free-port.ts'
import { postgresRateLimitStore } from '../../src/plugins/rate-limit-store.ts'
import { processesMentioning, scratchFolder } from './process-helpers.ts'

const directory = scratchFolder('rate-limit-restart')
let cluster: EmbeddedDatabase | undefined

afterAll(async () => {
  await cluster?.stop().catch(() => {})
  rmSync(directory, { recursive: true, force: true })
})

async function start(port: number): Promise<Db> {
  // After a kill, the old backends may still hold the shared memory for a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      cluster = await startEmbeddedPostgres({ directory, port })
      break
    } catch (error) {
      if (attempt >= 20) throw error
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  // The app's own pool: it survives the connection a kill ends, and the store runs prepared as in the server.
  return createDb({ connectionString: cluster.url, max: 1 })
}

/** One hit on the limiter's counter for one key, as @fastify/rate-limit counts a request. */
function hit(db: Db): Promise<number> {
  const Store = postgresRateLimitStore(db)
  return new Promise((resolve, reject) =>
    new Store({}, 'GET /organisations/search').incr(
      '10.0.0.1',
      (error, result) => (error ? reject(error) : resolve(result!.current)),
      60 * 60 * 1000,
    ),
  )
}

describe('the rate-limit counters', () => {
  it('are kept across a clean restart and start again after a crash', async () => {
    const port = await freePort()
    let db = await start(port)
    await migrateToLatest(db)
    const persistence = await sql<{ relpersistence: string }>`
      select relpersistence from pg_class where relname = 'rate_limits'`.execute(db)
    expect(persistence.rows[0]!.relpersistence).toBe('u')
    expect([await hit(db), await hit(db), await hit(db)]).toEqual([1, 2, 3])
    await sql`checkpoint`.execute(db)

    await db.destroy()
    await cluster!.stop()
    db = await start(port)
    expect(await hit(db)).toBe(4)

    await db.destroy()
    for (const pid of processesMentioning(directory)) process.kill(pid, 'SIGKILL')
    cluster = undefined
    db = await start(port)
    expect(await hit(db)).toBe(1)
    await db.destroy()
  }, 120_000)
})
