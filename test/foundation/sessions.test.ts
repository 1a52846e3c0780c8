// Sessions in Postgres (for signed-in people only), their cookie, their expiry, CSRF on every
// state-changing request (a token and the request's origin), and which proxy is believed about
// the client's address.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSessionId } from '../../src/core/sessions/session-store.ts'
import { deriveKey } from '../../src/deps.ts'
import { unsubscribeKeyPurpose, unsubscribeToken } from '../../src/features/digests/unsubscribe.ts'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp, testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, defaultPassword, signInAs } from '../helpers/factories.ts'
import { testRoutes } from './test-routes.ts'

let database: TestDatabase
let app: FastifyInstance
let httpsApp: FastifyInstance

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db, {}, { extraRoutes: testRoutes })
  httpsApp = await buildTestApp(
    database.db,
    { BASE_URL: 'https://forum.example', TRUST_PROXY: '127.0.0.1' },
    { extraRoutes: testRoutes },
  )
})
afterAll(async () => {
  await app?.close()
  await httpsApp?.close()
  await database?.drop()
})

describe('CSRF protection', () => {
  it('rejects a form post without a token with the "Formular abgelaufen" page', async () => {
    const agent = createAgent(app)
    await agent.get('/test/token') // a session exists, but the form carries no token
    const response = await agent.post('/test/change', { title: 'Neu' })
    expect(response.statusCode).toBe(403)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.body).toContain('Formular abgelaufen')
    expect(response.body).toContain('<html lang="de">')
  })

  it('rejects a post without any session, and a post with a wrong token', async () => {
    const stranger = await app.inject({
      method: 'POST',
      url: '/test/change',
      payload: 'title=Neu',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(stranger.statusCode).toBe(403)
    expect(stranger.body).toContain('Formular abgelaufen')

    const agent = createAgent(app)
    await agent.get('/test/token')
    const forged = await agent.post('/test/change', { _csrf: 'nachgemacht', title: 'Neu' })
    expect(forged.statusCode).toBe(403)
  })

  it('rejects the token of another session', async () => {
    const alice = createAgent(app)
    const token = (await alice.get('/test/token')).body
    const mallory = createAgent(app)
    await mallory.get('/test/token')
    const response = await mallory.post('/test/change', { _csrf: token })
    expect(response.statusCode).toBe(403)
  })

  it('accepts a form post with the token of its session', async () => {
    const agent = createAgent(app)
    const token = (await agent.get('/test/token')).body
    const response = await agent.post('/test/change', { _csrf: token, title: 'Neu' })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/test/done')
  })

  it('checks htmx requests too: the token from the page meta tag travels in x-csrf-token', async () => {
    const member = await createMember(database.db)
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    const page = await agent.get('/')
    // The layout hands the token to htmx in a meta tag (static/app.js sends it as x-csrf-token).
    const token = page.body.match(/<meta name="csrf-token" content="([^"]+)">/)?.[1]
    expect(token).toBeTruthy()

    const without = await agent.post('/test/change', {}, { 'hx-request': 'true' })
    expect(without.statusCode).toBe(403)
    const withToken = await agent.post('/test/change', {}, { 'hx-request': 'true', 'x-csrf-token': token! })
    expect(withToken.statusCode).toBe(200)
    expect(withToken.body).toBe('geändert (htmx)')
  })

  it('does not give anonymous readers of public pages a session', async () => {
    for (const url of ['/', '/about', '/gibt-es-nicht']) {
      expect((await app.inject(url)).headers['set-cookie'], url).toBeUndefined()
    }
  })
})

