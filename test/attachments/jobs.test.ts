// The hourly garbage collection is a registered cron job of the worker, and it collects.
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachmentJobs } from '../../src/features/attachments/attachments.jobs.ts'
import { PostgresBlobStore } from '../../src/features/attachments/blob-store.ts'
import { appJobs } from '../../src/jobs.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => database?.drop())

describe('attachment garbage collection job', () => {
  it('is one of the worker’s cron items', () => {
    const registry = appJobs({
      db: database.db,
      deriveKey: () => Buffer.alloc(32),
    } as unknown as Parameters<typeof appJobs>[0])
    expect(registry.cronItems).toContainEqual(
      expect.objectContaining({
        task: 'collect_attachment_garbage',
        identifier: 'collect_attachment_garbage',
      }),
    )
    expect(registry.tasks.collect_attachment_garbage).toBeTypeOf('function')
  })

  it('removes a blob nothing references once its grace period is over', async () => {
    const store = new PostgresBlobStore(database.db)
    const orphan = await store.put([randomBytes(5000)])
    const task = attachmentJobs({ db: database.db }).tasks.collect_attachment_garbage!
    const helpers = { logger: { info: () => {} } } as unknown as Parameters<typeof task>[1]
    await task({}, helpers)
    expect(await store.size(orphan.key)).toBe(5000)
    await database.db
      .updateTable('attachment_blobs')
      .set({ touched_at: sql`now() - interval '2 hours'` })
      .where('sha256', '=', orphan.key)
      .execute()
    await task({}, helpers)
    expect(await store.size(orphan.key)).toBeUndefined()
  })
})
