// Queries of the in-forum notifications and of @mentions.
import { type RawBuilder, sql } from 'kysely'
import { threadVisibleTo, type Viewer } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import { dateLabel, isoText } from './discussions.repository.ts'
import type { NotificationKind } from './discussions.tables.ts'

export interface MentionTarget {
  id: number
  name: string
  handle: string
}

/** Verified members whose handle is one of `handles` (lower-cased): a handle names one member. */
export async function findMembersByHandles(db: Db, handles: readonly string[]): Promise<MentionTarget[]> {
  if (handles.length === 0) return []
  const result = await sql<MentionTarget>`
    select m.id, m.name, lower(m.handle) as handle
    from members m
    where m.status = 'verified' and lower(m.handle) = any(${sql.val(handles)}::text[])
  `.execute(db)
  return result.rows
}

export interface MentionSuggestion {
  id: number
  name: string
  jobTitle: string
  organisation: string
  handle: string
}

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/** Suggestions while typing @…: verified members only, by handle prefix, or name prefix or word. */
export async function suggestMembers(db: Db, query: string, limit = 8): Promise<MentionSuggestion[]> {
  const words = query.toLowerCase().replace(/[_.]+/g, ' ').split(/\s+/).filter(Boolean).slice(0, 4)
  if (words.length === 0) return []
  const byName = words.map(
    (word) =>
      sql`(lower(m.name) like ${`${likeEscaped(word)}%`} or lower(m.name) like ${`% ${likeEscaped(word)}%`})`,
  )
  const result = await sql<MentionSuggestion>`
    select m.id, m.name, m.job_title as "jobTitle", o.name as organisation, m.handle
    from members m join organisations o on o.id = m.organisation_id
    where m.status = 'verified' and (
      lower(m.handle) like ${`${likeEscaped(query.toLowerCase())}%`} or (${sql.join(byName, sql` and `)}))
    order by lower(m.handle) like ${`${likeEscaped(query.toLowerCase())}%`} desc, m.name, m.handle
    limit ${limit}
  `.execute(db)
  return result.rows
}

/**
 * Notifies, for one new post: mentioned members, the author of the parent post and the
 * thread's followers. One notification per member (mention before reply before follow);
 * never the actor; only members verified right now who may see the thread.
 */
export async function insertPostNotifications(
  db: Db,
  values: {
    threadId: number
    postId: number
    actorId: number
    parentAuthorId: number | null
    mentionedIds: readonly number[]
    includeFollowers: boolean
    at: Date
  },
): Promise<void> {
  await sql`
    insert into notifications (member_id, kind, thread_id, post_id, actor_id, created_at)
    select distinct on (x.member_id) x.member_id, x.kind, ${values.threadId}, ${values.postId}, ${values.actorId}, ${values.at}
    from (
      select unnest(${sql.val(values.mentionedIds)}::int[]) as member_id, 'mention' as kind, 1 as rank
      union all
      select ${values.parentAuthorId}::int, 'reply', 2 where ${values.parentAuthorId}::int is not null
      union all
      select f.member_id, 'followed_thread', 3 from follows f
      where f.thread_id = ${values.threadId} and ${values.includeFollowers}
    ) x
    join members m on m.id = x.member_id and m.status = 'verified'
    join threads t on t.id = ${values.threadId}
    -- Nobody is told of a thread they may not see (a mention of someone outside a closed group).
    where x.member_id <> ${values.actorId} and ${threadVisibleTo(sql<number>`x.member_id`, 't')}
      -- Nobody is told of what a member they muted wrote (moderation feature, member_mutes).
      and not exists (select 1 from member_mutes mm where mm.member_id = x.member_id and mm.muted_member_id = ${values.actorId})
    order by x.member_id, x.rank
    on conflict (member_id, post_id) do nothing
  `.execute(db)
}

/** Unread notifications of threads the member may still see (not those of a group they left). */
/** SQL: the bell's count, unread notifications about threads the member may see (a member id or its column). */
export function unreadCountOf(memberId: Viewer): RawBuilder<number> {
  return sql<number>`(select count(*)::int
    from notifications n join threads t on t.id = n.thread_id
    where n.member_id = ${memberId} and n.read_at is null and ${threadVisibleTo(memberId, 't')})`
}

export async function countUnread(db: Db, memberId: number): Promise<number> {
  const result = await sql<{ count: number }>`select ${unreadCountOf(memberId)} as count`.execute(db)
  return Number(result.rows[0]?.count ?? 0)
}

export interface NotificationRow {
  id: number
  kind: NotificationKind
  threadId: number
  postId: number
  threadTitle: string
  actorName: string | null
  unread: boolean
  createdIso: string
  createdLabel: string
  /** For report_outcome: what the moderation decided on the reporter's report (moderation feature). */
  outcome: string | null
}

export async function listNotifications(
  db: Db,
  memberId: number,
  locale: Locale,
  limit = 50,
): Promise<NotificationRow[]> {
  const result = await sql<NotificationRow>`
    select n.id, n.kind, n.thread_id as "threadId", n.post_id as "postId", t.title as "threadTitle",
      a.name as "actorName", n.read_at is null as unread,
      ${isoText(sql`n.created_at`)} as "createdIso", ${dateLabel(sql`n.created_at`, locale)} as "createdLabel",
      case when n.kind = 'report_outcome' then (select r.outcome from reports r
        where r.post_id = n.post_id and r.reporter_id = n.member_id and r.resolved_at is not null
        order by r.resolved_at desc limit 1) end as outcome
    from notifications n
    join threads t on t.id = n.thread_id
    left join members a on a.id = n.actor_id
    where n.member_id = ${memberId} and ${threadVisibleTo(memberId, 't')}
    order by n.id desc
    limit ${limit}
  `.execute(db)
  return result.rows
}

export async function findNotification(
  db: Db,
  id: number,
  memberId: number,
): Promise<{ id: number; postId: number; threadId: number } | undefined> {
  return db
    .selectFrom('notifications')
    .select(['id', 'post_id as postId', 'thread_id as threadId'])
    .where('id', '=', id)
    .where('member_id', '=', memberId)
    .executeTakeFirst()
}

/** Marks unread notifications read; returns how many were marked. */
export async function markRead(
  db: Db,
  memberId: number,
  scope: { id?: number; threadId?: number },
  at: Date,
): Promise<number> {
  let query = db
    .updateTable('notifications')
    .set({ read_at: at })
    .where('member_id', '=', memberId)
    .where('read_at', 'is', null)
  if (scope.id !== undefined) query = query.where('id', '=', scope.id)
  if (scope.threadId !== undefined) query = query.where('thread_id', '=', scope.threadId)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows)
}
