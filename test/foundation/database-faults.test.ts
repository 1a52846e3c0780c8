// Database faults short of an outage, against the real PostgreSQL: a connection that dies inside
// a transaction, a statement that runs too long, a row lock held for a long time. Each ends in
// the 503 page (never a 500), and a held lock never takes the other pages down.
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Db, isDatabaseTimeout, setLocalTimeouts } from '../../src/db/database.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createOrganisation } from '../helpers/factories.ts'

let database: TestDatabase
let app: FastifyInstance
let lines: string[] = []

const stream = new Writable({
  write(chunk, _encoding, callback) {
    lines.push(...String(chunk).split('\n').filter(Boolean))
    callback()
  },
})

async function terminateOwnBackend(db: Db, trx: Db) {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)
  await sql`select pg_terminate_backend(${rows[0]!.pid}, 5000)`.execute(db)
}

async function faultRoutes(site: FastifyInstance) {
  const open = { config: { access: 'public' as const, csrf: false } }
  const db = database.db

  site.post('/test/dying-transaction', open, async () => {
    await db.transaction().execute(async (trx) => {
      await terminateOwnBackend(db, trx)
      await sql`select 1`.execute(trx)
    })
    return 'nicht erreicht'
  })

  site.post('/test/slow-statement', open, async () => {
    await db.transaction().execute(async (trx) => {
      await setLocalTimeouts(trx, { statementMs: 50 })
      await sql`select pg_sleep(2)`.execute(trx)
    })
    return 'nicht erreicht'
  })

  site.post<{ Params: { id: string } }>('/test/lock-organisation/:id', open, async (request) => {
    await db.transaction().execute(async (trx) => {
      await sql`select id from organisations where id = ${Number(request.params.id)} for update`.execute(trx)
    })
    return 'gesperrt und wieder frei'
  })

  site.get('/test/read', { config: { access: 'public' as const } }, async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from organisations`.execute(db)
    return { organisations: rows[0]!.n }
  })
}

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(
    database.db,
    { LOG_LEVEL: 'info' },
    { extraRoutes: faultRoutes, loggerStream: stream },
  )
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

// biome-ignore lint/suspicious/noExplicitAny: log lines are free-form JSON
const entries = (): Record<string, any>[] => lines.map((line) => JSON.parse(line))

function expectUnavailablePage(response: {
  statusCode: number
  body: string
  headers: Record<string, unknown>
}) {
  expect(response.statusCode).toBe(503)
  expect(response.headers['retry-after']).toBe('30')
  expect(response.body).toContain('Vorübergehend nicht erreichbar')
}

describe('a connection that dies inside a transaction', () => {
  it('reports the error that ended the transaction, not the failed rollback', async () => {
    const db = database.db
    const error = await db
      .transaction()
      .execute(async (trx) => {
        await terminateOwnBackend(db, trx)
        throw new Error('der eigentliche Fehler')
      })
      .catch((caught: unknown) => caught)
    expect((error as Error).message).toBe('der eigentliche Fehler')
  })

  it('gets the 503 page, not a 500', async () => {
    lines = []
    const response = await app.inject({ method: 'POST', url: '/test/dying-transaction' })
    expectUnavailablePage(response)
    expect(entries().filter((entry) => entry.level >= 50)).toEqual([])
    // The pool works on with fresh connections.
    expect((await app.inject('/test/read')).statusCode).toBe(200)
  })
})

describe('a statement that runs out of time', () => {
  it('gets the 503 page and one log line without a stack trace', async () => {
    lines = []
    const response = await app.inject({ method: 'POST', url: '/test/slow-statement' })
    expectUnavailablePage(response)
    const warnings = entries().filter((entry) => entry.level >= 40)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ level: 40, code: '57014' })
    expect(JSON.stringify(warnings[0])).not.toContain('    at ')
  })

  it('recognises statement and lock timeouts', () => {
    expect(
      isDatabaseTimeout(
        Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      ),
    ).toBe(true)
    expect(
      isDatabaseTimeout(
        Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' }),
      ),
    ).toBe(true)
    expect(isDatabaseTimeout(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false)
  })
})

describe('a row lock held for a long time', () => {
  it('makes the writers that wait for it give up with 503 while every other page keeps working', async () => {
    const organisation = await createOrganisation(database.db)
    const holder = new pg.Client({ connectionString: database.url })
    await holder.connect()
    try {
      await holder.query('begin')
      await holder.query('select id from organisations where id = $1 for update', [organisation.id])

      // More waiting writers than the pool has connections (the test pool has 5).
      const started = Date.now()
      const writers = Array.from({ length: 12 }, () =>
        app.inject({ method: 'POST', url: `/test/lock-organisation/${organisation.id}` }),
      )
      await new Promise((resolve) => setTimeout(resolve, 300))

      const reads = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const begun = Date.now()
          const response = await app.inject('/test/read')
          return { status: response.statusCode, ms: Date.now() - begun }
        }),
      )
      const ready = await app.inject('/readyz')
      expect(reads.map((read) => read.status)).toEqual(Array(10).fill(200))
      expect(Math.max(...reads.map((read) => read.ms))).toBeLessThan(1500)
      expect(ready.statusCode).toBe(200)

      const written = await Promise.all(writers)
      expect(new Set(written.map((response) => response.statusCode))).toEqual(new Set([503]))
      // Lock timeout (3 s) and waiting for a transaction slot (3 s) bound the wait.
      expect(Date.now() - started).toBeLessThan(12_000)
    } finally {
      await holder.query('rollback').catch(() => {})
      await holder.end()
    }
    const after = await app.inject({ method: 'POST', url: `/test/lock-organisation/${organisation.id}` })
    expect(after.statusCode).toBe(200)
    expect(after.body).toBe('gesperrt und wieder frei')
  }, 30_000)
})
