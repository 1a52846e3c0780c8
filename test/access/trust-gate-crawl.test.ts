// The trust gate, proven from the outside: a verified member (here an admin, who sees the
// most) crawls every page reachable from the home page of a forum full of demo data whose
// titles, bodies and names carry a unique marker. To the pages found that way come all GET routes
// of the app (taken from the app itself, with ids of real rows filled in), so a new page is
// checked without anyone listing it. Then every URL is requested as anonymous, as each unverified
// status and as a suspended member: no response may contain the marker, any member's name or a
// count of member content — not in the body, the headers or the title.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MemberStatus } from '../../src/db/schema.ts'
import { loadDemoData } from '../../src/features/accounts/operator.ts'
import { hashToken } from '../../src/features/accounts/tokens.ts'
import * as guests from '../../src/features/guests/guests.service.ts'
import {
  reportMessage,
  sendMessage,
  startConversation,
} from '../../src/features/messages/messages.service.ts'
import { hidePost } from '../../src/features/moderation/reports.repository.ts'
import { attachFileToPost, photoWithGps } from '../attachments/helpers.ts'
import { asCurrent, createThread, reply } from '../discussions/helpers.ts'
import { createGroupWithRoom } from '../groups/helpers.ts'
import { type Agent, createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import {
  crawl,
  fillPath,
  idsOfEveryTable,
  matchPath,
  openableUrls,
  ParamValues,
  type Route,
  routesOf,
} from '../helpers/routes.ts'

const marker = 'QXZ7MARKER'
/** In everything of a closed group (invitation only, the admin in it): name, Themenraum, thread, posts. */
const groupMarker = 'GRPZ8MARKER'
/** In a reply the moderation hid: its author and the staff read it, other members see the placeholder. */
const hiddenMarker = 'HIDZ9MARKER'
/** In a direct conversation of the admin (and in a reported message of it): for its participants only. */
const dmMarker = 'DMZ6MARKER'
/** In the one thread a guest is invited into (its title, posts, author): the guest sees it there only. */
const guestMarker = 'GSTZ4MARKER'
/** Values tried per route parameter (the crawl usually knows many; a few real ones suffice). */
const valuesPerParam = 3

let database: TestDatabase
let app: FastifyInstance
let admin: Agent
let routes: Route[] = []
let crawled: string[] = []
let crawlFailures: string[] = []
/** Every URL the unverified visitors request: the crawl's plus one or more per GET route. */
let urls: string[] = []
/** GET routes requested without a URL the admin could open (reported, not failed). */
const guessed: string[] = []
let names: string[] = []
/** The closed group's thread: a member outside the group gets its 404. */
let groupThreadId = 0
/** The thread with a hidden reply (moderation). */
let hiddenThreadId = 0
/** The admin's direct conversation (messages). */
let conversationId = 0
/** The thread with a guest (guests feature), and the guest's member id. */
let guestThreadId = 0
let guestMemberId = 0

// "3 neue Themen", "12 Beiträge", "5 Mitglieder": numbers that tell an outsider about the inside.
const contentCount =
  /\b\d+\s+(?:neue[ns]?\s+|ungelesene\s+)?(?:Themen|Thema|Beiträge|Beitrag|Antworten|Antwort|Mitglieder|Mitglied|Benachrichtigungen|new\s+threads?|posts?|replies|members?)\b/i

/** URLs for a GET route; without one the admin can open (a mail link's token), one anyway. */
async function urlsFor(route: Route, params: ParamValues): Promise<string[]> {
  const found = await openableUrls(admin, route, params, crawled, valuesPerParam)
  if (found.length > 0) return found
  guessed.push(route.url)
  return [
    fillPath(route.url, (name) => encodeURIComponent(params.candidates(route.url, name)[0] ?? 'unbekannt')),
  ]
}

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  await loadDemoData(database.db, { marker })
  const adminRow = await createMember(database.db, { role: 'admin', name: `Ada Admin ${marker}` })
  admin = createAgent(app)
  await signInAs(database.db, admin, adminRow.id)
  await createClosedGroup(asCurrent(adminRow))
  hiddenThreadId = await createHiddenPost()
  await attachMarkedFiles()
  conversationId = await createConversation(asCurrent(adminRow))
  await createGuestThread(asCurrent(adminRow))
  const result = await crawl(admin)
  crawled = result.pages
  crawlFailures = result.failed
  routes = routesOf(app).filter((route) => route.method === 'GET' && !route.url.startsWith('/static/'))
  const params = new ParamValues()
    .learn(routes, [...crawled, ...result.forms.map((form) => form.action)])
    .add('id', await idsOfEveryTable(database.db))
  const fromRoutes: string[] = []
  for (const route of routes) {
    fromRoutes.push(...(await urlsFor(route, params)))
  }
  // The thread page's windows (?after= the next window, ?at= the one holding a post) of the threads
  // whose replies carry their own marker: the same visibility rule must hold in every window.
  const windows = [...(await windowUrls(groupThreadId)), ...(await windowUrls(hiddenThreadId))]
  urls = [...new Set([...crawled, ...fromRoutes, ...windows])]
  console.info(
    `trust-gate crawl: ${crawled.length} pages crawled, ${urls.length} URLs for ${routes.length} GET routes`,
  )
  names = (await database.db.selectFrom('members').select('name').execute()).map((m) => m.name)
}, 600_000)

