// The PostgreSQL blob store: streamed in chunks, content-addressed (stored once), ranges read
// back exactly, limits checked while streaming, garbage collected only when unreferenced.
import { createHash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlobTooLargeError, PostgresBlobStore } from '../../src/features/attachments/blob-store.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember } from '../helpers/factories.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => database?.drop())

/** Bytes in pieces of odd sizes, as a socket delivers them. */
async function* pieces(bytes: Buffer, size = 7_777): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

async function readAll(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts)
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function blobCount(key?: string): Promise<number> {
  const query = database.db.selectFrom('attachment_blobs').select((eb) => eb.fn.countAll<number>().as('n'))
  const row = await (key ? query.where('sha256', '=', key) : query).executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('PostgresBlobStore', () => {
  it('stores a file in chunks under its sha256 and reads it back whole', async () => {
    const store = new PostgresBlobStore(database.db, 16 * 1024)
    const bytes = randomBytes(100_000)
    const stored = await store.put(pieces(bytes))
    expect(stored).toEqual({ key: sha256(bytes), size: 100_000 })
    const chunks = await database.db
      .selectFrom('attachment_chunks as c')
      .innerJoin('attachment_blobs as b', 'b.id', 'c.blob_id')
      .select(['c.seq', sql<number>`length(c.data)`.as('length')])
      .where('b.sha256', '=', stored.key)
      .orderBy('c.seq')
      .execute()
    expect(chunks.map((c) => c.length)).toEqual([16384, 16384, 16384, 16384, 16384, 16384, 1696])
    expect((await readAll(store.read(stored.key))).equals(bytes)).toBe(true)
    expect(await store.size(stored.key)).toBe(100_000)
  })

  it('reads any byte range exactly, across chunk borders', async () => {
    const store = new PostgresBlobStore(database.db, 1000)
    const bytes = randomBytes(10_500)
    const { key } = await store.put(pieces(bytes, 333))
    for (const [start, end] of [
      [0, 0],
      [0, 999],
      [999, 1000],
      [1500, 7321],
      [10_000, 10_499],
      [10_499, 10_499],
      [123, 20_000],
    ] as const) {
      const got = await readAll(store.read(key, { start, end }))
      expect(got.equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true)
    }
  })

  it('stores the same bytes once, however often they come', async () => {
    const store = new PostgresBlobStore(database.db)
    const bytes = randomBytes(300_000)
    const [a, b] = await Promise.all([store.put(pieces(bytes)), store.put(pieces(bytes, 65_536))])
    const c = await store.put(pieces(bytes))
    expect(a.key).toBe(b.key)
    expect(c.key).toBe(a.key)
    expect(await blobCount(a.key)).toBe(1)
    // No half-written blob left behind by the duplicates.
    const unfinished = await database.db
      .selectFrom('attachment_blobs')
      .select('id')
      .where('completed_at', 'is', null)
      .execute()
    expect(unfinished).toEqual([])
  })

  it('stops a file past its limit while streaming and keeps nothing of it', async () => {
    const store = new PostgresBlobStore(database.db, 1024)
    const before = await blobCount()
    let delivered = 0
    async function* endless() {
      for (;;) {
        delivered += 4096
        yield randomBytes(4096)
      }
    }
    await expect(store.put(endless(), { maxBytes: 50_000 })).rejects.toBeInstanceOf(BlobTooLargeError)
    expect(delivered).toBeLessThan(60_000)
    expect(await blobCount()).toBe(before)
  })

  it('empty files are files too', async () => {
    const store = new PostgresBlobStore(database.db)
    const stored = await store.put([])
    expect(stored).toEqual({ key: sha256(Buffer.alloc(0)), size: 0 })
    expect((await readAll(store.read(stored.key))).length).toBe(0)
  })

  it('collects only blobs that nothing references and nobody touched lately', async () => {
    const store = new PostgresBlobStore(database.db)
    const member = await createMember(database.db)
    const referenced = await store.put([randomBytes(1000)])
    const thumbnail = await store.put([randomBytes(500)])
    const orphan = await store.put([randomBytes(2000)])
    const fresh = await store.put([randomBytes(3000)])
    await database.db
      .insertInto('attachments')
      .values({
        uploader_id: member.id,
        blob_sha256: referenced.key,
        thumbnail_sha256: thumbnail.key,
        name: 'a.png',
        media_type: 'image/png',
        size: 1000,
        width: null,
        height: null,
      })
      .execute()
    const longAgo = sql<Date>`now() - interval '2 hours'`
    await database.db
      .updateTable('attachment_blobs')
      .set({ touched_at: longAgo })
      .where('sha256', 'in', [referenced.key, thumbnail.key, orphan.key])
      .execute()
    const oneHourAgo = new Date(Date.now() - 60 * 60 * 1000)
    const removed = await store.collectGarbage(oneHourAgo)
    expect(removed.blobs).toBeGreaterThanOrEqual(1)
    expect(await store.size(orphan.key)).toBeUndefined()
    expect(await store.size(referenced.key)).toBe(1000)
    expect(await store.size(thumbnail.key)).toBe(500)
    // Touched within the grace period (an upload may be about to reference it).
    expect(await store.size(fresh.key)).toBe(3000)
    const chunksLeft = await database.db
      .selectFrom('attachment_chunks as c')
      .leftJoin('attachment_blobs as b', 'b.id', 'c.blob_id')
      .select('c.blob_id')
      .where('b.id', 'is', null)
      .execute()
    expect(chunksLeft).toEqual([])
  })
})
