// Security headers, cache headers, error pages and the page/fragment choice, over HTTP.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { secretMessage, testRoutes } from './test-routes.ts'

let database: TestDatabase
let app: FastifyInstance
let httpsApp: FastifyInstance

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db, {}, { extraRoutes: testRoutes })
  httpsApp = await buildTestApp(database.db, { BASE_URL: 'https://forum.example', TRUST_PROXY: '127.0.0.1' })
})
afterAll(async () => {
  await app?.close()
  await httpsApp?.close()
  await database?.drop()
})

function directives(csp: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) map.set(name, values.join(' '))
  }
  return map
}

describe('security headers', () => {
  it('sends a strict Content-Security-Policy: our origin only, no inline script, no eval', async () => {
    const response = await app.inject('/')
    expect(response.statusCode).toBe(200)
    const csp = response.headers['content-security-policy'] as string
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toMatch(/https?:/)
    expect(Object.fromEntries(directives(csp))).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
      'object-src': "'none'",
      'manifest-src': "'self'",
    })
  })

  it('sends nosniff, a referrer policy, frame denial and no HSTS over plain http', async () => {
    const response = await app.inject('/')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('same-origin')
    expect(response.headers['x-frame-options']).toBe('DENY')
    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin')
    expect(response.headers['permissions-policy']).toContain('camera=()')
    expect(response.headers['strict-transport-security']).toBeUndefined()
    expect(response.headers['x-powered-by']).toBeUndefined()
  })

  it('sends HSTS when BASE_URL is https', async () => {
    const response = await httpsApp.inject('/')
    expect(response.statusCode).toBe(200)
    expect(response.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains')
  })

  it('sends the same headers on error pages, health checks and static files', async () => {
    for (const url of ['/gibt-es-nicht', '/healthz', '/static/app.css']) {
      const response = await app.inject(url)
      expect(response.headers['content-security-policy'], url).toContain("default-src 'none'")
      expect(response.headers['x-content-type-options'], url).toBe('nosniff')
    }
  })
})

describe('pages', () => {
  it('are private, not cached, not indexed, and German by default', async () => {
    const response = await app.inject('/')
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect(response.headers['x-robots-tag']).toBe('noindex, nofollow')
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.body).toContain('<html lang="de">')
    expect(response.body).toContain('Willkommen im Vertrauensraum')
    expect(response.body).toContain('<a class="skip-link" href="#main">')
    expect(response.body).toContain('<main id="main"')
  })

  it('are private and not cached for members too', async () => {
    const member = await createMember(database.db, { name: 'Paula Privat' })
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    const response = await agent.get('/')
    expect(response.body).toContain('Paula Privat')
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect(response.headers['x-robots-tag']).toBe('noindex, nofollow')
  })

  it('switch to English by Accept-Language', async () => {
    const response = await app.inject({ url: '/', headers: { 'accept-language': 'en-GB,en;q=0.9' } })
    expect(response.body).toContain('<html lang="en">')
  })

  it('load htmx from our own /static with a CSP-friendly configuration', async () => {
    const page = await app.inject('/')
    expect(page.body).toContain('<script src="/static/vendor/htmx/htmx.min.js" defer></script>')
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    const config = JSON.parse(page.body.match(/<meta name="htmx-config" content='([^']+)'>/)![1]!)
    expect(config).toMatchObject({
      allowEval: false,
      allowScriptTags: false,
      includeIndicatorStyles: false,
      historyCacheSize: 0,
    })
    const htmx = await app.inject('/static/vendor/htmx/htmx.min.js')
    expect(htmx.statusCode).toBe(200)
    expect(htmx.headers['content-type']).toMatch(/javascript/)
    expect(htmx.body).toContain('2.0.')
    expect((await app.inject('/static/vendor/htmx/htmx.esm.js')).statusCode).toBe(404)
  })
})

describe('error pages', () => {
  it('answer an unknown address with a German 404 page', async () => {
    const response = await app.inject('/gibt-es-nicht')
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect(response.body).toContain('<html lang="de">')
    expect(response.body).toContain('Seite nicht gefunden')
    expect(response.body).not.toContain('Fehlernummer')
  })

  it('answer unknown static files with a short German 404', async () => {
    const response = await app.inject('/static/nichts.css')
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(response.body).toBe('Seite nicht gefunden')
  })

  it('answer a failing route with a 500 page: reference shown, message and stack hidden', async () => {
    const response = await app.inject('/test/boom')
    expect(response.statusCode).toBe(500)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.body).toContain('Ein Fehler ist aufgetreten')
    expect(response.body).toMatch(/Fehlernummer: [0-9a-f-]{36}/)
    expect(response.body).not.toContain('hunter2')
    expect(response.body).not.toContain(secretMessage)
    expect(response.body).not.toMatch(/at .*\.ts:\d+/)
    expect(response.body).not.toContain('test-routes')
  })

  it('answer a page above the member role with a 403 page', async () => {
    const member = await createMember(database.db)
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    const response = await agent.get('/test/moderators')
    expect(response.statusCode).toBe(403)
    expect(response.body).toContain('Kein Zugriff')
    expect(response.body).not.toContain('nur Moderation')
  })

  it('answer a malformed form body with a 400 page', async () => {
    const agent = createAgent(app)
    const token = (await agent.get('/test/token')).body
    const response = await agent.post(
      '/test/change',
      {},
      { 'content-type': 'application/json', 'x-csrf-token': token },
    )
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Ungültige Anfrage')
  })
})

describe('one URL, page or fragment', () => {
  it('serves the full page to a normal request', async () => {
    const response = await app.inject('/test/view')
    expect(response.statusCode).toBe(200)
    expect(response.headers.vary).toContain('HX-Request')
    expect(response.body).toContain('<html lang="de">')
    expect(response.body).toContain('<h1>Über den Vertrauensraum</h1>')
  })

  it('serves only the fragment when htmx asks for a region', async () => {
    const response = await app.inject({ url: '/test/view', headers: { 'hx-request': 'true' } })
    expect(response.statusCode).toBe(200)
    expect(response.headers.vary).toContain('HX-Request')
    expect(response.headers['cache-control']).toBe('private, no-store')
    expect(response.body).toContain('<h1>Über den Vertrauensraum</h1>')
    expect(response.body).not.toContain('<html')
    expect(response.body).not.toContain('<header')
  })

  it('serves the full page to boosted navigation and to a history restore', async () => {
    for (const extra of [{ 'hx-boosted': 'true' }, { 'hx-history-restore-request': 'true' }]) {
      const response = await app.inject({ url: '/test/view', headers: { 'hx-request': 'true', ...extra } })
      expect(response.body).toContain('<html lang="de">')
      expect(response.headers.vary).toContain('HX-Request')
    }
  })
})
