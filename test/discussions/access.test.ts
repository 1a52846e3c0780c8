// Everything in the discussions is member-only: anonymous visitors go to the login, members
// who are not verified (yet) to their status page, and neither sees any member content.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MemberStatus } from '../../src/db/schema.ts'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { createThread, reply, signedInMember } from './helpers.ts'

let database: TestDatabase
let app: FastifyInstance
let routes: [string, string][]
const secretTitle = 'Streng geheimer Themen-Titel'
const secretBody = 'Nur für Mitglieder bestimmter Beitrag'

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  const { current } = await signedInMember(database.db, app, { name: 'Geheime Autorin' })
  const { threadId, openingPostId } = await createThread(database.db, current, {
    title: secretTitle,
    body: secretBody,
    category: 'ki',
  })
  const replyId = await reply(database.db, current, threadId, openingPostId, secretBody)
  const t = threadId
  const p = replyId
  routes = [
    ['GET', '/c/ki'],
    ['GET', '/t/new'],
    ['GET', `/t/${t}`],
    ['GET', `/t/${t}/unread`],
    ['GET', `/p/${p}`],
    ['GET', `/p/${p}/reply`],
    ['GET', `/p/${p}/edit`],
    ['GET', `/p/${p}/delete`],
    ['GET', `/p/${p}/revisions`],
    ['GET', '/notifications'],
    ['GET', '/notifications/bell'],
    ['GET', '/notifications/1'],
    ['GET', '/mentions?q=Geheim'],
    ['GET', '/admin/categories'],
    ['GET', '/admin/categories/1'],
    ['POST', '/t'],
    ['POST', `/t/${t}/posts`],
    ['POST', `/t/${t}/follow`],
    ['POST', `/t/${t}/stage`],
    ['POST', `/t/${t}/lock`],
    ['POST', `/p/${p}/edit`],
    ['POST', `/p/${p}/delete`],
    ['POST', `/p/${p}/helpful`],
    ['POST', '/p/helpful'],
    ['POST', '/preview'],
    ['POST', '/notifications/read'],
    ['POST', '/admin/categories'],
    ['POST', '/admin/categories/1'],
    ['POST', '/admin/categories/1/move'],
    ['POST', '/admin/categories/1/archive'],
  ]
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

function expectNoMemberContent(body: string) {
  expect(body).not.toContain(secretTitle)
  expect(body).not.toContain(secretBody)
  expect(body).not.toContain('Geheime Autorin')
}

describe('anonymous visitors', () => {
  it('are sent to the login from every discussions route and see nothing', async () => {
    for (const [method, url] of routes) {
      const response = await app.inject({
        method: method as 'GET' | 'POST',
        url,
        payload: method === 'POST' ? 'body=x&title=y' : undefined,
        headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      })
      if (response.statusCode === 401) {
        // A content form's text is carried into the sign-in page (features/drafts, carried-text.ts):
        // the sign-in form itself, holding only what was sent.
        expect(response.body, `${method} ${url}`).toContain('action="/login"')
        expect(response.body, `${method} ${url}`).toContain('name="carry_key"')
      } else {
        expect(response.statusCode, `${method} ${url}`).toBe(303)
        expect(response.headers.location, `${method} ${url}`).toMatch(/^\/login\?next=/)
      }
      expectNoMemberContent(response.body)
    }
  })

  it('asking with htmx get an HX-Redirect to the login', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/notifications/bell',
      headers: { 'hx-request': 'true' },
    })
    expect(response.statusCode).toBe(204)
    expect(response.headers['hx-redirect']).toMatch(/^\/login/)
  })

  it('get the public landing page at /, without categories or threads', async () => {
    const response = await app.inject('/')
    expect(response.statusCode).toBe(200)
    expectNoMemberContent(response.body)
    expect(response.body).not.toContain('/c/ki')
  })
})

describe('members who are not verified', () => {
  const statuses: MemberStatus[] = ['pending_email', 'pending_review', 'rejected', 'suspended', 'expired']

  it('are sent to their status page from every discussions route', async () => {
    for (const status of statuses) {
      const member = await createMember(database.db, { status })
      const agent = createAgent(app)
      await signInAs(database.db, agent, member.id)
      for (const [method, url] of routes) {
        const response =
          method === 'GET' ? await agent.get(url) : await agent.post(url, { body: 'x', title: 'y' })
        expect(response.statusCode, `${status} ${method} ${url}`).toBe(303)
        expect(response.headers.location, `${status} ${method} ${url}`).toBe('/status')
        expectNoMemberContent(response.body)
      }
      const home = await agent.get('/')
      expectNoMemberContent(home.body)
    }
  })
})

describe('verified members', () => {
  it('get member pages that are neither cached nor indexed', async () => {
    const { agent } = await signedInMember(database.db, app)
    const page = await agent.get('/c/ki')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(secretTitle)
    expect(page.headers['cache-control']).toBe('private, no-store')
    expect(page.headers['x-robots-tag']).toContain('noindex')
  })
})
