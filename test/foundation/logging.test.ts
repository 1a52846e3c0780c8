// Request logs carry a request id and never a cookie, password, token, session id or client address.
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createLogStream, redactUrl, requestLine } from '../../src/logger.ts'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { secretMessage, testRoutes } from './test-routes.ts'

let database: TestDatabase
let app: FastifyInstance
let lines: string[] = []

const stream = new Writable({
  write(chunk, _encoding, callback) {
    lines.push(...String(chunk).split('\n').filter(Boolean))
    callback()
  },
})

// biome-ignore lint/suspicious/noExplicitAny: log lines are free-form JSON
function entries(): Record<string, any>[] {
  return lines.map((line) => JSON.parse(line))
}

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(
    database.db,
    { LOG_LEVEL: 'info' },
    { extraRoutes: testRoutes, loggerStream: stream },
  )
})
beforeEach(() => {
  lines = []
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

describe('request log', () => {
  it('logs method, redacted url, status and request id; no headers, cookies or client address', async () => {
    const response = await app.inject({
      url: '/reset/abcdef123456?token=t0k3n-geheim&next=/x',
      remoteAddress: '203.0.113.9',
      headers: {
        cookie: 'vr_session=sitzung-geheim',
        authorization: 'Bearer bearer-geheim',
        'x-csrf-token': 'csrf-geheim',
      },
    })
    expect(response.statusCode).toBe(404)
    const log = lines.join('\n')
    for (const secret of ['sitzung-geheim', 'bearer-geheim', 'csrf-geheim', 't0k3n-geheim', 'abcdef123456']) {
      expect(log).not.toContain(secret)
    }
    expect(log).not.toContain('203.0.113.9')
    // One line per request, with all of it.
    expect(entries().filter((entry) => entry.req)).toHaveLength(1)
    const completed = entries().find((entry) => entry.msg === 'request completed')!
    expect(completed.req).toEqual({
      method: 'GET',
      url: '/reset/[redacted]?token=[redacted]&next=[redacted]',
    })
    expect(completed.reqId).toMatch(/^[0-9a-f-]{36}$/)
    expect(completed.res.statusCode).toBe(404)
    expect(typeof completed.responseTime).toBe('number')
  })

  it('redacts passwords, e-mail addresses, tokens and session ids in logged objects', async () => {
    const agent = createAgent(app)
    const csrf = (await agent.get('/test/token')).body
    lines = []
    const response = await agent.post('/test/log', {
      _csrf: csrf,
      email: 'erika@stadt-geheim.de',
      password: 'Passwort-geheim-1',
      newPassword: 'Neues-geheim-2',
    })
    expect(response.statusCode).toBe(200)
    const log = lines.join('\n')
    for (const secret of [
      'stadt-geheim',
      'Passwort-geheim',
      'Neues-geheim',
      'the-session-id',
      'the-token',
      csrf,
    ]) {
      expect(log).not.toContain(secret)
    }
    const entry = entries().find((line) => line.msg === 'form received')!
    expect(entry.body.password).toBe('[redacted]')
    expect(entry.sessionId).toBe('[redacted]')
    expect(entry.token).toBe('[redacted]')
  })

  it('logs a server error with the reference shown on the page', async () => {
    const response = await app.inject('/test/boom')
    const reference = response.body.match(/Fehlernummer: ([0-9a-f-]{36})/)![1]
    const error = entries().find((entry) => entry.level === 50)!
    expect(error.reqId).toBe(reference)
    expect(error.err.message).toBe(secretMessage)
  })
})

describe('redactUrl', () => {
  it.each([
    ['/confirm/abc?x=1', '/confirm/[redacted]?x=1'],
    ['/invite/xyz', '/invite/[redacted]'],
    ['/unsubscribe/tok', '/unsubscribe/[redacted]'],
    ['/search?q=Geheimprojekt&page=2', '/search?q=[redacted]&page=2'],
    ['/login?next=%2Fthreads%2F5&email=a%40b.de', '/login?next=[redacted]&email=[redacted]'],
    ['/threads/5', '/threads/5'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected)
  })
})

describe('log format', () => {
  it('is JSON in production and wherever no terminal reads it, pretty when asked for', async () => {
    expect((await createLogStream({ env: 'production', logFormat: 'auto' })).pretty).toBe(false)
    // vitest's output is no terminal, like a container's or a service's log
    expect((await createLogStream({ env: 'development', logFormat: 'auto' })).pretty).toBe(false)
    expect((await createLogStream({ env: 'production', logFormat: 'json' })).pretty).toBe(false)
    expect((await createLogStream({ env: 'development', logFormat: 'pretty' })).pretty).toBe(true)
  })

  it('prints a request as one short line in the pretty form, saying so when its response failed', () => {
    const request = { req: { method: 'GET', url: '/about' }, res: { statusCode: 200 }, responseTime: 2.6 }
    expect(requestLine({ ...request, msg: 'request completed' })).toBe('GET /about → 200 in 3 ms')
    expect(requestLine({ ...request, msg: 'request errored', err: { message: 'socket hang up' } })).toBe(
      'GET /about → 200 in 3 ms, the response failed: socket hang up',
    )
    expect(requestLine({ msg: 'Vertrauensraum läuft' })).toBeUndefined()
  })
})
