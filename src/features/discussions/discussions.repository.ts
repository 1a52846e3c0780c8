// Queries of threads, posts, reactions, follows and read state. Every function takes `db`
// first, so a transaction is just another `db`. Dates that are only printed come back as
// text formatted by Postgres (no timestamptz parsing on the hot path).
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import { threadVisibleTo } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import { preparedRows } from '../../db/prepared.ts'
import type { Locale, Role } from '../../db/schema.ts'
import { type ThreadFileRecord, threadFilesColumn } from '../attachments/attachments.service.ts'
import { type BannerGuest, threadGuestsColumn } from '../guests/guests.service.ts'
import {
  mutedIdsColumn,
  type ThreadModerationMarks,
  threadMarksColumn,
} from '../moderation/moderation.service.ts'
import type { Stage } from './discussions.tables.ts'

const labelFormats: Record<Locale, string> = {
  de: 'DD.MM.YYYY, HH24:MI',
  en: 'FMDD Mon YYYY, HH24:MI',
}

/** A timestamp as the page prints it, in German local time. */
export function dateLabel(
  column: Expression<unknown> | RawBuilder<unknown>,
  locale: Locale,
): RawBuilder<string> {
  return sql<string>`to_char(${column} at time zone 'Europe/Berlin', ${labelFormats[locale]})`
}

/** A timestamp for a datetime attribute (UTC, ISO 8601). */
export function isoText(column: Expression<unknown> | RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
}

// ---------------------------------------------------------------------------------------
// Threads

export interface ThreadHeader {
  id: number
  title: string
  stage: Stage
  confidential: boolean
  locked: boolean
  replyCount: number
  authorId: number
  authorName: string
  openingPostId: number | null
  categoryId: number
  categoryName: string
  categorySlug: string
  tags: string[]
  following: boolean
  lastReadPostId: number | null
  readPostCount: number | null
  history: { from: Stage; to: Stage; by: string | null; at: string; iso: string }[]
}

/** The head of a thread the viewer may see (for pages about a thread that do not show all of it). */
export async function findThreadHeader(
  db: Db,
  threadId: number,
  viewerId: number,
  locale: Locale,
): Promise<ThreadHeader | undefined> {
  // discussions_thread_head: see migrations/2026-11-24T14-20-00_thread-page-functions.ts
  const result = await sql<{ head: ThreadHeader | null }>`
    select discussions_thread_head(t.id, ${viewerId}, ${labelFormats[locale]}) as head
    from threads t where t.id = ${threadId} and ${threadVisibleTo(viewerId, 't')}
  `.execute(db)
  return result.rows[0]?.head ?? undefined
}

/** A post of the thread page (see thread-page.v5.sql, which sends them as PostColumns). */
export interface PostRecord {
  id: number
  depth: number
  authorId: number
  bodyHtml: string
  deleted: boolean
  edited: boolean
  version: number
  helpfulCount: number
  createdLabel: string
}

export interface AuthorRecord {
  name: string
  jobTitle: string
  organisation: string
  role: Role
  handle: string
}

/** The posts as the function returns them: one array per named field, in display order. */
export type PostColumns = { [Field in keyof PostRecord]: PostRecord[Field][] }

export interface ThreadPageRecord {
  head: ThreadHeader
  posts: PostColumns
  /** Each author of the posts once, by member id. */
  authors: Record<string, AuthorRecord> | null
  /** The posts the viewer found helpful. */
  helped: number[]
  unread: number
  unreadHere: number
  /** The moderation's marks (hidden, note) of the posts that have one, by post id. */
  marks?: PostMarks
  /** The thread's own marks (moderation feature: pinned, note, Ergebnis); thread mode only. */
  threadMarks?: ThreadModerationMarks | null
  /** Members the viewer muted (moderation feature): their posts are collapsed. */
  muted?: number[]
  /** The thread's files on posts the viewer may read (attachments feature). */
  files?: ThreadFileRecord[]
  /** The thread's approved guests, for the banner and the "Gast" mark (guests feature). */
  guests?: BannerGuest[]
  /** The closed group whose Themenraum holds the thread (thread mode only; only its members see the page). */
  groupName?: string | null
  /** Replies whose parent is not in the window: the parent's id and author (null: deleted). */
  orphans: Record<string, { id: number; name: string | null }> | null
  /** Where the next window starts (null at the end) and whether this one starts at the beginning. */
  window: { more: number | null; start: boolean }
}