/** A closed group whose every marker the admin (its creator, so a member) sees while crawling. */
async function createClosedGroup(groupAdmin: ReturnType<typeof asCurrent>) {
  const group = await createGroupWithRoom(database.db, groupAdmin, {
    name: `Arbeitsgruppe ${groupMarker} ${marker}`,
    room: `Themenraum ${groupMarker} ${marker}`,
    description: `Beschreibung ${groupMarker} ${marker}`,
    joinMode: 'invitation',
  })
  const { threadId, openingPostId } = await createThread(database.db, groupAdmin, {
    title: `Thema ${groupMarker} ${marker}`,
    category: group.slug,
    tags: 'gruppenschlagwort',
    body: `Text ${groupMarker} ${marker}`,
  })
  await reply(database.db, groupAdmin, threadId, openingPostId, `Antwort ${groupMarker} ${marker}`)
  // A file in the group: its name must stay inside too (thread page, organisation page, /files).
  await attachFileToPost(
    database.db,
    { id: openingPostId, authorId: groupAdmin.id },
    {
      name: `Gruppenpapier ${groupMarker} ${marker}.txt`,
      content: Buffer.from(`Intern ${groupMarker}\n`),
      mediaType: 'text/plain',
    },
  )
  groupThreadId = threadId
}

/**
 * A thread by a member outside the demo data with a guest in it, approved by the admin and
 * accepted (the mail's token replaced by one the test knows). Its marker is the guest's to see.
 */
async function createGuestThread(moderator: ReturnType<typeof asCurrent>) {
  const author = asCurrent(await createMember(database.db, { name: `Gerda Gastgeberin ${guestMarker}` }))
  const { threadId, openingPostId } = await createThread(database.db, author, {
    title: `Thema mit Gast ${guestMarker}`,
    body: `Text ${guestMarker}`,
  })
  await reply(database.db, author, threadId, openingPostId, `Antwort ${guestMarker}`)
  const email = 'gast@uni-crawl.example'
  await guests.propose(
    database.db,
    author,
    threadId,
    { email, name: `Prof. Gast ${guestMarker}`, organisation: 'Universität Crawl', reason: 'Forschung' },
    {},
  )
  const proposal = await database.db
    .selectFrom('thread_guests')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow()
  await guests.decide(database.db, moderator, proposal.id, 'approve', 90)
  const token = 'G'.repeat(43)
  await database.db
    .updateTable('thread_guests')
    .set({ token_hash: hashToken(token) })
    .where('id', '=', proposal.id)
    .execute()
  await guests.accept(database.db, token, 'Gast-Passwort-sehr-lang-7', 90)
  const guest = await database.db
    .selectFrom('members')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow()
  guestThreadId = threadId
  guestMemberId = guest.id
}

/** A thread's window URLs: the window after its opening post and the one holding its last reply. */
async function windowUrls(threadId: number): Promise<string[]> {
  const posts = await database.db
    .selectFrom('posts')
    .select(['id', 'depth'])
    .where('thread_id', '=', threadId)
    .orderBy('id')
    .execute()
  const opening = posts.find((post) => post.depth === 0)!.id
  return [`/t/${threadId}?after=${opening}`, `/t/${threadId}?at=${posts.at(-1)!.id}`]
}

/** A document and a photo on a demo post, the marker in their names and the document: files join the crawl. */
async function attachMarkedFiles() {
  const post = await database.db
    .selectFrom('posts')
    .select(['id', 'author_id as authorId'])
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .executeTakeFirstOrThrow()
  await attachFileToPost(database.db, post, {
    name: `Konzept ${marker}.txt`,
    content: Buffer.from(`Intern ${marker}\n`),
    mediaType: 'text/plain',
  })
  await attachFileToPost(database.db, post, {
    name: `Foto ${marker}.png`,
    content: await photoWithGps('png'),
    mediaType: 'image/png',
    image: true,
  })
}

