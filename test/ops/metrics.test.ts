// /metrics: Prometheus text that parses, figures that move, only for loopback or the token,
// and labels without URLs, query strings or anything about a person.
import type { InjectOptions } from 'fastify'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { enqueueMail } from '../../src/core/mail/mail.queue.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

const token = `${'a'.repeat(20)}0123456789abcdef-._~`
const context = useTestApp({ METRICS_TOKEN: token })

const outside = '203.0.113.7'

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** The Prometheus text format (0.0.4), strictly: every line a comment, a sample or empty. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      types.set(type[1]!, type[2]!)
      continue
    }
    if (/^# HELP [a-zA-Z_:][\w:]* .*$/.test(line)) continue
    // Values as Go's ParseFloat reads them (Prometheus does): NaN and Inf in any case.
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?)|nan|[+-]?inf)$/i.exec(
      line,
    )
    if (!sample) throw new Error(`not a Prometheus line: ${line}`)
    const labels: Record<string, string> = {}
    for (const pair of (sample[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)",?/g)) {
      labels[pair[1]!] = pair[2]!
    }
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) })
  }
  return { samples, types }
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find(
    (s) => s.name === name && Object.entries(labels).every(([key, wanted]) => s.labels[key] === wanted),
  )?.value
}

async function scrape(options: Partial<InjectOptions> = {}) {
  const response = await context.app.inject({ method: 'GET', url: '/metrics', ...options })
  return response
}

async function samples() {
  const response = await scrape()
  expect(response.statusCode).toBe(200)
  return parseMetrics(response.body).samples
}

