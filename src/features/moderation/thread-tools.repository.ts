// Thread tools: pinning, moving, the moderation's title and tag edits, the "Ergebnis" of a
// thread and showing a hidden post again. Every read of a thread or post joins core/visibility.
import { sql } from 'kysely'
import { postReadableBy, threadVisibleTo, type ViewerId } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'

export interface ThreadForTools {
  id: number
  title: string
  authorId: number
  categoryId: number
  categoryName: string
  pinned: boolean
  resultPostId: number | null
  moderatorNote: string | null
  tags: string[]
}

/** The thread as the tools page and the commands see it (null when the viewer may not see it). */
export async function findThreadForTools(
  db: Db,
  viewer: ViewerId,
  threadId: number,
  options: { lock?: boolean } = {},
): Promise<ThreadForTools | null> {
  const { rows } = await sql<ThreadForTools>`
    select t.id, t.title, t.author_id as "authorId", t.category_id as "categoryId", c.name as "categoryName",
      t.pinned_at is not null as pinned, t.result_post_id as "resultPostId", t.moderator_note as "moderatorNote",
      array(select g.tag from thread_tags g where g.thread_id = t.id order by g.tag) as tags
    from threads t join categories c on c.id = t.category_id
    where t.id = ${threadId} and ${threadVisibleTo(viewer, 't')}
    ${options.lock ? sql`for update of t` : sql``}`.execute(db)
  return rows[0] ?? null
}

export async function setPinned(db: Db, threadId: number, by: number | null): Promise<void> {
  await sql`update threads set pinned_at = ${by === null ? null : sql`now()`}, pinned_by = ${by}
    where id = ${threadId}`.execute(db)
}

export async function setCategory(db: Db, threadId: number, categoryId: number): Promise<void> {
  await sql`update threads set category_id = ${categoryId} where id = ${threadId}`.execute(db)
}

export async function setModeratorNote(db: Db, threadId: number, note: string): Promise<void> {
  await sql`update threads set moderator_note = ${note} where id = ${threadId}`.execute(db)
}

export async function setTitle(db: Db, threadId: number, title: string): Promise<void> {
  await sql`update threads set title = ${title} where id = ${threadId}`.execute(db)
}

/** Replaces the thread's tags (the search index follows by its triggers). */
export async function replaceTags(db: Db, threadId: number, tags: readonly string[]): Promise<void> {
  await sql`delete from thread_tags where thread_id = ${threadId} and not (tag = any (${sql.val(tags)}::text[]))`.execute(
    db,
  )
  if (tags.length === 0) return
  await sql`insert into thread_tags (thread_id, tag) select ${threadId}, unnest(${sql.val(tags)}::text[])
    on conflict do nothing`.execute(db)
}

export async function setResult(db: Db, threadId: number, postId: number | null): Promise<void> {
  await sql`update threads set result_post_id = ${postId} where id = ${threadId}`.execute(db)
}

export interface PostFacts {
  id: number
  threadId: number
  authorId: number
  depth: number
  deleted: boolean
  hidden: boolean
}

/** A post of a thread the viewer may see, with what the tools need to know about it. */
export async function findPostFacts(db: Db, viewer: ViewerId, postId: number): Promise<PostFacts | null> {
  const { rows } = await sql<PostFacts>`
    select p.id, p.thread_id as "threadId", p.author_id as "authorId", p.depth,
      p.deleted_at is not null as deleted, p.hidden_at is not null as hidden
    from posts p join threads t on t.id = p.thread_id
    where p.id = ${postId} and ${threadVisibleTo(viewer, 't')}`.execute(db)
  return rows[0] ?? null
}

export interface ReplyChoice {
  id: number
  authorName: string
  excerpt: string
  helpfulCount: number
  createdLabel: string
}

/** Replies that can be the thread's Ergebnis: readable, not deleted; the most helpful first. */
export async function listResultChoices(
  db: Db,
  viewer: ViewerId,
  threadId: number,
  limit = 100,
): Promise<ReplyChoice[]> {
  const { rows } = await sql<ReplyChoice>`
    select p.id, m.name as "authorName", left(regexp_replace(p.body_source, '\\s+', ' ', 'g'), 160) as excerpt,
      p.helpful_count as "helpfulCount",
      to_char(p.created_at at time zone 'Europe/Berlin', 'DD.MM.YYYY HH24:MI') as "createdLabel"
    from posts p join threads t on t.id = p.thread_id join members m on m.id = p.author_id
    where p.thread_id = ${threadId} and p.depth > 0 and ${threadVisibleTo(viewer, 't')}
      and ${postReadableBy(viewer, 'p')}
    order by p.id = t.result_post_id desc, p.helpful_count desc, p.id
    limit ${limit}`.execute(db)
  return rows
}

export interface HiddenPost {
  id: number
  authorName: string
  hiddenReason: string | null
  excerpt: string
}

/** The thread's hidden posts, for moderators (the caller checks the role). */
export async function listHiddenPosts(db: Db, threadId: number): Promise<HiddenPost[]> {
  const { rows } = await sql<HiddenPost>`
    select p.id, m.name as "authorName", p.hidden_reason as "hiddenReason",
      left(regexp_replace(p.body_source, '\\s+', ' ', 'g'), 160) as excerpt
    from posts p join members m on m.id = p.author_id
    where p.thread_id = ${threadId} and p.hidden_at is not null and p.deleted_at is null
    order by p.id limit 200`.execute(db)
  return rows
}

export interface ThreadModerationMarks {
  pinned: boolean
  moderatorNote: string | null
  result: { postId: number; authorName: string; excerpt: string } | null
}

/**
 * What the thread page shows of the moderation at its top (pinned, the note of an edit, the
 * Ergebnis only when the viewer may read that post), as SQL over the thread aliased
 * `threadAlias`: discussions' selectThreadPage selects it beside the page (no round trip more).
 */
export function threadMarksColumn(viewer: ViewerId, threadAlias = 't') {
  const thread = sql.ref(threadAlias)
  return sql<ThreadModerationMarks>`json_build_object('pinned', ${thread}.pinned_at is not null,
    'moderatorNote', ${thread}.moderator_note,
    'result', (select json_build_object('postId', p.id, 'authorName', m.name,
        'excerpt', left(regexp_replace(p.body_source, '\\s+', ' ', 'g'), 240))
      from posts p join members m on m.id = p.author_id
      where p.id = ${thread}.result_post_id and ${postReadableBy(viewer, 'p')}))`
}