describe('anonymous visitors', () => {
  const sessionRows = () =>
    database.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((row) => Number(row.n))

  it('write no session row, however many form pages they open and submit', async () => {
    const before = await sessionRows()
    for (let i = 0; i < 30; i++) {
      const response = await app.inject('/login')
      expect(response.statusCode).toBe(200)
      expect(response.cookies.map((c) => c.name)).toEqual(['vr_csrf'])
    }
    for (const page of ['/register', '/password/forgot']) {
      expect((await app.inject(page)).statusCode, page).toBe(200)
    }
    // A failed sign-in with a valid token is checked and answered without a session either.
    const visitor = createAgent(app)
    const failed = await visitor.submit('/login', '/login', {
      email: 'niemand@nirgendwo.de',
      password: 'falsch-falsch-falsch',
    })
    expect(failed.statusCode).toBe(422)
    expect(visitor.cookies.has('vr_session')).toBe(false)
    expect(await sessionRows()).toBe(before)
  })

  it('get one session row at sign-in, with the browser it was made in', async () => {
    const member = await createMember(database.db, { name: 'Uma Useragent' })
    const agent = createAgent(app)
    const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'
    const token = await agent.csrf('/login')
    const response = await agent.post(
      '/login',
      { _csrf: token, email: member.email, password: defaultPassword },
      { 'user-agent': userAgent },
    )
    expect(response.statusCode).toBe(303)
    const rows = await database.db
      .selectFrom('sessions')
      .select(['user_agent'])
      .where('member_id', '=', member.id)
      .execute()
    expect(rows).toEqual([{ user_agent: userAgent }])
    // ...and the member's list of sessions names it instead of "Unbekanntes Gerät".
    const account = await agent.get('/account')
    expect(account.body).toContain(userAgent)
    expect(account.body).not.toContain('Unbekanntes Gerät')
  })

  it('keep their anonymous token from working once signed in, and a session token after logout', async () => {
    const member = await createMember(database.db)
    const agent = createAgent(app)
    const anonymousToken = await agent.csrf('/login')
    await agent.post('/login', { _csrf: anonymousToken, email: member.email, password: defaultPassword })
    expect((await agent.post('/test/change', { _csrf: anonymousToken })).statusCode).toBe(403)
    const memberToken = await agent.csrf('/account')
    expect((await agent.post('/test/change', { _csrf: memberToken })).statusCode).toBe(303)
    expect((await agent.post('/logout', { _csrf: memberToken })).headers.location).toBe('/login?signedOut=1')
    expect((await agent.post('/test/change', { _csrf: memberToken })).statusCode).toBe(403)
    // The signed-out message travels in the URL, not in a session.
    const signedOut = await agent.get('/login?signedOut=1')
    expect(signedOut.body).toContain('role="status"')
    expect(agent.cookies.has('vr_session')).toBe(false)
  })
})

describe('CSRF second line: where the request comes from', () => {
  async function tokenAgent() {
    const agent = createAgent(app)
    return { agent, token: await agent.csrf('/login') }
  }

  it('refuses a valid token from a foreign Origin with the 403 page', async () => {
    const { agent, token } = await tokenAgent()
    for (const origin of [
      'https://evil.example',
      'http://forum.test.evil.example',
      'null',
      'https://forum.test',
    ]) {
      const response = await agent.post('/test/change', { _csrf: token }, { origin })
      expect(response.statusCode, origin).toBe(403)
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(response.body).toContain('Formular abgelaufen')
    }
  })

  it('refuses a request the browser marks as cross-site or same-site, even without Origin', async () => {
    const { agent, token } = await tokenAgent()
    for (const site of ['cross-site', 'same-site']) {
      expect(
        (await agent.post('/test/change', { _csrf: token }, { 'sec-fetch-site': site })).statusCode,
      ).toBe(403)
    }
  })

  it('accepts our own origin, and requests that name no origin (the token alone decides)', async () => {
    const { agent, token } = await tokenAgent()
    const own = await agent.post(
      '/test/change',
      { _csrf: token },
      { origin: 'http://forum.test', 'sec-fetch-site': 'same-origin' },
    )
    expect(own.statusCode).toBe(303)
    expect((await agent.post('/test/change', { _csrf: token })).statusCode).toBe(303)
  })

  it('lets the one-click unsubscribe of mail clients through without Origin, token or session', async () => {
    const member = await createMember(database.db)
    const key = deriveKey(testConfig().sessionSecret!, unsubscribeKeyPurpose)
    const url = `/unsubscribe/${unsubscribeToken(key, member.id)}`
    const oneClick = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      })
    expect((await oneClick({})).statusCode).toBe(200)
    // A webmail in the browser posts cross-site.
    expect(
      (await oneClick({ origin: 'https://webmail.example', 'sec-fetch-site': 'cross-site' })).statusCode,
    ).toBe(200)
  })
})

