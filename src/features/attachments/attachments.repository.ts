// Queries of the attachments table. Every read of a file for a viewer joins the one visibility
// rule (core/visibility): a file is exactly as visible as the post it is on.
import { type RawBuilder, sql } from 'kysely'
import {
  postReadableBy,
  threadVisibleTo,
  type Viewer,
  type ViewerId,
} from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'

export interface AttachmentRow {
  id: number
  postId: number | null
  uploaderId: number
  key: string
  thumbnailKey: string | null
  name: string
  mediaType: string
  size: number
  width: number | null
  height: number | null
}

export interface NewAttachment {
  uploaderId: number
  key: string
  thumbnailKey: string | null
  name: string
  mediaType: string
  size: number
  width: number | null
  height: number | null
}

const columns = [
  'a.id',
  'a.post_id as postId',
  'a.uploader_id as uploaderId',
  'a.blob_sha256 as key',
  'a.thumbnail_sha256 as thumbnailKey',
  'a.name',
  'a.media_type as mediaType',
  'a.size',
  'a.width',
  'a.height',
] as const

/** Bytes a member's files take (pending ones too): what the quota counts. */
export async function bytesUsedBy(db: Db, memberId: number): Promise<number> {
  const row = await db
    .selectFrom('attachments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('bytes'))
    .where('uploader_id', '=', memberId)
    .executeTakeFirstOrThrow()
  return Number(row.bytes)
}

export async function insertPending(db: Db, file: NewAttachment): Promise<number> {
  const row = await db
    .insertInto('attachments')
    .values({
      uploader_id: file.uploaderId,
      blob_sha256: file.key,
      thumbnail_sha256: file.thumbnailKey,
      name: file.name,
      media_type: file.mediaType,
      size: file.size,
      width: file.width,
      height: file.height,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * Records a stored file as the member's pending attachment unless it would take them past
 * `quotaBytes`; undefined then (its blob is left to the garbage collection). The check and the
 * insert hold a per-member lock, so two uploads running at once cannot both pass one check.
 */
export async function insertPendingWithinQuota(
  db: Db,
  file: NewAttachment,
  quotaBytes: number,
): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('attachments_quota:' || ${file.uploaderId}::text))`.execute(
      trx,
    )
    if ((await bytesUsedBy(trx, file.uploaderId)) + file.size > quotaBytes) return undefined
    return insertPending(trx, file)
  })
}

/** The member's pending files among `ids` (files of a form not yet sent), in the given order. */
export async function pendingOf(db: Db, memberId: number, ids: readonly number[]): Promise<AttachmentRow[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('attachments as a')
    .select(columns)
    .where('a.uploader_id', '=', memberId)
    .where('a.post_id', 'is', null)
    .where('a.id', 'in', ids)
    .execute()
  return ids.flatMap((id) => rows.filter((row) => row.id === id))
}

/** Puts the member's pending files on a post, after the files it has (returns how many). */
export async function attachToPost(
  db: Db,
  memberId: number,
  postId: number,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0
  const result = await sql<{ id: number }>`
    with placed as (
      select id, (select coalesce(max(position), -1) from attachments where post_id = ${postId})
             + row_number() over (order by array_position(${sql.val(ids)}::int[], id)) as position
      from attachments
      where uploader_id = ${memberId} and post_id is null and id = any(${sql.val(ids)}::int[])
    )
    update attachments a set post_id = ${postId}, position = placed.position, attached_at = now(),
      thread_id = (select thread_id from posts where id = ${postId})
    from placed where a.id = placed.id
    returning a.id`.execute(db)
  return result.rows.length
}

export async function openingPostOf(db: Db, threadId: number): Promise<number | null> {
  const row = await db
    .selectFrom('threads')
    .select('opening_post_id')
    .where('id', '=', threadId)
    .executeTakeFirst()
  return row?.opening_post_id ?? null
}

/** A file on a post the viewer may read; undefined also when it exists but is not theirs to see. */
export async function fileForViewer(
  db: Db,
  viewer: ViewerId,
  attachmentId: number,
): Promise<(AttachmentRow & { threadId: number; postId: number }) | undefined> {
  const row = await db
    .selectFrom('attachments as a')
    .innerJoin('posts as p', 'p.id', 'a.post_id')
    .innerJoin('threads as t', 't.id', 'p.thread_id')
    .select([...columns, 't.id as threadId'])
    .where('a.id', '=', attachmentId)
    .where(threadVisibleTo(viewer, 't'))
    .where(postReadableBy(viewer, 'p'))
    .executeTakeFirst()
  return row ? { ...row, postId: row.postId as number } : undefined
}

/** A file of a thread as the thread page's statement returns it (JSON). */
export interface ThreadFileRecord {
  id: number
  postId: number
  name: string
  mediaType: string
  size: number
  thumbnail: boolean
  width: number | null
  height: number | null
}

/**
 * SQL for a column of the thread page's own statement (one round trip): the files of the thread
 * aliased `threadAlias` on posts the viewer may read, as a JSON array, oldest post first. The
 * statement has checked the thread's visibility already.
 */
export function threadFilesColumn(viewer: Viewer, threadAlias = 't'): RawBuilder<ThreadFileRecord[]> {
  const thread = sql.ref(`${threadAlias}.id`)
  return sql<ThreadFileRecord[]>`(select coalesce(json_agg(json_build_object('id', f.id, 'postId', f.post_id,
      'name', f.name, 'mediaType', f.media_type, 'size', f.size, 'thumbnail', f.thumbnail_sha256 is not null,
      'width', f.width, 'height', f.height) order by f.post_id, f.position), '[]'::json)
    from (select a.* from attachments a join posts p on p.id = a.post_id
      where a.thread_id = ${thread} and a.post_id is not null and ${postReadableBy(viewer, 'p')}
      order by a.post_id, a.position limit 500) f)`
}

/** A file on an organisation page: on a post by one of its members, with the post's thread. */
export interface OrganisationFileRecord {
  id: number
  postId: number
  threadId: number
  threadTitle: string
  name: string
  mediaType: string
  size: number
  thumbnail: boolean
  width: number | null
  height: number | null
}

/**
 * The latest files on posts written by the organisation's present members, as far as the viewer
 * may read them (core/visibility: a closed group's files only for its members). A list outside
 * the thread never points at a hidden post, not even for those who may read it there.
 */
export async function latestFilesOfOrganisation(
  db: Db,
  viewer: ViewerId,
  organisationId: number,
  limit: number,
): Promise<OrganisationFileRecord[]> {
  const result = await sql<OrganisationFileRecord>`
    select a.id, a.post_id as "postId", t.id as "threadId", t.title as "threadTitle", a.name,
      a.media_type as "mediaType", a.size, a.thumbnail_sha256 is not null as thumbnail, a.width, a.height
    from attachments a
    join posts p on p.id = a.post_id
    join members m on m.id = p.author_id
    join threads t on t.id = p.thread_id
    where m.organisation_id = ${organisationId} and p.hidden_at is null
      and ${threadVisibleTo(viewer, 't')} and ${postReadableBy(viewer, 'p')}
    order by a.attached_at desc nulls last, a.id desc
    limit ${limit}`.execute(db)
  return result.rows
}

/** Removes an attachment (its blob goes with the next garbage collection when nothing else uses it). */
export async function deleteAttachment(db: Db, attachmentId: number): Promise<AttachmentRow | undefined> {
  return db
    .deleteFrom('attachments as a')
    .where('a.id', '=', attachmentId)
    .returning(columns)
    .executeTakeFirst()
}

/** Attachments nobody can reach any more: on deleted posts, of deleted accounts, forms never sent. */
export async function deleteUnreachable(db: Db, pendingBefore: Date): Promise<number> {
  const result = await db
    .deleteFrom('attachments as a')
    .where((eb) =>
      eb.or([
        eb.and([eb('a.post_id', 'is', null), eb('a.created_at', '<', pendingBefore)]),
        eb.exists(
          eb
            .selectFrom('posts as p')
            .select(sql`1`.as('one'))
            .whereRef('p.id', '=', 'a.post_id')
            .where('p.deleted_at', 'is not', null),
        ),
        eb.exists(
          eb
            .selectFrom('members as m')
            .select(sql`1`.as('one'))
            .whereRef('m.id', '=', 'a.uploader_id')
            .where('m.status', '=', 'deleted'),
        ),
      ]),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export interface LargestFile {
  id: number
  name: string
  size: number
  mediaType: string
  threadId: number
  threadTitle: string
  postId: number
}

/** For the admin page: the largest files on posts (staff see every thread). */
export async function largestFiles(db: Db, limit: number): Promise<LargestFile[]> {
  return db
    .selectFrom('attachments as a')
    .innerJoin('posts as p', 'p.id', 'a.post_id')
    .innerJoin('threads as t', 't.id', 'p.thread_id')
    .select([
      'a.id',
      'a.name',
      'a.size',
      'a.media_type as mediaType',
      't.id as threadId',
      't.title as threadTitle',
      'p.id as postId',
    ])
    .orderBy('a.size', 'desc')
    .orderBy('a.id')
    .limit(limit)
    .execute()
}

export async function attachmentTotals(db: Db): Promise<{ files: number; bytes: number; pending: number }> {
  const row = await db
    .selectFrom('attachments')
    .select((eb) => [
      eb.fn.count<number>('id').filterWhere('post_id', 'is not', null).as('files'),
      eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('bytes'),
      eb.fn.count<number>('id').filterWhere('post_id', 'is', null).as('pending'),
    ])
    .executeTakeFirstOrThrow()
  return { files: Number(row.files), bytes: Number(row.bytes), pending: Number(row.pending) }
}