/** Which posts of a thread: a window (from the start, after a post, around a post), or one post. */
export type ThreadPageTarget =
  | { threadId: number; after?: number; at?: number; size: number; max: number }
  | { postId: number }

export type PostMarks = Record<string, { hidden: boolean; hiddenReason: string | null; note: string | null }>

/**
 * Everything the thread page shows, in one round trip: the head, the opening post and a window
 * of replies in display order, each author once, the posts the viewer found helpful, and the
 * viewer's unread notification counts; or, for one post, that post with its ancestors. Round
 * trips and per-request work in the database are what a thread page costs most, so this is one
 * query, and its body is a PL/pgSQL function whose plans Postgres keeps (planning it anew each
 * time cost more CPU than running it): see migrations/sql/discussions/thread-page.v5.sql. Whether
 * the viewer may see the thread is decided here, by the one visibility rule.
 */
interface PageRow {
  page: ThreadPageRecord | null
  marks: PostMarks
  threadMarks: ThreadModerationMarks | null
  muted: number[]
  files: ThreadFileRecord[]
  guests: BannerGuest[]
  groupName?: string | null
}

export async function selectThreadPage(
  db: Db,
  viewerId: number,
  locale: Locale,
  target: ThreadPageTarget,
): Promise<ThreadPageRecord | undefined> {
  const format = labelFormats[locale]
  const query =
    'threadId' in target
      ? sql<PageRow>`
          select discussions_thread_page(t.id, ${viewerId}, ${format}, null, ${target.after ?? null}::integer,
            ${target.at ?? null}::integer, ${target.size}::integer, ${target.max}::integer) as page,
            moderation_post_marks(t.id) as marks, ${threadMarksColumn(viewerId, 't')} as "threadMarks",
            ${mutedIdsColumn(viewerId)} as muted, ${threadFilesColumn(viewerId)} as files,
            ${threadGuestsColumn('t')} as guests,
            (select g.name from group_categories gc join groups g on g.id = gc.group_id
              where gc.category_id = t.category_id) as "groupName"
          from threads t where t.id = ${target.threadId} and ${threadVisibleTo(viewerId, 't')}`
      : sql<PageRow>`
          select discussions_thread_page(t.id, ${viewerId}, ${format}, p.id) as page, moderation_post_marks(t.id) as marks,
            null as "threadMarks", ${mutedIdsColumn(viewerId)} as muted, ${threadFilesColumn(viewerId)} as files,
            ${threadGuestsColumn('t')} as guests
          from posts p join threads t on t.id = p.thread_id
          where p.id = ${target.postId} and ${threadVisibleTo(viewerId, 't')}`
  // Prepared: the page's work is in the functions (their plans are kept), so planning this
  // statement around them was a large part of what is left.
  const [row] = await preparedRows(db, 'vr_thread_page', query.compile(db))
  return row?.page
    ? {
        ...row.page,
        marks: row.marks,
        threadMarks: row.threadMarks,
        muted: row.muted,
        files: row.files,
        guests: row.guests,
        groupName: row.groupName ?? null,
      }
    : undefined
}

/**
 * How many posts each of these posts has below it (its whole subtree), for the counts a new
 * reply changes on the page. One index range per post on (thread_id, path).
 */
