// Where the bytes of files live. A small interface, so that an S3-compatible store can be
// added later; the one implementation here keeps everything in PostgreSQL (one backup holds
// all, several app instances share the files): content-addressed by sha256 and cut into chunks
// of bytea rows, streamed in and out so that no file is ever wholly in memory.
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

/** A stored blob: its key (the sha256 of its bytes, hex) and size in bytes. */
export interface StoredBlob {
  key: string
  size: number
}

/** Bytes start..end of a blob, both inclusive (as in an HTTP Range header). */
export interface ByteRange {
  start: number
  end: number
}

export interface BlobStore {
  /**
   * Streams `source` in and returns its key; the same bytes stored twice are kept once.
   * More than `maxBytes` throws BlobTooLargeError as soon as the limit is passed (nothing kept).
   */
  put(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options?: { maxBytes?: number },
  ): Promise<StoredBlob>
  /** The blob's size, or undefined when there is no such blob. */
  size(key: string): Promise<number | undefined>
  /** The blob's bytes (or a range of them) as a stream of buffers. */
  read(key: string, range?: ByteRange): AsyncIterable<Buffer>
  /**
   * Removes blobs that no attachment references (attachments.blob_sha256, thumbnail_sha256) and
   * that no upload has touched since `touchedBefore`, and writes abandoned before then.
   */
  collectGarbage(touchedBefore: Date): Promise<{ blobs: number; bytes: number }>
  /** Bytes and blobs stored. */
  usage(): Promise<{ blobs: number; bytes: number }>
}

export class BlobTooLargeError extends Error {
  readonly maxBytes: number
  constructor(maxBytes: number) {
    super(`blob larger than ${maxBytes} bytes`)
    this.maxBytes = maxBytes
  }
}

export const defaultChunkSize = 256 * 1024
/**
 * Reads come in slices of 64 KB, eight to a query (512 KB). pg receives bytea as hex text and
 * grows its read buffer by doubling until a whole row fits, so rows of 256 KB chunks cost
 * megabytes of short-lived buffers per download; slices keep each row small, and PostgreSQL
 * reads just the slice (the chunks are stored uncompressed, `external`).
 */
const sliceSize = 64 * 1024
const slicesPerRead = 8

/** Gathers incoming pieces into chunks of exactly `size` bytes (the last one shorter). */
async function* inChunks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<Buffer> {
  let parts: Buffer[] = []
  let length = 0
  for await (const piece of source) {
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)
    while (length + rest.length >= size) {
      const take = size - length
      parts.push(rest.subarray(0, take))
      yield Buffer.concat(parts, size)
      rest = rest.subarray(take)
      parts = []
      length = 0
    }
    if (rest.length > 0) {
      // Copy: the source may reuse its buffer for the next piece.
      parts.push(Buffer.from(rest))
      length += rest.length
    }
  }
  if (length > 0) yield Buffer.concat(parts, length)
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505'
}

export class PostgresBlobStore implements BlobStore {
  private readonly db: Db
  private readonly chunkSize: number
  constructor(db: Db, chunkSize = defaultChunkSize) {
    this.db = db
    this.chunkSize = chunkSize
  }