describe('session cookie', () => {
  async function signIn(
    target: FastifyInstance,
    request: { remoteAddress?: string; headers?: Record<string, string> } = {},
  ) {
    const member = await createMember(database.db)
    const response = await target.inject({ url: `/test/sign-in/${member.id}`, ...request })
    return { member, response }
  }

  it('is HttpOnly, SameSite=Lax, path / and not Secure over plain http', async () => {
    const { response } = await signIn(app)
    const cookie = response.cookies.find((c) => c.name === 'vr_session')
    expect(cookie).toBeDefined()
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie!.secure).toBeUndefined()
    expect(cookie!.domain).toBeUndefined()
  })

  it('gets the __Host- prefix and Secure behind a trusted HTTPS proxy', async () => {
    const { response } = await signIn(httpsApp, {
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-proto': 'https' },
    })
    const header = String(response.headers['set-cookie'])
    expect(header).toMatch(/^__Host-vr_session=/)
    expect(header).toContain('Secure')
    expect(header).toContain('HttpOnly')
    expect(header).toContain('SameSite=Lax')
    expect(header).toContain('Path=/')
    expect(header).not.toContain('Domain=')
  })

  it('is never sent over plain http when BASE_URL is https (nor is the CSRF cookie)', async () => {
    const { response } = await signIn(httpsApp, { remoteAddress: '127.0.0.1' })
    expect(response.headers['set-cookie']).toBeUndefined()
    const token = await httpsApp.inject({ url: '/test/token', remoteAddress: '127.0.0.1' })
    expect(token.headers['set-cookie']).toBeUndefined()
    const secure = await httpsApp.inject({
      url: '/test/token',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(String(secure.headers['set-cookie'])).toMatch(/^__Host-vr_csrf=.*; Secure/)
  })

  it('keeps only a hash of the session id in the database, with expiry, member and browser columns', async () => {
    const { member, response } = await signIn(app, { headers: { 'user-agent': 'Testbrowser/1.0' } })
    const signed = response.cookies.find((c) => c.name === 'vr_session')!.value
    const sessionId = decodeURIComponent(signed).split('.')[0]!
    const row = await database.db
      .selectFrom('sessions')
      .select([
        'member_id',
        'user_agent',
        sql<number>`extract(epoch from idle_expires_at - now()) / 60`.as('idleMinutes'),
        sql<number>`extract(epoch from absolute_expires_at - now()) / 3600`.as('absoluteHours'),
      ])
      .where('sid_hash', '=', hashSessionId(sessionId))
      .executeTakeFirstOrThrow()
    expect(row.member_id).toBe(member.id)
    expect(row.user_agent).toBe('Testbrowser/1.0')
    expect(Math.round(row.idleMinutes)).toBe(120)
    expect(Math.round(row.absoluteHours)).toBe(168)
    const raw = await database.db
      .selectFrom('sessions')
      .select('sid_hash')
      .where('sid_hash', '=', sessionId)
      .executeTakeFirst()
    expect(raw).toBeUndefined()
  })
})

describe('session expiry', () => {
  async function signedInAgent(name: string) {
    const member = await createMember(database.db, { name })
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    expect((await agent.get('/')).body).toContain(name)
    return { member, agent }
  }

  it('ends a session that was idle too long', async () => {
    const { member, agent } = await signedInAgent('Ida Idle')
    await database.db
      .updateTable('sessions')
      .set({ idle_expires_at: sql`now() - interval '1 second'` })
      .where('member_id', '=', member.id)
      .execute()
    const response = await agent.get('/')
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('Ida Idle')
    expect(response.body).toContain('href="/login"')
  })

  it('ends a session at its absolute expiry however active it is', async () => {
    const { member, agent } = await signedInAgent('Abby Absolut')
    await database.db
      .updateTable('sessions')
      .set({
        absolute_expires_at: sql`now() - interval '1 second'`,
        idle_expires_at: sql`now() + interval '1 hour'`,
      })
      .where('member_id', '=', member.id)
      .execute()
    expect((await agent.get('/')).body).not.toContain('Abby Absolut')
  })

  it('slides the idle expiry on activity but never past the absolute expiry', async () => {
    const { member, agent } = await signedInAgent('Sina Sliding')
    await database.db
      .updateTable('sessions')
      .set({
        last_seen_at: sql`now() - interval '10 minutes'`,
        idle_expires_at: sql`now() + interval '5 minutes'`,
        absolute_expires_at: sql`now() + interval '30 minutes'`,
      })
      .where('member_id', '=', member.id)
      .execute()
    expect((await agent.get('/')).body).toContain('Sina Sliding')
    const row = await database.db
      .selectFrom('sessions')
      .select(sql<boolean>`idle_expires_at = absolute_expires_at`.as('capped'))
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(row.capped).toBe(true)
  })

  it('ends a session whose member id was cleared (all sessions of a member ended)', async () => {
    const { member, agent } = await signedInAgent('Enno Ende')
    await database.db.deleteFrom('sessions').where('member_id', '=', member.id).execute()
    expect((await agent.get('/')).body).not.toContain('Enno Ende')
  })
})

describe('trusted proxies', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const response = await app.inject({
      url: '/test/ip',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
    })
    expect(response.json()).toEqual({ ip: '127.0.0.1', protocol: 'http' })
  })

  it('ignores X-Forwarded-For from a peer that is not the configured proxy', async () => {
    const response = await httpsApp.inject({
      url: '/test/ip',
      remoteAddress: '198.51.100.20',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
    })
    expect(response.json()).toEqual({ ip: '198.51.100.20', protocol: 'http' })
  })

  it('believes the configured proxy', async () => {
    const response = await httpsApp.inject({
      url: '/test/ip',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
    })
    expect(response.json()).toEqual({ ip: '203.0.113.7', protocol: 'https' })
  })

  it('takes the address the trusted proxy saw, not one the client forged before it', async () => {
    const response = await httpsApp.inject({
      url: '/test/ip',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' },
    })
    expect(response.json().ip).toBe('203.0.113.7')
  })
})
