// The database going away never kills the app: /readyz and pages answer 503 while it is gone,
// and the app recovers by itself when it is back. This file runs a Postgres of its own to stop.
import { rmSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db, isDatabaseUnavailable } from '../../src/db/database.ts'
import {
  type EmbeddedDatabase,
  ensureDatabase,
  startEmbeddedPostgres,
} from '../../src/db/embedded-postgres.ts'
import { migrateToLatest } from '../../src/db/migrator.ts'
import { freePort } from '../../src/lib/free-port.ts'
import { type Agent, createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { scratchFolder } from './process-helpers.ts'
import { testRoutes } from './test-routes.ts'

let folder: string
let port: number
let postgres: EmbeddedDatabase | undefined
let db: Db
let app: FastifyInstance
let member: Agent
let poolLines: string[] = []
let appLines: string[] = []

function capture(into: () => string[]) {
  return new Writable({
    write(chunk, _encoding, callback) {
      into().push(...String(chunk).split('\n').filter(Boolean))
      callback()
    },
  })
}
// biome-ignore lint/suspicious/noExplicitAny: log lines are free-form JSON
const parsed = (lines: string[]): Record<string, any>[] => lines.map((line) => JSON.parse(line))

function startPostgres() {
  return startEmbeddedPostgres({ directory: path.join(folder, 'data'), port, ephemeral: true })
}

beforeAll(async () => {
  folder = scratchFolder('outage')
  port = await freePort()
  postgres = await startPostgres()
  db = createDb({
    connectionString: await ensureDatabase(postgres.url, 'vr_outage'),
    max: 3,
    kind: 'web',
    logger: pino(
      { level: 'info' },
      capture(() => poolLines),
    ),
  })
  await migrateToLatest(db)
  app = await buildTestApp(
    db,
    { LOG_LEVEL: 'info' },
    { extraRoutes: testRoutes, loggerStream: capture(() => appLines) },
  )
  const person = await createMember(db, { name: 'Olga Outage' })
  member = createAgent(app)
  await signInAs(db, member, person.id)
}, 60_000)

afterAll(async () => {
  await app?.close()
  await db?.destroy()
  await postgres?.stop()
  if (folder) rmSync(folder, { recursive: true, force: true })
})

describe('while the database is up', () => {
  it('is alive and ready', async () => {
    const health = await app.inject('/healthz')
    expect(health.statusCode).toBe(200)
    expect(health.json()).toEqual({ status: 'ok' })
    expect(health.headers['cache-control']).toBe('no-store')
    const ready = await app.inject('/readyz')
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({ status: 'ok', database: 'ok' })
    expect(ready.headers['set-cookie']).toBeUndefined()
    expect((await member.get('/')).body).toContain('Olga Outage')
  })
})

describe('when the database goes away and comes back', () => {
  it('answers 503 while it is gone and recovers by itself', async () => {
    await postgres!.stop()
    postgres = undefined

    const health = await app.inject('/healthz')
    expect(health.statusCode).toBe(200)

    const ready = await app.inject('/readyz')
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toEqual({ status: 'unavailable', database: 'unreachable' })

    const page = await member.get('/')
    expect(page.statusCode).toBe(503)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['retry-after']).toBe('30')
    expect(page.headers['cache-control']).toBe('private, no-store')
    expect(page.body).toContain('<html lang="de">')
    expect(page.body).toContain('Vorübergehend nicht erreichbar')
    expect(page.body).toMatch(/Fehlernummer: [0-9a-f-]{36}/)
    expect(page.body).not.toContain('ECONNREFUSED')
    expect(page.body).not.toContain('Olga Outage')

    // Writing a new session (signing in) fails the same way, and so does a form post.
    const newSession = await app.inject('/test/sign-in/1')
    expect(newSession.statusCode).toBe(503)
    expect(newSession.body).toContain('Vorübergehend nicht erreichbar')
    const post = await member.post('/test/change', { _csrf: 'egal' })
    expect(post.statusCode).toBe(503)

    // A public page that needs no database still works.
    expect((await app.inject('/about')).statusCode).toBe(200)

    postgres = await startPostgres()

    const readyAgain = await readyWithin(6000)
    expect(readyAgain.statusCode).toBe(200)
    const pageAgain = await member.get('/')
    expect(pageAgain.statusCode).toBe(200)
    expect(pageAgain.body).toContain('Olga Outage')
  }, 60_000)
})