  async put(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: { maxBytes?: number } = {},
  ): Promise<StoredBlob> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
    const { id } = await this.db
      .insertInto('attachment_blobs')
      .values({ chunk_size: this.chunkSize })
      .returning('id')
      .executeTakeFirstOrThrow()
    try {
      const hash = createHash('sha256')
      let size = 0
      let seq = 0
      for await (const chunk of inChunks(source, this.chunkSize)) {
        size += chunk.length
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes)
        hash.update(chunk)
        await this.db.insertInto('attachment_chunks').values({ blob_id: id, seq, data: chunk }).execute()
        seq += 1
      }
      return await this.complete(id, hash.digest('hex'), size)
    } catch (error) {
      await this.db.deleteFrom('attachment_blobs').where('id', '=', id).execute()
      throw error
    }
  }

  /** Names the written blob by its hash, or keeps the blob already stored under it. */
  private async complete(id: number, key: string, size: number): Promise<StoredBlob> {
    if (await this.touch(key)) {
      await this.db.deleteFrom('attachment_blobs').where('id', '=', id).execute()
      return { key, size }
    }
    try {
      await this.db
        .updateTable('attachment_blobs')
        .set({ sha256: key, size, completed_at: sql`now()`, touched_at: sql`now()` })
        .where('id', '=', id)
        .execute()
    } catch (error) {
      // The same bytes finished a moment earlier in another upload: keep that one.
      if (!isUniqueViolation(error)) throw error
      await this.db.deleteFrom('attachment_blobs').where('id', '=', id).execute()
      await this.touch(key)
    }
    return { key, size }
  }

  private async touch(key: string): Promise<boolean> {
    const found = await this.db
      .updateTable('attachment_blobs')
      .set({ touched_at: sql`now()` })
      .where('sha256', '=', key)
      .returning('id')
      .executeTakeFirst()
    return found !== undefined
  }

  async size(key: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('attachment_blobs')
      .select('size')
      .where('sha256', '=', key)
      .executeTakeFirst()
    return row?.size
  }

  async *read(key: string, range?: ByteRange): AsyncGenerator<Buffer> {
    const blob = await this.db
      .selectFrom('attachment_blobs')
      .select(['id', 'size', 'chunk_size'])
      .where('sha256', '=', key)
      .executeTakeFirst()
    if (!blob) throw new Error(`no blob ${key}`)
    if (blob.size === 0) return
    const start = range?.start ?? 0
    const end = Math.min(range?.end ?? blob.size - 1, blob.size - 1)
    if (start > end) return
    // A slice never crosses a chunk's end (chunks are a multiple of it, or read whole).
    const slice = blob.chunk_size % sliceSize === 0 ? sliceSize : blob.chunk_size
    const chunkSize = blob.chunk_size
    for (let first = Math.floor(start / slice) * slice; first <= end; first += slice * slicesPerRead) {
      const lastSlice = Math.min(first + slice * (slicesPerRead - 1), end)
      const { rows } = await sql<{ pos: number; data: Buffer }>`
        select s.pos, substring(c.data from (s.pos - c.seq::bigint * ${chunkSize})::int + 1 for ${slice}) as data
        from generate_series(${first}::bigint, ${lastSlice}::bigint, ${slice}) s(pos)
        join attachment_chunks c on c.blob_id = ${blob.id} and c.seq = (s.pos / ${chunkSize})::int
        order by s.pos`.execute(this.db)
      for (const row of rows) {
        const from = Math.max(start - row.pos, 0)
        const to = Math.min(end - row.pos + 1, row.data.length)
        if (to > from) yield from === 0 && to === row.data.length ? row.data : row.data.subarray(from, to)
      }
    }
  }

  async collectGarbage(touchedBefore: Date): Promise<{ blobs: number; bytes: number }> {
    const removed = await this.db
      .deleteFrom('attachment_blobs as b')
      .where('b.touched_at', '<', touchedBefore)
      .where((eb) =>
        eb.or([
          eb('b.completed_at', 'is', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('attachments as a')
                .select(sql`1`.as('one'))
                .where((inner) =>
                  inner.or([
                    inner('a.blob_sha256', '=', inner.ref('b.sha256')),
                    inner('a.thumbnail_sha256', '=', inner.ref('b.sha256')),
                  ]),
                ),
            ),
          ),
        ]),
      )
      .returning('b.size')
      .execute()
    return { blobs: removed.length, bytes: removed.reduce((sum, row) => sum + row.size, 0) }
  }

  async usage(): Promise<{ blobs: number; bytes: number }> {
    const row = await this.db
      .selectFrom('attachment_blobs')
      .select((eb) => [
        eb.fn.countAll<number>().as('blobs'),
        eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('bytes'),
      ])
      .where('completed_at', 'is not', null)
      .executeTakeFirstOrThrow()
    return { blobs: Number(row.blobs), bytes: Number(row.bytes) }
  }
}