export async function subtreeSizes(
  db: Db,
  threadId: number,
  postIds: readonly number[],
): Promise<Map<number, number>> {
  if (postIds.length === 0) return new Map()
  const result = await sql<{ id: number; size: number }>`
    select a.id, (select count(*)::int from posts p where p.thread_id = ${threadId}
        and p.path > a.path and p.path < a.path || 2147483647) as size
    from posts a where a.id = any(${sql.val([...postIds])}::int[]) and a.thread_id = ${threadId}
  `.execute(db)
  return new Map(result.rows.map((row) => [row.id, row.size]))
}

export interface ThreadForWrite {
  id: number
  locked: boolean
  stage: Stage
  authorId: number
  openingPostId: number | null
}

/** The thread, locked for a write, if the viewer may see it. */
export async function findThreadForUpdate(
  db: Db,
  viewerId: number,
  threadId: number,
): Promise<ThreadForWrite | undefined> {
  const result = await sql<ThreadForWrite>`
    select t.id, t.locked, t.stage, t.author_id as "authorId", t.opening_post_id as "openingPostId"
    from threads t
    where t.id = ${threadId} and ${threadVisibleTo(viewerId, 't')}
    for update of t
  `.execute(db)
  return result.rows[0]
}

export async function insertThread(
  db: Db,
  values: {
    categoryId: number
    authorId: number
    title: string
    stage: Stage
    confidential: boolean
    at: Date
  },
): Promise<number> {
  const row = await db
    .insertInto('threads')
    .values({
      category_id: values.categoryId,
      author_id: values.authorId,
      title: values.title,
      stage: values.stage,
      confidential: values.confidential,
      created_at: values.at,
      last_activity_at: values.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function insertTags(db: Db, threadId: number, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return
  await db
    .insertInto('thread_tags')
    .values(tags.map((tag) => ({ thread_id: threadId, tag })))
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export async function recordNewPost(
  db: Db,
  threadId: number,
  postId: number,
  at: Date,
  isReply: boolean,
): Promise<void> {
  await db
    .updateTable('threads')
    .set((eb) => ({
      last_activity_at: at,
      last_post_id: postId,
      reply_count: isReply ? eb('reply_count', '+', 1) : eb.ref('reply_count'),
      opening_post_id: isReply ? eb.ref('opening_post_id') : postId,
    }))
    .where('id', '=', threadId)
    .execute()
}

export async function updateStage(db: Db, threadId: number, stage: Stage): Promise<void> {
  await db.updateTable('threads').set({ stage }).where('id', '=', threadId).execute()
}

export async function insertStageChange(
  db: Db,
  values: { threadId: number; memberId: number; from: Stage; to: Stage; at: Date },
): Promise<void> {
  await db
    .insertInto('thread_stage_changes')
    .values({
      thread_id: values.threadId,
      member_id: values.memberId,
      from_stage: values.from,
      to_stage: values.to,
      changed_at: values.at,
    })
    .execute()
}

export async function updateLocked(db: Db, threadId: number, locked: boolean): Promise<void> {
  await db.updateTable('threads').set({ locked }).where('id', '=', threadId).execute()
}

// ---------------------------------------------------------------------------------------
// Thread lists

export interface ThreadListItem {
  id: number
  title: string
  stage: Stage
  confidential: boolean
  locked: boolean
  replyCount: number
  authorId: number
  authorName: string
  authorOrg: string
  categoryName: string
  categorySlug: string
  tags: string[]
  lastActivityIso: string
  lastActivityLabel: string
  /** Keyset cursor of this row: "<microseconds since 1970>-<id>". */
  cursor: string
  unread: number
  everRead: boolean
  /** Pinned by the moderation: listed first (moderation feature, thread tools). */
  pinned: boolean
}

export interface ThreadListQuery {
  memberId: number
  locale: Locale
  categoryId?: number
  stage?: Stage
  tag?: string
  /** Keyset cursor: rows strictly after (older than) this one. */
  after?: { us: string; id: number }
  limit: number
  /** Only pinned threads (true) or only the others (false); both when undefined. */
  pinned?: boolean
}

/** Threads by newest activity, with my unread count; fetches limit + 1 to know whether more follow. */
export async function listThreads(db: Db, query: ThreadListQuery): Promise<ThreadListItem[]> {
  const conditions: RawBuilder<SqlBool>[] = [threadVisibleTo(query.memberId, 't') as RawBuilder<SqlBool>]
  if (query.categoryId !== undefined) conditions.push(sql<SqlBool>`t.category_id = ${query.categoryId}`)
  if (query.stage !== undefined) conditions.push(sql<SqlBool>`t.stage = ${query.stage}`)
  if (query.tag !== undefined)
    conditions.push(
      sql<SqlBool>`exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = ${query.tag})`,
    )
  if (query.pinned !== undefined)
    conditions.push(query.pinned ? sql<SqlBool>`t.pinned_at is not null` : sql<SqlBool>`t.pinned_at is null`)
  if (query.after)
    conditions.push(
      sql<SqlBool>`(t.last_activity_at, t.id) < (timestamptz 'epoch' + ${query.after.us}::bigint * interval '1 microsecond', ${query.after.id}::int)`,
    )
  const where = sql`where ${sql.join(conditions, sql` and `)}`
  const statement = sql<ThreadListItem>`
    select t.id, t.title, t.stage, t.confidential, t.locked, t.reply_count as "replyCount",
      a.id as "authorId", a.name as "authorName",
      -- The organisation by key per row: as a join, PostgreSQL could walk the whole register
      -- (12,000 organisations, 20–40 ms) merging it with an empty list of pinned threads.
      (select o.name from organisations o where o.id = a.organisation_id) as "authorOrg", c.name as "categoryName", c.slug as "categorySlug",
      coalesce((select array_agg(g.tag order by g.tag) from thread_tags g where g.thread_id = t.id), '{}') as tags,
      ${isoText(sql`t.last_activity_at`)} as "lastActivityIso",
      ${dateLabel(sql`t.last_activity_at`, query.locale)} as "lastActivityLabel",
      (extract(epoch from t.last_activity_at) * 1000000)::bigint::text || '-' || t.id as cursor,
      greatest(t.reply_count + 1 - coalesce(r.read_post_count, 0), 0)::int as unread,
      r.member_id is not null as "everRead", t.pinned_at is not null as pinned
    from threads t
    join categories c on c.id = t.category_id
    join members a on a.id = t.author_id
    left join thread_reads r on r.thread_id = t.id and r.member_id = ${query.memberId}
    ${where}
    order by t.last_activity_at desc, t.id desc
    limit ${sql.lit(Math.trunc(query.limit) + 1)}
  `
  // Prepared (one name per filter shape and limit, a literal: see db/prepared.ts): the home and
  // category pages run it on every view.
  return preparedRows(db, 'vr_thread_list', statement.compile(db))
}

// ---------------------------------------------------------------------------------------
// Posts

export interface PostForWrite {
  id: number
  threadId: number
  threadLocked: boolean
  authorId: number
  parentId: number | null
  path: number[]
  depth: number
  bodySource: string
  bodyHtml: string
  version: number
  deleted: boolean
  createdAt: Date
  editedAt: Date | null
}

/** A post in a thread the viewer may see, optionally locked for a write. */
export async function findPost(
  db: Db,
  viewerId: number,
  postId: number,
  lock = false,
): Promise<PostForWrite | undefined> {
  const result = await sql<PostForWrite>`
    select p.id, p.thread_id as "threadId", t.locked as "threadLocked", p.author_id as "authorId",
      p.parent_id as "parentId", p.path, p.depth, p.body_source as "bodySource", p.body_html as "bodyHtml",
      p.version, p.deleted_at is not null as deleted, p.created_at as "createdAt", p.edited_at as "editedAt"
    from posts p join threads t on t.id = p.thread_id
    where p.id = ${postId} and ${threadVisibleTo(viewerId, 't')}
    ${lock ? sql`for update of p` : sql``}
  `.execute(db)
  return result.rows[0]
}

/** The post an earlier submission of the same form created (see the one-time form keys). */
export async function findPostByFormKey(
  db: Db,
  authorId: number,
  formKey: string,
): Promise<{ id: number; threadId: number } | undefined> {
  return db
    .selectFrom('posts')
    .select(['id', 'thread_id as threadId'])
    .where('author_id', '=', authorId)
    .where('form_key', '=', formKey)
    .executeTakeFirst()
}

export async function insertPost(
  db: Db,
  values: {
    threadId: number
    authorId: number
    parent: { id: number; path: number[] } | null
    bodySource: string
    bodyHtml: string
    formKey: string | null
    at: Date
  },
): Promise<{ id: number; path: number[]; depth: number }> {
  // The id is taken first so the path (ancestry + own id) is written in the same insert.
  const { rows } = await sql<{
    id: number
  }>`select nextval(pg_get_serial_sequence('posts', 'id'))::int as id`.execute(db)
  const id = rows[0]!.id
  const path = [...(values.parent?.path ?? []), id]
  await db
    .insertInto('posts')
    .values({
      id,
      thread_id: values.threadId,
      author_id: values.authorId,
      parent_id: values.parent?.id ?? null,
      path: `{${path.join(',')}}`,
      depth: path.length - 1,
      body_source: values.bodySource,
      body_html: values.bodyHtml,
      form_key: values.formKey,
      created_at: values.at,
    })
    .execute()
  return { id, path, depth: path.length - 1 }
}

export async function insertRevision(
  db: Db,
  post: PostForWrite,
  values: { replacedBy: number; at: Date },
): Promise<void> {
  await db
    .insertInto('post_revisions')
    .values({
      post_id: post.id,
      version: post.version,
      body_source: post.bodySource,
      body_html: post.bodyHtml,
      written_at: post.editedAt ?? post.createdAt,
      replaced_at: values.at,
      replaced_by: values.replacedBy,
    })
    .execute()
}

/** Writes a new version only if nobody wrote one since `expectedVersion`; true when written. */
export async function updatePostBody(
  db: Db,
  postId: number,
  expectedVersion: number,
  values: { bodySource: string; bodyHtml: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('posts')
    .set((eb) => ({
      body_source: values.bodySource,
      body_html: values.bodyHtml,
      edited_at: values.at,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', postId)
    .where('version', '=', expectedVersion)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function markPostDeleted(db: Db, postId: number, at: Date): Promise<void> {
  await db
    .updateTable('posts')
    .set((eb) => ({
      body_source: '',
      body_html: '',
      deleted_at: at,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', postId)
    .execute()
}

export interface RevisionRow {
  version: number
  bodyHtml: string
  bodySource: string
  writtenLabel: string
  writtenIso: string
}

export async function listRevisions(db: Db, postId: number, locale: Locale): Promise<RevisionRow[]> {
  return db
    .selectFrom('post_revisions')
    .select([
      'version',
      'body_html as bodyHtml',
      'body_source as bodySource',
      dateLabel(sql`written_at`, locale).as('writtenLabel'),
      isoText(sql`written_at`).as('writtenIso'),
    ])
    .where('post_id', '=', postId)
    .orderBy('version', 'desc')
    .execute()
}

// ---------------------------------------------------------------------------------------
// Reactions, follows, read state

export async function toggleReaction(
  db: Db,
  postId: number,
  memberId: number,
): Promise<{ helped: boolean; count: number }> {
  const removed = await db
    .deleteFrom('reactions')
    .where('post_id', '=', postId)
    .where('member_id', '=', memberId)
    .where('kind', '=', 'helpful')
    .executeTakeFirst()
  const helped = removed.numDeletedRows === 0n
  if (helped) {
    await db
      .insertInto('reactions')
      .values({ post_id: postId, member_id: memberId, kind: 'helpful' })
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
  const row = await db
    .updateTable('posts')
    .set({
      helpful_count: sql`(select count(*) from reactions where post_id = ${postId} and kind = 'helpful')`,
    })
    .where('id', '=', postId)
    .returning('helpful_count')
    .executeTakeFirstOrThrow()
  return { helped, count: row.helpful_count }
}

export async function setFollow(db: Db, threadId: number, memberId: number, follow: boolean): Promise<void> {
  if (follow) {
    await db
      .insertInto('follows')
      .values({ thread_id: threadId, member_id: memberId })
      .onConflict((oc) => oc.doNothing())
      .execute()
  } else {
    await db
      .deleteFrom('follows')
      .where('thread_id', '=', threadId)
      .where('member_id', '=', memberId)
      .execute()
  }
}

export async function saveReadState(
  db: Db,
  values: { memberId: number; threadId: number; lastReadPostId: number; readPostCount: number; at: Date },
): Promise<void> {
  await db
    .insertInto('thread_reads')
    .values({
      member_id: values.memberId,
      thread_id: values.threadId,
      last_read_post_id: values.lastReadPostId,
      read_post_count: values.readPostCount,
      read_at: values.at,
    })
    .onConflict((oc) =>
      oc.columns(['member_id', 'thread_id']).doUpdateSet({
        last_read_post_id: sql`greatest(thread_reads.last_read_post_id, excluded.last_read_post_id)`,
        read_post_count: sql`greatest(thread_reads.read_post_count, excluded.read_post_count)`,
        read_at: values.at,
      }),
    )
    .execute()
}

/** My own new post counts as read; nothing else changes. */
export async function countOwnPostAsRead(db: Db, memberId: number, threadId: number): Promise<void> {
  await db
    .updateTable('thread_reads')
    .set((eb) => ({ read_post_count: eb('read_post_count', '+', 1) }))
    .where('member_id', '=', memberId)
    .where('thread_id', '=', threadId)
    .execute()
}

export async function firstUnreadPostId(
  db: Db,
  threadId: number,
  memberId: number,
): Promise<number | null | undefined> {
  const row = await db
    .selectFrom('threads as t')
    .leftJoin('thread_reads as r', (join) =>
      join.onRef('r.thread_id', '=', 't.id').on('r.member_id', '=', memberId),
    )
    .select((eb) => [
      eb
        .selectFrom('posts as p')
        .select((inner) => inner.fn.min('p.id').as('first'))
        .whereRef('p.thread_id', '=', 't.id')
        .where('p.author_id', '!=', memberId)
        .where((inner) =>
          inner.or([
            inner('r.last_read_post_id', 'is', null),
            inner('p.id', '>', inner.ref('r.last_read_post_id')),
          ]),
        )
        .as('first'),
    ])
    .where('t.id', '=', threadId)
    .where(threadVisibleTo(memberId, 't'))
    .executeTakeFirst()
  if (!row) return undefined
  return row.first === null ? null : Number(row.first)
}

// ---------------------------------------------------------------------------------------
// Transactions

/** Row locks taken later in this transaction give up after `duration` (error 55P03). */
export async function setLockTimeout(db: Db, duration: '3s'): Promise<void> {
  await sql`set local lock_timeout = ${sql.lit(duration)}`.execute(db)
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505'
}

/** The thread's id if it exists and the viewer may see it. */
export async function findVisibleThreadId(
  db: Db,
  viewerId: number,
  threadId: number,
): Promise<number | undefined> {
  const result = await sql<{ id: number }>`
    select t.id from threads t where t.id = ${threadId} and ${threadVisibleTo(viewerId, 't')}
  `.execute(db)
  return result.rows[0]?.id
}