/** /readyz until it says ready: the pool tries again after a pause of at most 4 s. */
async function readyWithin(ms: number) {
  const until = Date.now() + ms
  for (;;) {
    const response = await app.inject('/readyz')
    if (response.statusCode === 200 || Date.now() > until) return response
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('a longer outage', () => {
  it('does not try to connect for every request, and logs the outage once with counts', async () => {
    await postgres!.stop()
    postgres = undefined
    // Stand-in on the database's port that counts every connection attempt and drops it.
    let attempts = 0
    const counter = net.createServer((socket) => {
      attempts++
      socket.destroy()
    })
    await new Promise<void>((resolve) => counter.listen(port, '127.0.0.1', resolve))
    poolLines = []
    appLines = []
    try {
      const statuses: number[] = []
      const started = Date.now()
      while (Date.now() - started < 1500) {
        const batch = await Promise.all(Array.from({ length: 20 }, () => member.get('/')))
        statuses.push(...batch.map((response) => response.statusCode))
      }
      expect(statuses.length).toBeGreaterThan(100)
      expect(new Set(statuses)).toEqual(new Set([503]))
      // One attempt, then pauses of 250 ms, 500 ms, 1 s …: a handful, not one per request.
      expect(attempts).toBeGreaterThan(0)
      expect(attempts).toBeLessThan(12)

      const poolLog = parsed(poolLines)
      expect(poolLog.filter((line) => /^database unavailable/.test(line.msg))).toHaveLength(1)
      // The requests' log has the usual line per request and no error (nor stack trace) per request.
      const appLog = parsed(appLines)
      expect(appLog.filter((line) => line.level >= 50)).toEqual([])
      expect(appLines.join('\n')).not.toContain('    at ')
    } finally {
      await new Promise((resolve) => counter.close(resolve))
    }

    postgres = await startPostgres()
    expect((await readyWithin(6000)).statusCode).toBe(200)
    expect((await member.get('/')).statusCode).toBe(200)
    const back = parsed(poolLines).find((line) => line.msg === 'database is back')
    expect(back).toMatchObject({ pool: 'web' })
    expect(back!.refusedWithoutTrying).toBeGreaterThan(90)
    expect(back!.connectionAttempts).toBeLessThan(12)
    expect(back!.downForMs).toBeGreaterThan(1000)
  }, 60_000)
})

describe('isDatabaseUnavailable', () => {
  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true],
    [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      true,
    ],
    [Object.assign(new Error('the database system is starting up'), { code: '57P03' }), true],
    [Object.assign(new Error('connection failure'), { code: '08006' }), true],
    [new Error('timeout exceeded when trying to connect'), true],
    [new Error('Connection terminated unexpectedly'), true],
    // What a rollback on a dead connection says (it used to hide the real error and gave a 500).
    [new Error('Client has encountered a connection error and is not queryable'), true],
    [Object.assign(new Error('sorry, too many clients already'), { code: '53300' }), true],
    [Object.assign(new Error('database unavailable (waiting)'), { code: 'VR_DATABASE_DOWN' }), true],
    [
      new AggregateError(
        [Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })],
        '',
      ),
      true,
    ],
    [Object.assign(new Error('duplicate key value'), { code: '23505' }), false],
    [new Error('Cannot read properties of undefined'), false],
    ['ECONNREFUSED', false],
  ])('%s → %s', (error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected)
  })
})
