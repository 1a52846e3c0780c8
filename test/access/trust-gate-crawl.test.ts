// The trust gate, proven from the outside: a verified member (here an admin, who sees the
// most) crawls every page reachable from the home page of a forum full of demo data whose
// titles, bodies and names carry a unique marker. Then every URL found is requested as
// anonymous, as each unverified status and as a suspended member: no response may contain
// the marker or any member's name — not in the body, the headers or the title.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MemberStatus } from '../../src/db/schema.ts'
import { loadDemoData } from '../../src/features/accounts/operator.ts'
import { type Agent, createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

const marker = 'QXZ7MARKER'
const maxPages = 400

let database: TestDatabase
let app: FastifyInstance
let crawled: string[] = []
let names: string[] = []

function linksIn(html: string): string[] {
  const links = new Set<string>()
  for (const match of html.matchAll(/(?:href|hx-get)="([^"]+)"/g)) {
    const raw = match[1]!.replace(/&amp;/g, '&')
    if (!raw.startsWith('/') || raw.startsWith('//')) continue
    const url = raw.split('#')[0]!
    if (!url || url.startsWith('/static/') || url.startsWith('/dev/')) continue
    links.add(url)
  }
  return [...links]
}

async function crawl(agent: Agent): Promise<string[]> {
  const seen = new Set<string>(['/'])
  const queue = ['/']
  const pages: string[] = []
  while (queue.length > 0 && pages.length < maxPages) {
    const url = queue.shift()!
    const response = await agent.get(url)
    if (response.statusCode >= 500) throw new Error(`${url} answered ${response.statusCode}`)
    pages.push(url)
    if (!String(response.headers['content-type']).includes('text/html')) continue
    for (const link of linksIn(response.body)) {
      if (!seen.has(link)) {
        seen.add(link)
        queue.push(link)
      }
    }
  }
  return pages
}

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  await loadDemoData(database.db, { marker })
  const admin = await createMember(database.db, { role: 'admin', name: `Ada Admin ${marker}` })
  const agent = createAgent(app)
  await signInAs(database.db, agent, admin.id)
  crawled = await crawl(agent)
  console.info(`trust-gate crawl: ${crawled.length} pages`)
  names = (await database.db.selectFrom('members').select('name').execute()).map((m) => m.name)
}, 120_000)

afterAll(async () => {
  await app?.close()
  await database?.drop()
})

function assertNothingLeaks(
  url: string,
  who: string,
  response: { body: string; headers: Record<string, unknown> },
) {
  const headers = JSON.stringify(response.headers)
  for (const needle of [marker, ...names]) {
    if (response.body.includes(needle) || headers.includes(needle)) {
      throw new Error(`${url} as ${who} leaks "${needle}"`)
    }
  }
}

describe('the trust gate', () => {
  it('the crawl saw the member pages with the marker (the test can fail)', async () => {
    expect(crawled.length).toBeGreaterThan(10)
    const agent = createAgent(app)
    await signInAs(database.db, agent, (await createMember(database.db)).id)
    const home = await agent.get('/')
    expect(home.statusCode).toBe(200)
    const threadPages = crawled.filter((url) => /^\/t\/\d+/.test(url))
    expect(threadPages.length).toBeGreaterThan(0)
    expect((await agent.get(threadPages[0]!)).body).toContain(marker)
  })

  it('anonymous visitors get nothing from any crawled URL', async () => {
    for (const url of crawled) {
      for (const headers of [{}, { 'hx-request': 'true' }]) {
        const response = await app.inject({ url, headers })
        expect(response.statusCode, url).toBeLessThan(500)
        assertNothingLeaks(url, 'anonymous', response)
      }
    }
  })

  const statuses: MemberStatus[] = ['pending_email', 'pending_review', 'rejected', 'suspended', 'expired']
  for (const status of statuses) {
    it(`a ${status} member gets nothing from any crawled URL`, async () => {
      const person = await createMember(database.db, { status, name: `Unverified ${status} ${marker}` })
      names.push(person.name)
      const agent = createAgent(app)
      await signInAs(database.db, agent, person.id)
      for (const url of crawled) {
        const response = await agent.get(url)
        expect(response.statusCode, url).toBeLessThan(500)
        assertNothingLeaks(url, status, response)
      }
    })
  }
})
