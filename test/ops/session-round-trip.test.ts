// A member page starts with one statement: the session, its member and the layout's figures
// (LayoutData.columns, e.g. the bell's count) come back together; a provider's load() runs
// only when they were not read with the session (e.g. a figure a page passes itself).
import type { FastifyInstance } from 'fastify'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database.ts'
import type { Database } from '../../src/db/schema.ts'
import { createThread, reply, signedInMember } from '../discussions/helpers.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

let database: TestDatabase
let counted: Db
let app: FastifyInstance
const statements: string[] = []
let loads = 0

beforeAll(async () => {
  database = await createTestDatabase()
  counted = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 3 }) }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql)
    },
  })
  app = await buildTestApp(
    counted,
    {},
    {
      extraRoutes: async (site) => {
        site.addLayoutData({
          keys: ['sessionsOfMember'],
          load: async () => {
            loads++
            return { sessionsOfMember: -1 }
          },
          columns: {
            sessionsOfMember: (member) =>
              sql`(select count(*)::int from sessions where member_id = ${member.id})`,
          },
        })
        site.get('/test/layout-figures', async (_request, reply) =>
          reply.page('errors/error', {
            title: 'Test',
            heading: 'error.notFound.title',
            text: 'error.notFound.text',
          }),
        )
      },
    },
  )
})
afterAll(async () => {
  await app?.close()
  await counted?.destroy()
  await database?.drop()
})

describe('the statement every member request starts with', () => {
  it('reads session, member and the layout figures together; the bell costs no round trip', async () => {
    const author = await signedInMember(database.db, app)
    const reader = await signedInMember(database.db, app)
    const { threadId } = await createThread(database.db, reader.current)
    await reply(database.db, author.current, threadId, undefined)
    await reader.agent.get('/test/layout-figures')
    statements.length = 0
    loads = 0
    const page = await reader.agent.get('/test/layout-figures')
    expect(page.statusCode).toBe(200)
    const [first, ...rest] = statements
    expect(first).toMatch(/from "sessions" as "s" left join "members" as "m"/)
    expect(first).toContain("'sessionsOfMember'")
    expect(first).toContain("'bellCount'")
    expect(loads).toBe(0)
    // Neither the bell nor the test figure has a statement of its own.
    expect(rest.filter((s) => /from notifications n join threads/.test(s))).toEqual([])
    expect(rest.filter((s) => /from sessions where member_id/.test(s))).toEqual([])
    // The reply above is the reader's one unread notification: the bell shows it.
    expect(page.body).toContain('class="bell">Benachrichtigungen <span class="count">1<')
  })
})