describe('/metrics', () => {
  it('answers the Prometheus text format with request, pool, job, mail and process figures', async () => {
    const response = await scrape()
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(response.headers['set-cookie']).toBeUndefined()
    const { samples, types } = parseMetrics(response.body)
    expect(types.get('vr_http_request_duration_seconds')).toBe('histogram')
    expect(value(samples, 'vr_db_pool_connections_max')).toBe(5)
    expect(value(samples, 'vr_db_pool_connections')).toBeGreaterThanOrEqual(1)
    expect(value(samples, 'vr_db_pool_waiting')).toBe(0)
    expect(value(samples, 'vr_db_transactions_waiting')).toBe(0)
    expect(value(samples, 'vr_db_pool_connection_wait_seconds_count')).toBeGreaterThan(0)
    expect(value(samples, 'vr_metrics_database_up')).toBe(1)
    expect(value(samples, 'vr_mail_messages_24h', { status: 'sent' })).toBe(0)
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter')
    expect(value(samples, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0)
  })

  it('counts requests by route pattern and status, never by raw URL or query', async () => {
    const before = await samples()
    const threadRoute = { method: 'GET', route: '/t/:id', status: '303' }
    const count = (all: Sample[], labels: Record<string, string>) =>
      value(all, 'vr_http_request_duration_seconds_count', labels) ?? 0
    // An anonymous visitor is sent to the login page: a 303 from the thread route.
    const thread = await context.app.inject({ url: '/t/987654?secret-query=Musterfrau' })
    expect(thread.statusCode).toBe(303)
    await context.app.inject({ url: '/no/such/page?mail=max@example.org' })
    await context.app.inject({ url: '/login' })
    const after = await samples()
    expect(count(after, threadRoute)).toBe(count(before, threadRoute) + 1)
    expect(count(after, { route: 'unmatched', status: '404' })).toBe(
      count(before, { route: 'unmatched', status: '404' }) + 1,
    )
    expect(count(after, { route: '/login', status: '200' })).toBe(
      count(before, { route: '/login', status: '200' }) + 1,
    )
    expect(count(after, { route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1)
    const text = (await scrape()).body
    expect(text).not.toContain('987654')
    expect(text).not.toContain('Musterfrau')
    expect(text).not.toContain('example.org')
    expect(text).not.toContain('/no/such')
  })

  it('shows the job queue by task and state, and no payload', async () => {
    const member = await createMember(context.database.db, { name: 'Erika Metrikfrau' })
    const before = value(await samples(), 'vr_jobs', { task: 'send_mail', state: 'waiting' }) ?? 0
    await enqueueMail(context.database.db, {
      template: 'welcome',
      to: 'erika.metrikfrau@stadt-beispiel.de',
      locale: 'de',
      memberId: member.id,
      params: { name: 'Erika Metrikfrau' },
    })
    const after = await samples()
    expect(value(after, 'vr_jobs', { task: 'send_mail', state: 'waiting' })).toBe(before + 1)
    const text = (await scrape()).body
    expect(text).not.toContain('Metrikfrau')
    expect(text).not.toContain('stadt-beispiel')
  })

  it('puts no member data into any label after member pages were served', async () => {
    const member = await createMember(context.database.db, { name: 'Hannelore Labelprüferin' })
    const agent = createAgent(context.app)
    await signInAs(context.database.db, agent, member.id)
    await agent.get('/')
    await agent.get(`/m/${member.id}?tab=Labelprüferin`)
    const { samples: all } = parseMetrics((await scrape()).body)
    const routes = new Set(all.flatMap((s) => (s.labels.route ? [s.labels.route] : [])))
    for (const route of routes) expect(route === 'unmatched' || /^\/[\w/:.*-]*$/.test(route)).toBe(true)
    for (const sample of all) {
      for (const label of Object.values(sample.labels)) {
        expect(label).not.toContain('?')
        expect(label).not.toContain('Labelpr')
      }
    }
  })
})

describe('who may read /metrics', () => {
  async function unknownPage(options: Partial<InjectOptions>) {
    return context.app.inject({ method: 'GET', url: '/keine-solche-seite', ...options })
  }

  function expectSameAsUnknown(
    refused: Awaited<ReturnType<typeof scrape>>,
    unknown: Awaited<ReturnType<typeof scrape>>,
  ) {
    expect(refused.statusCode).toBe(404)
    expect(refused.headers['content-type']).toBe(unknown.headers['content-type'])
    expect(refused.body.replace('/metrics', '')).toBe(unknown.body.replace('/keine-solche-seite', ''))
    expect(refused.body).not.toContain('vr_')
  }

  it('refuses a caller from elsewhere with the 404 of an unknown URL', async () => {
    const refused = await scrape({ remoteAddress: outside })
    expectSameAsUnknown(refused, await unknownPage({ remoteAddress: outside }))
  })

  it('refuses a request a local proxy forwards, and a wrong or malformed token', async () => {
    const unknown = await unknownPage({})
    expectSameAsUnknown(await scrape({ headers: { 'x-forwarded-for': outside } }), unknown)
    expectSameAsUnknown(await scrape({ headers: { forwarded: `for=${outside}` } }), unknown)
    expectSameAsUnknown(
      await scrape({ remoteAddress: outside, headers: { authorization: `Bearer ${token}x` } }),
      unknown,
    )
    expectSameAsUnknown(await scrape({ remoteAddress: outside, headers: { authorization: token } }), unknown)
    expectSameAsUnknown(
      await scrape({ remoteAddress: outside, headers: { authorization: 'Bearer ' } }),
      unknown,
    )
    // A wrong token is refused from loopback too: whoever sends one asked to be judged by it.
    expectSameAsUnknown(await scrape({ headers: { authorization: 'Bearer falsch' } }), unknown)
  })

  it('answers the configured bearer token from anywhere, and loopback on IPv4 and IPv6', async () => {
    expect(
      (await scrape({ remoteAddress: outside, headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200)
    expect(
      (
        await scrape({
          remoteAddress: outside,
          headers: { 'x-forwarded-for': outside, authorization: `bearer ${token}` },
        })
      ).statusCode,
    ).toBe(200)
    expect((await scrape({ remoteAddress: '::1' })).statusCode).toBe(200)
    expect((await scrape({ remoteAddress: '::ffff:127.0.0.1' })).statusCode).toBe(200)
    expect((await scrape({ remoteAddress: '::ffff:203.0.113.7' })).statusCode).toBe(404)
  })

  it('only answers GET; a POST is what an unknown URL gets', async () => {
    const post = await context.app.inject({ method: 'POST', url: '/metrics' })
    const unknown = await context.app.inject({ method: 'POST', url: '/keine-solche-seite' })
    expect(post.statusCode).toBe(unknown.statusCode)
  })
})

describe('METRICS_TOKEN', () => {
  it('must be a long token of bearer characters', () => {
    const base = { NODE_ENV: 'test' }
    expect(loadConfig({ ...base, METRICS_TOKEN: token }).metricsToken).toBe(token)
    expect(loadConfig(base).metricsToken).toBeUndefined()
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: expected at least 32/,
    )
    expect(() => loadConfig({ ...base, METRICS_TOKEN: `${token} space` })).toThrow(/METRICS_TOKEN/)
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short' })).not.toThrow(/short/)
  })
})
