// The thread page costs a fixed number of queries, however many posts the thread has.
import type { FastifyInstance } from 'fastify'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database.ts'
import type { Database } from '../../src/db/schema.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createThread, reply, signedInMember } from './helpers.ts'

let database: TestDatabase
let counted: Db
let app: FastifyInstance
const queries: string[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  counted = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 3 }) }),
    log: (event) => {
      if (event.level === 'query') queries.push(event.query.sql)
    },
  })
  app = await buildTestApp(counted)
})
afterAll(async () => {
  await app?.close()
  await counted?.destroy()
  await database?.drop()
})

/** Queries of one request, after a first visit (which may write session and read state). */
async function queriesFor(agent: Awaited<ReturnType<typeof signedInMember>>['agent'], url: string) {
  await agent.get(url)
  queries.length = 0
  const response = await agent.get(url)
  expect(response.statusCode).toBe(200)
  return [...queries]
}

describe('queries per thread page', () => {
  it('stay the same for 3 posts and for 120 nested posts', async () => {
    const author = await signedInMember(database.db, app)
    const reader = await signedInMember(database.db, app)
    const small = await createThread(database.db, author.current)
    await reply(database.db, author.current, small.threadId, undefined)
    await reply(database.db, author.current, small.threadId, undefined)
    const big = await createThread(database.db, author.current)
    let parents = [big.openingPostId]
    for (let i = 0; i < 119; i++) {
      const parent = parents[i % parents.length]!
      const id = await reply(
        database.db,
        i % 2 ? author.current : reader.current,
        big.threadId,
        parent,
        `Beitrag ${i}`,
      )
      parents = i % 10 === 9 ? [big.openingPostId] : [...parents, id]
    }
    const viewer = await signedInMember(database.db, app)
    // The viewer has an unread notification elsewhere: that costs nothing here.
    const elsewhere = await createThread(database.db, viewer.current)
    await reply(database.db, author.current, elsewhere.threadId, undefined)
    const few = await queriesFor(viewer.agent, `/t/${small.threadId}`)
    const many = await queriesFor(viewer.agent, `/t/${big.threadId}`)
    expect(many.length).toBe(few.length)
    // session with its member, and one for the thread page itself (head, posts and bell count)
    expect(many.length).toBe(2)
    expect(many[0]).toMatch(/from "sessions" as "s" left join "members" as "m"/)
  })

  it('takes one extra write only when there is something new to mark read', async () => {
    const author = await signedInMember(database.db, app)
    const reader = await signedInMember(database.db, app)
    const { threadId } = await createThread(database.db, author.current)
    await reader.agent.get(`/t/${threadId}`)
    await reply(database.db, author.current, threadId, undefined)
    queries.length = 0
    await reader.agent.get(`/t/${threadId}`)
    // the new reply is marked read (one upsert)
    expect(queries.length).toBe(3)
  })

  it('takes one more when notifications about the thread are marked read on opening it', async () => {
    const author = await signedInMember(database.db, app)
    const other = await signedInMember(database.db, app)
    const { threadId } = await createThread(database.db, author.current)
    await author.agent.get(`/t/${threadId}`)
    await reply(database.db, other.current, threadId, undefined)
    queries.length = 0
    const page = await author.agent.get(`/t/${threadId}`)
    // the new reply is marked read, and so is the notification about it
    expect(queries.length).toBe(4)
    expect(page.body).toContain('<a href="/notifications" id="bell" class="bell">Benachrichtigungen</a>')
  })
})
