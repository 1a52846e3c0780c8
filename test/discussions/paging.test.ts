// Paging inside threads: the thread page function's windows (thread-page.v4.sql), the page and
// its htmx fragment for the next window, permalinks into a window, a reply that sends only the
// new post, and the bytes per post. Against the real PostgreSQL.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import type { Db } from '../../src/db/database.ts'
import { openThread } from '../../src/features/discussions/discussions.service.ts'
import { loadThreadPage, type PostView } from '../../src/features/discussions/thread-page.ts'
import type { Agent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { clock, createThread, htmx, signedInMember } from './helpers.ts'

let database: TestDatabase
let app: FastifyInstance
let author: { current: CurrentMember; agent: Agent }
let reader: { current: CurrentMember; agent: Agent }

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  author = await signedInMember(database.db, app, { name: 'Anna Autorin' })
  reader = await signedInMember(database.db, app, { name: 'Lena Leserin' })
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

const body =
  'Wir haben im letzten Jahr einen ersten Versuch mit drei Fachbereichen gestartet. Die größte Hürde war nicht die Technik, sondern die Abstimmung mit dem Personalrat. Unser IT-Dienstleister betreibt die Lösung inzwischen im kommunalen Rechenzentrum.'

/** Inserts a reply below `parentId` straight into the table (fast for big threads); its id. */
async function insertReply(db: Db, threadId: number, parentId: number, authorId: number): Promise<number> {
  const result = await sql<{ id: number }>`
    with n as (select nextval(pg_get_serial_sequence('posts', 'id'))::int as id)
    insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at)
    select n.id, ${threadId}, ${authorId}, p.id, p.path || n.id, p.depth + 1, ${body}, ${`<p>${body}</p>`}, now()
    from n, posts p where p.id = ${parentId}
    returning id`.execute(db)
  return result.rows[0]!.id
}

async function countReplies(db: Db, threadId: number): Promise<void> {
  await sql`update threads set reply_count = (select count(*) - 1 from posts where thread_id = ${threadId}),
    last_post_id = (select max(id) from posts where thread_id = ${threadId}) where id = ${threadId}`.execute(
    db,
  )
}

/** A thread of `count` top-level replies by the author, each with `children` replies below it. */
async function bigThread(count: number, children = 0) {
  const { threadId, openingPostId } = await createThread(database.db, author.current)
  const top: number[] = []
  for (let i = 0; i < count; i++) {
    const id = await insertReply(database.db, threadId, openingPostId, author.current.id)
    top.push(id)
    for (let k = 0; k < children; k++) await insertReply(database.db, threadId, id, author.current.id)
  }
  await countReplies(database.db, threadId)
  return { threadId, openingPostId, top }
}

const ids = (posts: PostView[]): number[] => posts.flatMap((p) => [p.id, ...ids(p.children)])
const small = { size: 3, max: 5 }

describe('the windows of a thread', () => {
  // Opening O; A (A1, A2), B (B1 … B5), C, D: in display order A A1 A2 B B1 … B5 C D.
  let t: {
    threadId: number
    A: number
    A1: number
    A2: number
    B: number
    Bs: number[]
    C: number
    D: number
  }
  beforeAll(async () => {
    const db = database.db
    const { threadId, openingPostId } = await createThread(db, author.current)
    const add = (parent: number) => insertReply(db, threadId, parent, author.current.id)
    const A = await add(openingPostId)
    const A1 = await add(A)
    const A2 = await add(A)
    const B = await add(openingPostId)
    const Bs: number[] = []
    for (let i = 0; i < 5; i++) Bs.push(await add(B))
    const C = await add(openingPostId)
    const D = await add(openingPostId)
    await countReplies(db, threadId)
    t = { threadId, A, A1, A2, B, Bs, C, D }
  })

  const load = (window: { after?: number; at?: number }) =>
    loadThreadPage(database.db, reader.current, t.threadId, 'de', { ...small, ...window })

  it('opens with the opening post and the first replies, ending where a top-level subtree ends', async () => {
    const page = await load({})
    expect(page.tree.opening).toBeDefined()
    expect(ids(page.tree.replies)).toEqual([t.A, t.A1, t.A2])
    expect(page.window).toEqual({ more: t.A2, start: true })
  })

  it('continues after a post; a big subtree is cut at the most, and the rest says "in reply to"', async () => {
    const second = await load({ after: t.A2 })
    expect(ids(second.tree.replies)).toEqual([t.B, ...t.Bs.slice(0, 4)])
    expect(second.window).toEqual({ more: t.Bs[3], start: false })
    expect(second.tree.byId.get(t.B)!.focus).toBe(true)
    const third = await load({ after: t.Bs[3] })
    expect(third.tree.replies.map((p) => p.id)).toEqual([t.Bs[4], t.C, t.D])
    expect(third.tree.byId.get(t.Bs[4]!)!.replyTo).toEqual({ id: t.B, name: 'Anna Autorin', away: true })
    expect(third.tree.byId.get(t.C)!.replyTo).toBeUndefined()
    expect(third.window.more).toBeUndefined()
  })

  it('opens the window that holds a post: from the start, from its top-level reply, or from the post', async () => {
    const early = await load({ at: t.A1 })
    expect(early.window.start).toBe(true)
    expect(early.tree.byId.get(t.A1)!.focus).toBe(true)
    const inSubtree = await load({ at: t.Bs[1] })
    expect(ids(inSubtree.tree.replies)[0]).toBe(t.B)
    expect(inSubtree.window.start).toBe(false)
    expect(inSubtree.tree.byId.get(t.Bs[1]!)!.focus).toBe(true)
    const deep = await load({ at: t.Bs[2] })
    expect(deep.tree.replies[0]!.id).toBe(t.Bs[2])
    expect(deep.tree.replies[0]!.replyTo).toEqual({ id: t.B, name: 'Anna Autorin', away: true })
    expect(ids(deep.tree.replies)).toContain(t.D)
  })

  it('shows the first window for a cursor or a post of another thread', async () => {
    const other = await createThread(database.db, author.current)
    for (const window of [{ after: other.openingPostId }, { at: other.openingPostId }]) {
      const page = await load(window)
      expect(ids(page.tree.replies)).toEqual([t.A, t.A1, t.A2])
      expect(page.tree.byId.has(other.openingPostId)).toBe(false)
    }
  })

  it('moves the read state to the newest post shown and counts the posts seen', async () => {
    const viewer = await signedInMember(database.db, app, { name: 'Rita Read' })
    const readState = () =>
      database.db
        .selectFrom('thread_reads')
        .select(['last_read_post_id', 'read_post_count'])
        .where('member_id', '=', viewer.current.id)
        .where('thread_id', '=', t.threadId)
        .executeTakeFirst()
    await openThread(database.db, clock, viewer.current, t.threadId, 'de', small)
    expect(await readState()).toEqual({ last_read_post_id: t.A2, read_post_count: 4 })
    await openThread(database.db, clock, viewer.current, t.threadId, 'de', { ...small, after: t.Bs[3] })
    expect(await readState()).toEqual({ last_read_post_id: t.D, read_post_count: 7 })
  })
})

describe('the thread page in windows', () => {
  let big: Awaited<ReturnType<typeof bigThread>>
  beforeAll(async () => {
    big = await bigThread(180)
  })

  const postsIn = (html: string) => html.match(/<li id="post-\d+">/g)?.length ?? 0

  it('shows the first window and a link to the next, plain and for htmx', async () => {
    const page = await reader.agent.get(`/t/${big.threadId}`)
    expect(page.statusCode).toBe(200)
    expect(postsIn(page.body)).toBe(100)
    const next = `/t/${big.threadId}?after=${big.top[99]}`
    expect(page.body).toContain(
      `<p id="thread-more" class="thread-more"><a class="button secondary" href="${next}" hx-get="${next}" hx-target="#replies" hx-swap="beforeend">Weitere Antworten</a></p>`,
    )
    expect(page.body).not.toContain('zum Anfang des Themas')
    expect(page.body).toContain('Antworten (180)')
  })

  it('sends the next window to htmx as its posts, the first focused, and the link out of band', async () => {
    const response = await reader.agent.get(`/t/${big.threadId}?after=${big.top[99]}`, htmx)
    expect(response.statusCode).toBe(200)
    expect(response.headers.vary).toContain('HX-Request')
    expect(response.body).not.toContain('<html')
    // The first reply gets the focus; the reader saw the first window, so these are new to them.
    expect(response.body).toMatch(
      new RegExp(`^\\s*<li id="post-${big.top[100]}"><article data-focus-first tabindex="-1" class="new">`),
    )
    expect(postsIn(response.body)).toBe(80)
    expect(response.body).toContain('<p id="thread-more" class="thread-more" hx-swap-oob="true"></p>')
  })

  it('shows the next window as a page without JavaScript, with a way back to the start', async () => {
    const response = await reader.agent.get(`/t/${big.threadId}?after=${big.top[99]}`)
    expect(response.body).toContain('<html')
    expect(response.body).toContain(
      `<a href="/t/${big.threadId}">Frühere Antworten: zum Anfang des Themas</a>`,
    )
    expect(postsIn(response.body)).toBe(80)
    expect(response.body).toContain(`id="post-${big.openingPostId}"`)
  })

  it('opens a permalink in the window that holds the post, marked for focus', async () => {
    const target = big.top[150]!
    const response = await reader.agent.get(`/t/${big.threadId}?at=${target}`)
    expect(response.body).toContain(`<li id="post-${target}"><article data-focus-first tabindex="-1">`)
    expect(postsIn(response.body)).toBeLessThanOrEqual(150)
    expect(response.body).not.toContain(`id="post-${big.top[0]}"`)
    // The post's time links to it in this window.
    expect(response.body).toContain(`<a href="#post-${target}">`)
  })

  it('answers malformed or huge window parameters with the 400 page, never a 500', async () => {
    for (const query of ['after=abc', 'at=1.5', `after=${'9'.repeat(30)}`, 'at=%00', 'after=-1']) {
      const response = await reader.agent.get(`/t/${big.threadId}?${query}`)
      expect(response.statusCode, query).toBe(400)
      expect(response.body, query).not.toContain('Anna Autorin')
    }
  })

  it('keeps a post of ordinary length at no more than 800 bytes of markup', async () => {
    const page = await reader.agent.get(`/t/${big.threadId}`)
    const list = /<ol id="replies"[^>]*>(.*?)<\/ol>\n<\/div>/s.exec(page.body)![1]!
    const perPost = Buffer.byteLength(list) / postsIn(list)
    expect(perPost).toBeLessThanOrEqual(800)
    // The body alone is a third of it; the rest is the author, the time and three actions.
    expect(perPost - Buffer.byteLength(`<p>${body}</p>`)).toBeLessThan(550)
  })
})

describe('a reply in a big thread', () => {
  it('sends only the new post, never the thread or its owner subtree', async () => {
    const big = await bigThread(30, 4)
    const owner = big.top[3]!
    const headers = { ...htmx, 'x-csrf-token': await reader.agent.csrf(`/t/${big.threadId}`) }
    const response = await reader.agent.post(
      `/t/${big.threadId}/posts`,
      { parent: String(owner), body: 'Eine neue Antwort' },
      headers,
    )
    expect(response.statusCode).toBe(200)
    expect(response.headers['hx-retarget']).toBe(`#post-${owner}>details>ol`)
    expect(response.body.match(/<li /g)).toHaveLength(1)
    expect(response.body).toContain(
      `<summary hx-swap-oob="innerHTML:#post-${owner}>details>summary">5 Antworten</summary>`,
    )
    expect(Buffer.byteLength(response.body)).toBeLessThan(3000)
  })
})
