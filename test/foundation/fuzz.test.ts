// No input ever causes a 500. Every route of the app (taken from the app itself, so a new route
// is fuzzed without being listed here) is requested as an admin, who may reach everything, and as
// an anonymous visitor: with broken path parameters, and with every query parameter and form field
// it declares or that a page's form sends, set to NUL bytes, control characters, invalid UTF-8,
// long text, impossible dates and out-of-range numbers. Bodies carry a valid CSRF token, so they
// are really processed. Every answer must be a page: no 5xx, no Fastify JSON error.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemoData } from '../../src/features/accounts/operator.ts'
import { translate } from '../../src/i18n/index.ts'
import { type Agent, createAgent, encodeForm } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import {
  crawl,
  type Form,
  fillPath,
  idsOfEveryTable,
  openableUrls,
  ParamValues,
  type Route,
  routeFor,
  routesOf,
} from '../helpers/routes.ts'

/** Broken path parameters: a page (usually 404), never a 500. */
const paramValues = [
  '0',
  '-1',
  '2147483648',
  '99999999999999999999',
  '%00',
  'abc',
  '%C3%28',
  'x'.repeat(150),
  '1e400',
]

interface FuzzValue {
  name: string
  /** Already percent-encoded, as it goes into the query string or the body. */
  encoded: string
  /** Decoding is the same for every field: tried on all fields at once, not one by one. */
  everyFieldOnly?: boolean
}

const enc = encodeURIComponent
/** Field values (percent-encoded as sent). */
const fieldValues: FuzzValue[] = [
  { name: 'NUL byte', encoded: `a${enc('\u0000')}b` },
  { name: 'only a NUL byte', encoded: '%00', everyFieldOnly: true },
  { name: 'CRLF and control characters', encoded: enc('Zeile\r\nBcc: x@example.org\u0007\u001b[31m\u0085') },
  { name: 'invalid UTF-8 %C3%28', encoded: 'a%C3%28b' },
  { name: 'invalid UTF-8 %FF', encoded: '%FF%FE', everyFieldOnly: true },
  { name: 'encoded lone surrogate', encoded: '%ED%A0%80', everyFieldOnly: true },
  { name: 'broken percent escape', encoded: '%E4%', everyFieldOnly: true },
  { name: 'only invisible characters', encoded: enc('\u200B\u2060\uFEFF \u202E') },
  { name: 'impossible date 2026-02-30', encoded: '2026-02-30' },
  { name: 'impossible date 9999-99-99', encoded: '9999-99-99' },
  { name: 'id beyond integer', encoded: '2147483648' },
  { name: 'huge number', encoded: '99999999999999999999' },
  { name: 'negative number', encoded: '-1' },
  { name: 'zero', encoded: '0' },
  { name: 'number with exponent', encoded: '1e400' },
  { name: 'long text (100 KB)', encoded: 'x'.repeat(100_000) },
]
const queryValues: FuzzValue[] = fieldValues.map((value) =>
  value.encoded.length > 20_000 ? { name: 'long text (10 KB)', encoded: 'x'.repeat(10_000) } : value,
)

/** Names tried on every route beside those its schema declares and its pages' forms send. */
const genericFields = [
  'next',
  'q',
  'page',
  'from',
  'to',
  'id',
  'organisationId',
  'member',
  'tag',
  'stage',
  'status',
  'before',
  'after',
  'title',
  'body',
  'name',
  'email',
]

let database: TestDatabase
let app: FastifyInstance
let routes: Route[] = []
const forms: Form[] = []
const params = new ParamValues()
const crawlFailures: string[] = []

/** Failures by route, visitor and outcome: the inputs that led there, and one URL as an example. */
const failures = new Map<string, { inputs: string[]; example: string }>()
/** Answers per route and visitor, to see that bodies got past the CSRF check and the trust gate. */
const answers = new Map<string, Map<number, number>>()
const csrfTitle = translate('de', 'error.csrf.title')
/** Requests refused for their CSRF token, per route and visitor. */
const csrfRefusals = new Map<string, number>()

function countAnswer(key: string, status: number) {
  const counts = answers.get(key) ?? new Map<number, number>()
  counts.set(status, (counts.get(status) ?? 0) + 1)
  answers.set(key, counts)
}