/** A reply with the hidden marker, hidden by the moderation (the admin crawling sees its text). */
async function createHiddenPost(): Promise<number> {
  const author = asCurrent(await createMember(database.db, { name: `Hanna Verborgen ${marker}` }))
  const { threadId, openingPostId } = await createThread(database.db, author, {
    title: `Thema mit Ausgeblendetem ${marker}`,
  })
  const postId = await reply(
    database.db,
    author,
    threadId,
    openingPostId,
    `Ausgeblendet ${hiddenMarker} ${marker}`,
  )
  await hidePost(database.db, postId, null, 'Prüfung durch die Moderation')
  return threadId
}

/** A conversation of the admin with a member; the member reports one of the admin's messages. */
async function createConversation(participant: ReturnType<typeof asCurrent>): Promise<number> {
  const other = asCurrent(await createMember(database.db, { name: `Dirk Direkt ${marker}` }))
  const id = await startConversation(database.db, other, {
    to: [participant.id],
    body: `Persönlich ${dmMarker} ${marker}`,
    formKey: '',
  })
  const message = await sendMessage(database.db, participant, id, {
    body: `Antwort ${dmMarker} ${marker}`,
    formKey: '',
  })
  await reportMessage(database.db, other, id, message, { reason: 'other', text: `Meldung ${dmMarker}` })
  return id
}

afterAll(async () => {
  await app?.close()
  await database?.drop()
})

function leakIn(response: { body: string; headers: Record<string, unknown> }): string | undefined {
  const headers = JSON.stringify(response.headers)
  for (const needle of [marker, guestMarker, ...names]) {
    if (response.body.includes(needle) || headers.includes(needle)) return `"${needle}"`
  }
  const text = response.body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')
  return contentCount.exec(text)?.[0]
}

type Get = (url: string, headers: Record<string, string>) => Promise<LightMyRequestResponse>

/** For a verified member outside the closed group: names and counts are theirs to see, the group not. */
function groupLeakIn(response: { body: string; headers: Record<string, unknown> }): string | undefined {
  const seen = `${response.body}${JSON.stringify(response.headers)}`.includes(groupMarker)
  return seen ? `"${groupMarker}"` : undefined
}

/** Every URL, as a page and as an htmx request: what answered 5xx or showed something inside. */
async function leaksFor(who: string, get: Get, leakOf = leakIn): Promise<string[]> {
  const found: string[] = []
  for (const url of urls) {
    for (const htmx of [false, true]) {
      const response = await get(url, htmx ? { 'hx-request': 'true' } : {})
      const as = `${url} as ${who}${htmx ? ' (htmx)' : ''}`
      if (response.statusCode >= 500) found.push(`${as} → ${response.statusCode}`)
      const leak = leakOf(response)
      if (leak) found.push(`${as} leaks ${leak}`)
    }
  }
  return found
}

