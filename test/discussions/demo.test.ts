import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoDiscussions } from '../../src/features/discussions/discussions.demo.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember } from '../helpers/factories.ts'

let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

describe('demo discussions', () => {
  it('creates threads at different stages with nested replies, one confidential, all marked', async () => {
    const authors = await Promise.all([
      createMember(database.db),
      createMember(database.db),
      createMember(database.db),
    ])
    const marker = 'DEMO-MARKER-7f3a'
    const created = await seedDemoDiscussions(database.db, { authorIds: authors.map((a) => a.id), marker })
    expect(created).toBeGreaterThanOrEqual(4)
    const threads = await database.db.selectFrom('threads').selectAll().execute()
    expect(threads).toHaveLength(created)
    expect(threads.every((t) => t.title.includes(marker))).toBe(true)
    expect(threads.filter((t) => t.confidential)).toHaveLength(1)
    expect(new Set(threads.map((t) => t.stage)).size).toBeGreaterThanOrEqual(4)
    const posts = await database.db.selectFrom('posts').selectAll().execute()
    expect(posts.every((p) => p.body_source.includes(marker) && p.body_html.includes(marker))).toBe(true)
    expect(Math.max(...posts.map((p) => p.depth))).toBeGreaterThanOrEqual(3)
    const history = await database.db.selectFrom('thread_stage_changes').selectAll().execute()
    expect(history.length).toBeGreaterThanOrEqual(1)
    expect(await seedDemoDiscussions(database.db, { authorIds: [] })).toBe(0)
  })
})