/** What the server logged for each failed request (by request id), to say why it failed. */
const serverErrors = new Map<string, string>()
const errorLog = {
  write(line: string) {
    const entry = JSON.parse(line) as {
      level: number
      reqId?: string
      err?: { message?: string; stack?: string }
    }
    if (entry.level < 50 || !entry.reqId) return
    const at =
      entry.err?.stack
        ?.split('\n')
        .find((frame) => frame.includes('/src/'))
        ?.trim() ?? ''
    serverErrors.set(entry.reqId, `${entry.err?.message ?? 'error'} ${at}`.trim())
  },
}

let ipCounter = 0
/** Each request from its own address, so rate limits don't hide what a form does with input. */
function nextIp(): string {
  ipCounter++
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`
}

function problemWith(response: LightMyRequestResponse, route: Route): string | undefined {
  if (response.statusCode >= 500) return 'server error'
  if (/"statusCode"\s*:\s*\d{3}/.test(response.body)) return "Fastify's raw JSON error"
  const type = String(response.headers['content-type'] ?? '')
  // Files (static ones, a QR code as .svg) may fail in their own kind; pages fail with a page.
  const isFile = route.url.startsWith('/static/') || /\.\w+$/.test(route.url)
  if (response.statusCode >= 400 && !isFile) {
    if (!type.startsWith('text/html')) return `error answered as ${type || 'no content type'}`
    if (!/<title>[^<]+<\/title>/.test(response.body)) return 'error page without a title'
  }
  return undefined
}

/**
 * An anonymous visitor or a signed-in admin (a fresh one per route, so what one route does to it
 * doesn't leak into the next), with a valid CSRF token.
 */
class Visitor {
  agent!: Agent
  token = ''
  private memberId: number | undefined
  /** The last answer may have changed who this is (logged out, sessions ended, role changed). */
  private unsure = false
  readonly who: 'admin' | 'anonymous'

  constructor(who: 'admin' | 'anonymous') {
    this.who = who
  }

  async start() {
    this.agent = createAgent(app)
    if (this.who === 'admin') {
      const admin = await createMember(database.db, { role: 'admin', name: 'Fuzz Admin' })
      this.memberId = admin.id
      await signInAs(database.db, this.agent, admin.id)
    }
    this.token = (await this.agent.get('/fuzz/token')).body
    this.unsure = false
  }

  /** Still the same admin with a token for this session, or a fresh one. */
  async ensure() {
    if (!this.unsure) return
    const who = (await this.agent.get('/fuzz/whoami')).body
    const expected = this.who === 'admin' ? `${this.memberId} verified admin` : 'nobody'
    if (who !== expected) return this.start()
    // A new session (or CSRF cookie) needs a new token.
    this.token = (await this.agent.get('/fuzz/token')).body
    this.unsure = false
  }

  private async inject(route: Route, url: string, payload?: Payload) {
    const response = await app.inject({
      method: route.method as 'GET',
      url,
      remoteAddress: nextIp(),
      headers: {
        cookie: [...this.agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(payload ? { 'content-type': payload.type } : {}),
      },
      ...(payload ? { payload: payload.body(this.token) } : {}),
    })
    if (response.cookies.length > 0 || [303, 401, 403].includes(response.statusCode)) this.unsure = true
    for (const cookie of response.cookies) {
      const gone = cookie.value === '' || (cookie.expires && new Date(cookie.expires).getTime() <= Date.now())
      if (gone) this.agent.cookies.delete(cookie.name)
      else this.agent.cookies.set(cookie.name, cookie.value)
    }
    return response
  }

  async send(route: Route, url: string, input: string, payload?: Payload): Promise<void> {
    await this.ensure()
    let response = await this.inject(route, url, payload)
    // A route's own rate limit (posts per member, say) would hide what it does with the input.
    if (response.statusCode === 429) {
      await this.start()
      response = await this.inject(route, url, payload)
    }
    const routeKey = `${this.who} ${route.method} ${route.url}`
    countAnswer(routeKey, response.statusCode)
    if (response.statusCode === 403 && response.body.includes(csrfTitle)) {
      csrfRefusals.set(routeKey, (csrfRefusals.get(routeKey) ?? 0) + 1)
    }
    let detail = problemWith(response, route)
    if (detail && response.statusCode >= 500) {
      const reference = /Fehlernummer: ([\w-]+)/.exec(response.body)?.[1]
      detail += `: ${(reference && serverErrors.get(reference)) || 'nothing logged'}`
    }
    if (detail) {
      const key = `${routeKey} → ${response.statusCode} ${detail}`
      const failure = failures.get(key) ?? { inputs: [], example: url.slice(0, 160) }
      failure.inputs.push(input)
      failures.set(key, failure)
    }
  }
}

/** A concrete path for the route: real ids where the crawl or the database gave some. */
function realPath(route: Route): string {
  return fillPath(route.url, (name) => encodeURIComponent(params.candidates(route.url, name)[0] ?? '1'))
}

function formsFor(route: Route): Form[] {
  return forms.filter(
    (form) => form.method === route.method && routeFor(routes, form.method, form.action) === route,
  )
}

/**
 * The field names worth trying on the route: those it reads (its schema's, or without one its
 * forms'), and beside them all at once its forms' and the generic ones.
 */
function fieldsFor(route: Route): { own: string[]; all: string[] } {
  const declared = route.method === 'GET' ? route.queryFields : route.bodyFields
  const inForms = formsFor(route).flatMap((form) => Object.keys(form.fields))
  const own = [...new Set(declared.length > 0 ? declared : inForms)]
  return { own, all: [...new Set([...own, ...inForms, ...genericFields])] }
}

function baseValues(route: Route): Record<string, string> {
  return Object.assign({}, ...formsFor(route).map((form) => form.fields))
}

function encodeWith(base: Record<string, string>, fuzzed: string[], value: FuzzValue): string {
  const rest = Object.fromEntries(Object.entries(base).filter(([name]) => !fuzzed.includes(name)))
  const parts = [encodeForm(rest), ...fuzzed.map((name) => `${enc(name)}=${value.encoded}`)]
  return parts.filter(Boolean).join('&')
}

/** A body to send; made once the visitor's CSRF token for the request is known. */
interface Payload {
  type: string
  body: (token: string) => string | Buffer
}

function formBody(encoded: string): Payload {
  return { type: 'application/x-www-form-urlencoded', body: (token) => `_csrf=${enc(token)}&${encoded}` }
}

async function fuzzRoute(route: Route, visitor: Visitor) {
  await visitor.start()
  const post = route.method !== 'GET'
  // Where the trust gate sends the visitor away, a few inputs show that it does so with any input.
  const thorough = visitor.who === 'admin' || route.access === 'public'
  const some = <T>(list: T[]) => (thorough ? list : list.filter((_item, index) => index % 4 === 0))
  const generic = post ? formBody('x=1') : undefined
  for (const value of some(route.params.length > 0 ? paramValues : [])) {
    await visitor.send(
      route,
      fillPath(route.url, () => value),
      `path parameter ${value.slice(0, 20)}`,
      generic,
    )
  }
  const path = realPath(route)
  const { own, all } = fieldsFor(route)
  const base = baseValues(route)
  // A route that reads no query (or body) gets a few values only: the edge ignores the rest alike.
  const values = post ? fieldValues : queryValues
  for (const value of own.length > 0 ? some(values) : values.filter((_item, index) => index % 4 === 0)) {
    // Every field at once, then (for the fields the route really reads) one at a time.
    const groups = [all, ...(thorough && !value.everyFieldOnly ? own.map((field) => [field]) : [])]
    for (const fields of groups) {
      const encoded = encodeWith(base, fields, value)
      const input = `${fields.length === 1 ? fields[0] : 'every field'} = ${value.name}`
      if (post) await visitor.send(route, path, input, formBody(encoded))
      else await visitor.send(route, `${path}?${encoded}`, input)
    }
  }
  if (!post) return
  // Raw bytes that are not UTF-8, a body over the limit, JSON of the wrong shape, an unknown type.
  const names = all.map(enc)
  const bodies: [string, Payload][] = [
    [
      'raw invalid UTF-8 bytes',
      {
        type: 'application/x-www-form-urlencoded',
        body: (token) =>
          Buffer.concat([
            Buffer.from(`_csrf=${enc(token)}&${names.map((n) => `${n}=`).join('x&')}`),
            Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00]),
          ]),
      },
    ],
    ['body of 1 MB', formBody(`${names[0]}=${'x'.repeat(1024 * 1024)}`)],
    ...(
      [
        ['objects', { a: { b: 1 } }],
        ['arrays of numbers', [1, 2]],
        ['numbers', 2147483648],
        ['null', null],
      ] as const
    ).map(([label, inner]): [string, Payload] => [
      `JSON body with ${label}`,
      {
        type: 'application/json',
        body: (token) =>
          JSON.stringify(Object.fromEntries([['_csrf', token], ...all.map((name) => [name, inner])])),
      },
    ]),
    ['body as text/plain', { type: 'text/plain', body: () => 'a=1' }],
  ]
  for (const [input, payload] of some(bodies)) await visitor.send(route, path, input, payload)
}

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(
    database.db,
    { LOG_LEVEL: 'error' },
    {
      loggerStream: errorLog,
      extraRoutes: async (site) => {
        const open = { config: { access: 'public' as const } }
        site.get('/fuzz/token', open, async (_request, reply) =>
          reply.type('text/plain').send(reply.generateCsrf()),
        )
        site.get('/fuzz/whoami', open, async (request, reply) => {
          const member = request.member
          return reply
            .type('text/plain')
            .send(member ? `${member.id} ${member.status} ${member.role}` : 'nobody')
        })
      },
    },
  )
  await loadDemoData(database.db)
  routes = routesOf(app).filter((route) => !route.url.startsWith('/fuzz/'))

  const admin = await createMember(database.db, { role: 'admin', name: 'Crawling Admin' })
  const adminAgent = createAgent(app)
  await signInAs(database.db, adminAgent, admin.id)
  const seen = await crawl(adminAgent, '/', 300)
  const anonymous = createAgent(app)
  const publicPages = await crawl(anonymous, '/', 100)
  for (const start of ['/login', '/register', '/password/forgot']) {
    publicPages.forms.push(...(await crawl(anonymous, start, 5)).forms)
  }
  forms.push(...seen.forms, ...publicPages.forms)
  crawlFailures.push(...seen.failed, ...publicPages.failed)
  params.learn(routes, [...seen.pages, ...publicPages.pages, ...forms.map((form) => form.action)])
  // Rows no page links to still have ids: a GET route no page linked to gets the first the admin
  // can open, and the routes below it (its POST actions) learn that value too.
  params.add('id', await idsOfEveryTable(database.db))
  for (const route of routes.filter((r) => r.method === 'GET' && r.params.length > 0)) {
    params.learn(routes, await openableUrls(adminAgent, route, params, seen.pages, 1))
  }
}, 600_000)

afterAll(async () => {
  await app?.close()
  await database?.drop()
})

/** Cases that still fail (route, input): each is a bug to fix in its feature. None at the moment. */
const knownFailures: string[] = []

describe('the fuzz of every route', () => {
  it('finds the routes and the forms (the test can fail)', () => {
    expect(routes.length).toBeGreaterThan(50)
    expect(routes.some((route) => route.url === '/t/:id/posts' && route.method === 'POST')).toBe(true)
    expect(forms.length).toBeGreaterThan(20)
    expect(params.candidates('/t/:id/posts', 'id').length).toBeGreaterThan(0)
  })

  it('answers every broken input with a page, never a 500', async () => {
    for (const route of routes) {
      for (const who of ['admin', 'anonymous'] as const) await fuzzRoute(route, new Visitor(who))
    }
    const report = [
      ...crawlFailures.map((line) => `crawl GET ${line}`),
      ...[...failures].map(
        ([key, { inputs, example }]) =>
          `${key} (${inputs.length}×: ${inputs.slice(0, 3).join('; ')}; e.g. ${example})`,
      ),
    ]
    const requests = [...answers.values()]
      .flatMap((counts) => [...counts.values()])
      .reduce((a, b) => a + b, 0)
    console.info(`fuzz: ${requests} requests to ${routes.length} routes`)
    const unexpected = report.filter((line) => !knownFailures.some((known) => line.includes(known)))
    if (report.length > 0)
      console.info(
        [...answers]
          .map(([key, counts]) => `${key}: ${[...counts].map(([status, n]) => `${status}×${n}`).join(' ')}`)
          .join('\n'),
      )
    if (report.length > 0) console.info(`fuzz failures (${report.length}):\n${report.join('\n')}`)
    expect(unexpected).toEqual([])
  }, 900_000)

  it('got bodies past the CSRF check and the trust gate (the fuzz reached the handlers)', () => {
    for (const route of routes.filter((r) => r.method === 'POST')) {
      const key = `admin POST ${route.url}`
      expect(answers.get(key), route.url).toBeDefined()
      // Only the text/plain body, which carries no token, is refused.
      expect(csrfRefusals.get(key) ?? 0, route.url).toBeLessThanOrEqual(1)
    }
  })
})