describe('the trust gate', () => {
  it('the crawl saw the member pages with the marker (the test can fail)', async () => {
    expect(crawlFailures).toEqual([])
    expect(crawled.length).toBeGreaterThan(10)
    const agent = createAgent(app)
    await signInAs(database.db, agent, (await createMember(database.db)).id)
    const home = await agent.get('/')
    expect(home.statusCode).toBe(200)
    const threadPages = crawled.filter(
      (url) =>
        /^\/t\/\d+/.test(url) &&
        ![groupThreadId, guestThreadId].includes(Number(/^\/t\/(\d+)/.exec(url)?.[1])),
    )
    expect(threadPages.length).toBeGreaterThan(0)
    expect((await agent.get(threadPages[0]!)).body).toContain(marker)
    // The leak check itself recognises names, the marker and counts.
    expect(leakIn({ body: '<p>12 neue Themen</p>', headers: {} })).toBe('12 neue Themen')
    expect(leakIn({ body: `<li>${names[0]}</li>`, headers: {} })).toBeDefined()
  })

  it('requests every GET route of the app', () => {
    for (const route of routes) {
      expect(
        urls.some((url) => matchPath(route.url, url)),
        route.url,
      ).toBe(true)
    }
  })

  it('anonymous visitors get nothing from any URL', async () => {
    const leaks = await leaksFor('anonymous', (url, headers) => app.inject({ url, headers }))
    expect(leaks).toEqual([])
  }, 300_000)

  it('a verified member outside a closed group sees nothing of it on any URL', async () => {
    // The crawl reached the group's pages (as its admin, who sees the marker there).
    expect(urls).toContain(`/t/${groupThreadId}`)
    expect((await admin.get(`/t/${groupThreadId}`)).body).toContain(groupMarker)
    for (const url of await windowUrls(groupThreadId)) {
      expect(urls).toContain(url)
      expect((await admin.get(url, { 'hx-request': 'true' })).body, url).toContain(groupMarker)
    }
    const groupPage = crawled.find((url) => /^\/groups\/\d+$/.test(url))
    expect(groupPage && (await admin.get(groupPage)).body).toContain(groupMarker)
    const agent = createAgent(app)
    await signInAs(database.db, agent, (await createMember(database.db)).id)
    const get: Get = (url, headers) => agent.get(url, headers)
    expect(await leaksFor('member outside the group', get, groupLeakIn)).toEqual([])
  }, 300_000)

  it('another verified member sees only the placeholder of a hidden post, on every URL', async () => {
    expect(urls).toContain(`/t/${hiddenThreadId}`)
    expect((await admin.get(`/t/${hiddenThreadId}`)).body).toContain(hiddenMarker)
    const agent = createAgent(app)
    await signInAs(database.db, agent, (await createMember(database.db)).id)
    expect((await agent.get(`/t/${hiddenThreadId}`)).body).toContain(
      'Von der Moderation ausgeblendet: Prüfung durch die Moderation',
    )
    const hiddenLeakIn = (response: { body: string; headers: Record<string, unknown> }) =>
      `${response.body}${JSON.stringify(response.headers)}`.includes(hiddenMarker)
        ? `"${hiddenMarker}"`
        : undefined
    const get: Get = (url, headers) => agent.get(url, headers)
    expect(await leaksFor('another member', get, hiddenLeakIn)).toEqual([])
  }, 300_000)

  it('a verified member who takes no part in a conversation gets its 404 and sees it on no URL', async () => {
    expect(urls).toContain(`/messages/${conversationId}`)
    expect((await admin.get(`/messages/${conversationId}`)).body).toContain(dmMarker)
    expect((await admin.get('/moderation/messages')).body).toContain(dmMarker)
    const agent = createAgent(app)
    await signInAs(database.db, agent, (await createMember(database.db)).id)
    const missing = await agent.get('/messages/2147483647')
    for (const url of urls.filter((u) => u.startsWith(`/messages/${conversationId}`))) {
      const response = await agent.get(url)
      expect(response.statusCode, url).toBe(404)
      expect(response.body.replace(/name="csrf-token" content="[^"]+"/, ''), url).toBe(
        missing.body.replace(/name="csrf-token" content="[^"]+"/, ''),
      )
    }
    const dmLeakIn = (response: { body: string; headers: Record<string, unknown> }) =>
      `${response.body}${JSON.stringify(response.headers)}`.includes(dmMarker) ? `"${dmMarker}"` : undefined
    const get: Get = (url, headers) => agent.get(url, headers)
    expect(await leaksFor('member outside the conversation', get, dmLeakIn)).toEqual([])
  }, 300_000)

  it('a guest sees their one thread and no other marker on any URL', async () => {
    // The crawl reached the guest's thread (as the admin, who sees every thread).
    expect(urls).toContain(`/t/${guestThreadId}`)
    const agent = createAgent(app)
    await signInAs(database.db, agent, guestMemberId)
    const own = await agent.get(`/t/${guestThreadId}`)
    expect(own.statusCode).toBe(200)
    expect(own.body).toContain(guestMarker)
    const threadPosts = await database.db
      .selectFrom('posts')
      .select('id')
      .where('thread_id', '=', guestThreadId)
      .execute()
    const ownUrl = (url: string) =>
      url === `/t/${guestThreadId}` ||
      url.startsWith(`/t/${guestThreadId}?`) ||
      url.startsWith(`/t/${guestThreadId}/unread`) ||
      threadPosts.some((post) => url === `/p/${post.id}` || url.startsWith(`/p/${post.id}/reply`))
    const others = [marker, groupMarker, hiddenMarker, dmMarker]
    const found: string[] = []
    for (const url of urls) {
      for (const htmx of [false, true]) {
        const response = await agent.get(url, htmx ? { 'hx-request': 'true' } : {})
        const as = `${url} as guest${htmx ? ' (htmx)' : ''}`
        const seen = `${response.body}${JSON.stringify(response.headers)}`
        if (response.statusCode >= 500) found.push(`${as} → ${response.statusCode}`)
        for (const needle of others) if (seen.includes(needle)) found.push(`${as} leaks "${needle}"`)
        if (!ownUrl(url) && seen.includes(guestMarker)) found.push(`${as} shows the thread outside it`)
      }
    }
    expect(found).toEqual([])
  }, 300_000)

  const statuses: MemberStatus[] = [
    'pending_email',
    'pending_review',
    'rejected',
    'suspended',
    'expired',
    'left',
  ]
  for (const status of statuses) {
    it(`a ${status} member gets nothing from any URL`, async () => {
      const person = await createMember(database.db, { status, name: `Unverified ${status} ${marker}` })
      names.push(person.name)
      const agent = createAgent(app)
      await signInAs(database.db, agent, person.id)
      const leaks = await leaksFor(status, (url, headers) => agent.get(url, headers))
      expect(leaks).toEqual([])
    }, 300_000)
  }
})
