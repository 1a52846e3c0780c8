// Reports of posts and the moderation's actions on the reported post. Every read of the post
// goes through core/visibility, so a member can only report what they can read.
import { sql } from 'kysely'
import { postReadableBy, threadVisibleTo, type ViewerId } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'

export const reportReasons = ['third_party_data', 'inappropriate', 'off_topic', 'spam', 'other'] as const
export type ReportReason = (typeof reportReasons)[number]
export type ReportOutcome = 'dismissed' | 'hidden' | 'edited' | 'deleted' | 'warned' | 'suspended'

export interface ReportablePost {
  id: number
  threadId: number
  threadTitle: string
  authorId: number
  authorName: string
  bodyHtml: string
  bodySource: string
  hidden: boolean
  deleted: boolean
}

/** The post as the viewer may read it (null when they may not). */
export async function findReadablePost(
  db: Db,
  viewer: ViewerId,
  postId: number,
): Promise<ReportablePost | null> {
  const { rows } = await sql<ReportablePost>`
    select p.id, p.thread_id as "threadId", t.title as "threadTitle", p.author_id as "authorId",
      a.name as "authorName", p.body_html as "bodyHtml", p.body_source as "bodySource",
      p.hidden_at is not null as hidden, p.deleted_at is not null as deleted
    from posts p join threads t on t.id = p.thread_id join members a on a.id = p.author_id
    where p.id = ${postId} and ${threadVisibleTo(viewer, 't')} and ${postReadableBy(viewer, 'p')}`.execute(db)
  return rows[0] ?? null
}

/** A member's open report of a post is one row: reporting again replaces reason and text. */
export async function upsertReport(
  db: Db,
  report: { postId: number; reporterId: number; reason: ReportReason; text: string },
): Promise<void> {
  await sql`insert into reports (post_id, reporter_id, reason, text)
    values (${report.postId}, ${report.reporterId}, ${report.reason}, ${report.text})
    on conflict (post_id, reporter_id) where resolved_at is null
    do update set reason = excluded.reason, text = excluded.text, created_at = now()`.execute(db)
}

export async function countOpenReports(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(distinct post_id)::int as n from reports where resolved_at is null`.execute(db)
  return rows[0]?.n ?? 0
}

export interface ReportGroup {
  postId: number
  threadId: number
  threadTitle: string
  authorId: number
  authorName: string
  bodyHtml: string
  bodySource: string
  hidden: boolean
  firstReportedAt: string
  reports: { reason: ReportReason; text: string; reporterName: string; at: string }[]
}

/** Open reports, one group per post, the longest-waiting first. */
export async function listOpenReportGroups(db: Db, limit = 100): Promise<ReportGroup[]> {
  const { rows } = await sql<ReportGroup>`
    select p.id as "postId", p.thread_id as "threadId", t.title as "threadTitle",
      p.author_id as "authorId", a.name as "authorName", p.body_html as "bodyHtml",
      p.body_source as "bodySource", p.hidden_at is not null as hidden,
      to_char(min(r.created_at) at time zone 'Europe/Berlin', 'DD.MM.YYYY HH24:MI') as "firstReportedAt",
      json_agg(json_build_object('reason', r.reason, 'text', r.text, 'reporterName', m.name,
        'at', to_char(r.created_at at time zone 'Europe/Berlin', 'DD.MM.YYYY HH24:MI')) order by r.created_at) as reports
    from reports r
    join posts p on p.id = r.post_id
    join threads t on t.id = p.thread_id
    join members a on a.id = p.author_id
    join members m on m.id = r.reporter_id
    where r.resolved_at is null
    group by p.id, t.id, a.id
    order by min(r.created_at)
    limit ${limit}`.execute(db)
  return rows
}

/** Closes the post's open reports with the outcome; returns the reporters. */
export async function resolveReports(
  db: Db,
  postId: number,
  resolution: { by: number; outcome: ReportOutcome; note: string },
): Promise<number[]> {
  const { rows } = await sql<{ reporterId: number }>`
    update reports set resolved_at = now(), resolved_by = ${resolution.by},
      outcome = ${resolution.outcome}, outcome_note = ${resolution.note}
    where post_id = ${postId} and resolved_at is null
    returning reporter_id as "reporterId"`.execute(db)
  return rows.map((r) => r.reporterId)
}

/** The post with a row lock, for an action on it. */
export async function lockPost(db: Db, postId: number) {
  const { rows } = await sql<{ id: number; threadId: number; authorId: number; deleted: boolean }>`
    select id, thread_id as "threadId", author_id as "authorId", deleted_at is not null as deleted
    from posts where id = ${postId} for update`.execute(db)
  return rows[0] ?? null
}

export async function hidePost(db: Db, postId: number, by: number | null, reason: string): Promise<void> {
  await sql`update posts set hidden_at = now(), hidden_by = ${by}, hidden_reason = ${reason}
    where id = ${postId}`.execute(db)
}

export async function unhidePost(db: Db, postId: number): Promise<void> {
  await sql`update posts set hidden_at = null, hidden_by = null, hidden_reason = null where id = ${postId}`.execute(
    db,
  )
}

export async function deletePostByModeration(db: Db, postId: number): Promise<void> {
  await sql`update posts set deleted_at = now() where id = ${postId} and deleted_at is null`.execute(db)
}

/** A moderator's edit: the old text kept as a revision, the note shown under the post. */
export async function editPostByModeration(
  db: Db,
  postId: number,
  edit: { source: string; html: string; note: string; by: number },
): Promise<void> {
  await sql`insert into post_revisions (post_id, version, body_source, body_html, written_at, replaced_by)
    select id, version, body_source, body_html, coalesce(edited_at, created_at), ${edit.by}
    from posts where id = ${postId}`.execute(db)
  await sql`update posts set body_source = ${edit.source}, body_html = ${edit.html}, edited_at = now(),
    version = version + 1, moderator_note = ${edit.note} where id = ${postId}`.execute(db)
}
