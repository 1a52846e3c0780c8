// The queries of direct messages. Every read of a conversation or a message goes through the
// predicates of core/visibility (conversationOpenTo, messageShownTo): participants only.
import { type RawBuilder, sql } from 'kysely'
import {
  conversationOpenTo,
  messageShownTo,
  silencedBy,
  type Viewer,
  type ViewerId,
} from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'

export interface MemberChoice {
  id: number
  name: string
  handle: string | null
  jobTitle: string
  organisation: string
}

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/** Verified members among `ids`, in the order given. */
export async function findVerifiedMembers(db: Db, ids: readonly number[]): Promise<MemberChoice[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<MemberChoice>`
    select m.id, m.name, m.handle, m.job_title as "jobTitle", o.name as organisation
    from members m join organisations o on o.id = m.organisation_id
    where m.status = 'verified' and m.id = any(${sql.val([...ids])}::int[])
    order by array_position(${sql.val([...ids])}::int[], m.id)`.execute(db)
  return rows
}

/** Verified members by name or handle (word prefixes), for the recipients picker. */
export async function searchMembers(
  db: Db,
  viewer: ViewerId,
  query: string,
  exclude: readonly number[],
): Promise<MemberChoice[]> {
  const words = query
    .replace(/^@/, '')
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .slice(0, 5)
  if (words.length === 0) return []
  const byName = words.map(
    (word) =>
      sql`(lower(m.name) like ${`${likeEscaped(word)}%`} or lower(m.name) like ${`% ${likeEscaped(word)}%`})`,
  )
  const { rows } = await sql<MemberChoice>`
    select m.id, m.name, m.handle, m.job_title as "jobTitle", o.name as organisation
    from members m join organisations o on o.id = m.organisation_id
    where m.status = 'verified' and m.id <> ${viewer}
      and not (m.id = any(${sql.val([...exclude])}::int[]))
      and (lower(m.handle) like ${`${likeEscaped(words.join(''))}%`} or (${sql.join(byName, sql` and `)}))
    order by m.name, m.id
    limit 10`.execute(db)
  return rows
}

/** Of `memberIds`, those who blocked `authorId`. */
export async function blockersOf(db: Db, authorId: number, memberIds: readonly number[]): Promise<number[]> {
  if (memberIds.length === 0) return []
  const { rows } = await sql<{ id: number }>`
    select blocker_id as id from member_blocks
    where blocked_id = ${authorId} and blocker_id = any(${sql.val([...memberIds])}::int[])`.execute(db)
  return rows.map((row) => row.id)
}

/** The sender's status, read with a share lock so that a suspension waits for the message or wins. */
export async function lockSenderStatus(db: Db, memberId: number): Promise<string | null> {
  const { rows } = await sql<{ status: string }>`
    select status from members where id = ${memberId} for share`.execute(db)
  return rows[0]?.status ?? null
}

export async function insertConversation(db: Db, startedBy: number): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    insert into conversations (started_by) values (${startedBy}) returning id`.execute(db)
  return rows[0]!.id
}

export async function insertParticipants(
  db: Db,
  conversationId: number,
  memberIds: readonly number[],
  addedBy: number,
  firstMessageId: number,
): Promise<void> {
  await sql`insert into conversation_participants (conversation_id, member_id, added_by, first_message_id)
    select ${conversationId}, id, ${addedBy}, ${firstMessageId} from unnest(${sql.val([...memberIds])}::int[]) as id
    on conflict (conversation_id, member_id) do update
      set left_at = null, joined_at = now(), added_by = excluded.added_by,
        first_message_id = excluded.first_message_id, last_read_message_id = 0, mailed_message_id = null
      where conversation_participants.left_at is not null`.execute(db)
}

export interface NewMessage {
  conversationId: number
  authorId: number
  kind: 'message' | 'joined' | 'left'
  subjectId?: number | null
  source?: string
  html?: string
  formKey?: string | null
}

/** Writes a message; a resent form (same author and form key) writes nothing and gets null. */
export async function insertMessage(db: Db, message: NewMessage): Promise<number | null> {
  const { rows } = await sql<{ id: number }>`
    insert into direct_messages (conversation_id, author_id, kind, subject_id, body_source, body_html, form_key)
    values (${message.conversationId}, ${message.authorId}, ${message.kind}, ${message.subjectId ?? null},
      ${message.source ?? ''}, ${message.html ?? ''}, ${message.formKey || null})
    on conflict (author_id, form_key) where form_key is not null do nothing
    returning id`.execute(db)
  if (rows[0]) {
    await sql`update conversations set last_message_id = ${rows[0].id}, last_message_at = now()
      where id = ${message.conversationId}`.execute(db)
  }
  return rows[0]?.id ?? null
}

/** The message an earlier send of the same form wrote (a resent form). */
export async function findByFormKey(db: Db, authorId: number, formKey: string) {
  const { rows } = await sql<{ id: number; conversationId: number }>`
    select id, conversation_id as "conversationId" from direct_messages
    where author_id = ${authorId} and form_key = ${formKey}`.execute(db)
  return rows[0] ?? null
}

/** The conversation row, locked, if the viewer takes part in it. */
export async function lockOpenConversation(db: Db, viewer: ViewerId, conversationId: number) {
  const { rows } = await sql<{ id: number }>`
    select c.id from conversations c
    where c.id = ${conversationId} and ${conversationOpenTo(viewer, 'c')}
    for update of c`.execute(db)
  return rows[0] ?? null
}

export interface Participant {
  id: number
  name: string
  handle: string | null
  organisation: string
  blocked: boolean
}

/** The current participants, the viewer first; `blocked` says whether the viewer blocked them. */
export async function participantsOf(
  db: Db,
  viewer: ViewerId,
  conversationId: number,
): Promise<Participant[]> {
  const { rows } = await sql<Participant>`
    select m.id, m.name, m.handle, o.name as organisation,
      exists (select 1 from member_blocks b where b.blocker_id = ${viewer} and b.blocked_id = m.id) as blocked
    from conversation_participants cp
    join members m on m.id = cp.member_id
    join organisations o on o.id = m.organisation_id
    where cp.conversation_id = ${conversationId} and cp.left_at is null
    order by m.id <> ${viewer}, cp.joined_at, m.name`.execute(db)
  return rows
}

export interface ShownMessage {
  id: number
  kind: 'message' | 'joined' | 'left'
  authorId: number | null
  authorName: string | null
  subjectName: string | null
  bodyHtml: string
  hidden: boolean
  createdAt: string
  unread: boolean
}

export const pageSize = 50

/**
 * A window of the conversation as the viewer may see it: the newest `pageSize` messages (or
 * those before `before`), oldest first, and whether there are earlier ones.
 */
export async function messagesFor(
  db: Db,
  viewer: ViewerId,
  conversationId: number,
  options: { before?: number; after?: number } = {},
): Promise<{ messages: ShownMessage[]; earlier: boolean }> {
  const { rows } = await sql<ShownMessage>`
    select dm.id, dm.kind, dm.author_id as "authorId", a.name as "authorName", s.name as "subjectName",
      case when dm.hidden_at is null then dm.body_html else '' end as "bodyHtml",
      dm.hidden_at is not null as hidden, dm.created_at::text as "createdAt",
      (dm.id > cp.last_read_message_id and dm.author_id is distinct from ${viewer}) as unread
    from direct_messages dm
    join conversation_participants cp on cp.conversation_id = dm.conversation_id and cp.member_id = ${viewer}
    left join members a on a.id = dm.author_id
    left join members s on s.id = dm.subject_id
    where dm.conversation_id = ${conversationId} and ${messageShownTo(viewer, 'dm')}
      and dm.id < ${options.before ?? 2_147_483_647} and dm.id > ${options.after ?? 0}
    order by dm.id desc
    limit ${pageSize + 1}`.execute(db)
  const earlier = rows.length > pageSize
  return { messages: rows.slice(0, pageSize).reverse(), earlier }
}

/** One message the viewer may see (for reporting it). */
export async function findShownMessage(db: Db, viewer: ViewerId, messageId: number) {
  const { rows } = await sql<{
    id: number
    conversationId: number
    authorId: number | null
    authorName: string | null
    bodyHtml: string
    kind: string
    hidden: boolean
  }>`
    select dm.id, dm.conversation_id as "conversationId", dm.author_id as "authorId", a.name as "authorName",
      dm.body_html as "bodyHtml", dm.kind, dm.hidden_at is not null as hidden
    from direct_messages dm left join members a on a.id = dm.author_id
    where dm.id = ${messageId} and ${messageShownTo(viewer, 'dm')}`.execute(db)
  return rows[0] ?? null
}

export async function markRead(db: Db, viewer: ViewerId, conversationId: number): Promise<void> {
  await sql`update conversation_participants cp
    set last_read_message_id = greatest(cp.last_read_message_id, c.last_message_id)
    from conversations c
    where c.id = cp.conversation_id and cp.conversation_id = ${conversationId} and cp.member_id = ${viewer}
      and cp.last_read_message_id < c.last_message_id`.execute(db)
}

export interface ConversationLine {
  id: number
  names: string[]
  others: number
  lastMessageAt: string
  unread: number
}

/** The viewer's conversations: those with unread messages first, then the latest first. */
export async function conversationsOf(db: Db, viewer: ViewerId, limit = 100): Promise<ConversationLine[]> {
  const { rows } = await sql<ConversationLine>`
    select id, "lastMessageAt", names, others, unread from (
    select c.id, c.last_message_id as "lastId", c.last_message_at::text as "lastMessageAt",
      coalesce((select array_agg(m.name order by m.name) from conversation_participants o
        join members m on m.id = o.member_id
        where o.conversation_id = c.id and o.left_at is null and o.member_id <> ${viewer}), '{}') as names,
      (select count(*)::int from conversation_participants o
        where o.conversation_id = c.id and o.left_at is null and o.member_id <> ${viewer}) as others,
      case when c.last_message_id > cp.last_read_message_id then (select count(*)::int from direct_messages dm
        where dm.conversation_id = c.id and dm.id > cp.last_read_message_id and dm.kind = 'message'
          and dm.author_id <> ${viewer} and ${messageShownTo(viewer, 'dm')}
      ) else 0 end as unread
    from conversation_participants cp join conversations c on c.id = cp.conversation_id
    where cp.member_id = ${viewer} and cp.left_at is null and ${conversationOpenTo(viewer, 'c')}
    ) lines
    order by unread > 0 desc, "lastId" desc
    limit ${limit}`.execute(db)
  return rows
}

/**
 * Conversations with a message the viewer has not read (the navigation's count), as SQL over the
 * viewer (a member id or a column): the session statement reads it with the session.
 */
export function unreadConversationsOf(viewer: Viewer): RawBuilder<number> {
  // Conversations with nothing after the viewer's read mark are ruled out by one row each
  // (conversations.last_message_id) before any message is looked at.
  return sql<number>`(select count(*)::int from conversation_participants cp
    join conversations c on c.id = cp.conversation_id and c.last_message_id > cp.last_read_message_id
    where cp.member_id = ${viewer} and cp.left_at is null
      and exists (select 1 from direct_messages dm
        where dm.conversation_id = cp.conversation_id and dm.id > cp.last_read_message_id
          and dm.kind = 'message' and dm.author_id <> ${viewer} and ${messageShownTo(viewer, 'dm')}))`
}

export async function countUnreadConversations(db: Db, viewer: ViewerId): Promise<number> {
  const { rows } = await sql<{ n: number }>`select ${unreadConversationsOf(viewer)} as n`.execute(db)
  return rows[0]?.n ?? 0
}

export async function countActiveParticipants(db: Db, conversationId: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from conversation_participants
    where conversation_id = ${conversationId} and left_at is null`.execute(db)
  return rows[0]?.n ?? 0
}

export async function markLeft(db: Db, conversationId: number, memberId: number): Promise<void> {
  await sql`update conversation_participants set left_at = now()
    where conversation_id = ${conversationId} and member_id = ${memberId} and left_at is null`.execute(db)
}

export interface MailRecipient {
  id: number
  email: string
  name: string
  locale: Locale | null
}

/**
 * The participants to tell about message `messageId` by mail, marked as told: verified, mail
 * wanted, not its author, not blocking or muting the author, and having read everything up to the message
 * their last mail was about (one mail per stretch of unread messages, never one per message).
 */
export async function takeMailRecipients(
  db: Db,
  conversationId: number,
  messageId: number,
  authorId: number,
): Promise<MailRecipient[]> {
  const { rows } = await sql<MailRecipient>`
    update conversation_participants cp set mailed_message_id = ${messageId}
    from members m
    where m.id = cp.member_id and cp.conversation_id = ${conversationId} and cp.left_at is null
      and cp.member_id <> ${authorId} and m.status = 'verified'
      and (cp.mailed_message_id is null or cp.last_read_message_id >= cp.mailed_message_id)
      and coalesce((select s.mail_mode from message_settings s where s.member_id = m.id), 'immediately') = 'immediately'
      and not ${silencedBy(sql.ref<number>('m.id'), sql`${authorId}::int`)}
    returning m.id, m.email, m.name, m.locale`.execute(db)
  return rows
}

/**
 * The hourly summaries due now, marked as told: per verified member who wants mail hourly, the
 * conversations with messages they have not read and not yet been told about. Rows another
 * runner is marking are skipped (several instances never send the same summary twice).
 */
export async function takeHourlySummaries(db: Db): Promise<(MailRecipient & { conversations: number })[]> {
  const { rows } = await sql<MailRecipient & { conversations: number }>`
    with due as (
      select cp.conversation_id, cp.member_id, c.last_message_id
      from conversation_participants cp
      join conversations c on c.id = cp.conversation_id
      join members m on m.id = cp.member_id and m.status = 'verified'
      join message_settings s on s.member_id = cp.member_id and s.mail_mode = 'hourly'
      where cp.left_at is null
        and (cp.mailed_message_id is null or cp.last_read_message_id >= cp.mailed_message_id)
        and exists (select 1 from direct_messages dm
          where dm.conversation_id = cp.conversation_id and dm.id > cp.last_read_message_id
            and dm.kind = 'message' and dm.author_id <> cp.member_id
            and ${messageShownTo(sql.ref<number>('cp.member_id'), 'dm')})
      for update of cp skip locked
    ), marked as (
      update conversation_participants cp set mailed_message_id = due.last_message_id
      from due where cp.conversation_id = due.conversation_id and cp.member_id = due.member_id
      returning cp.member_id
    )
    select m.id, m.email, m.name, m.locale, count(*)::int as conversations
    from marked join members m on m.id = marked.member_id
    group by m.id`.execute(db)
  return rows
}

export async function block(db: Db, blockerId: number, blockedId: number): Promise<void> {
  await sql`insert into member_blocks (blocker_id, blocked_id) values (${blockerId}, ${blockedId})
    on conflict do nothing`.execute(db)
}

export async function unblock(db: Db, blockerId: number, blockedId: number): Promise<void> {
  await sql`delete from member_blocks where blocker_id = ${blockerId} and blocked_id = ${blockedId}`.execute(
    db,
  )
}

export async function blockedBy(db: Db, blockerId: number): Promise<{ id: number; name: string }[]> {
  const { rows } = await sql<{ id: number; name: string }>`
    select m.id, m.name from member_blocks b join members m on m.id = b.blocked_id
    where b.blocker_id = ${blockerId} order by m.name`.execute(db)
  return rows
}

export type MailMode = 'immediately' | 'hourly' | 'never'

export async function mailModeOf(db: Db, memberId: number): Promise<MailMode> {
  const { rows } = await sql<{ mode: MailMode }>`
    select mail_mode as mode from message_settings where member_id = ${memberId}`.execute(db)
  return rows[0]?.mode ?? 'immediately'
}

export async function setMailMode(db: Db, memberId: number, mode: MailMode): Promise<void> {
  await sql`insert into message_settings (member_id, mail_mode) values (${memberId}, ${mode})
    on conflict (member_id) do update set mail_mode = excluded.mail_mode, updated_at = now()`.execute(db)
}

// ---------------------------------------------------------------------------------------
// Reports of a message: the only way a moderator sees one.

export async function upsertReport(
  db: Db,
  report: { messageId: number; reporterId: number; reason: string; text: string },
): Promise<void> {
  await sql`insert into message_reports (message_id, reporter_id, reason, text)
    values (${report.messageId}, ${report.reporterId}, ${report.reason}, ${report.text})
    on conflict (message_id, reporter_id) where resolved_at is null
    do update set reason = excluded.reason, text = excluded.text, created_at = now()`.execute(db)
}

export async function countOpenReports(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(distinct message_id)::int as n from message_reports where resolved_at is null`.execute(db)
  return rows[0]?.n ?? 0
}

export interface ReportedMessage {
  messageId: number
  authorId: number | null
  authorName: string | null
  bodyHtml: string
  hidden: boolean
  firstReportedAt: string
  reports: { reason: string; text: string; reporterName: string; at: string }[]
}

/** Open reports, one group per message, the longest-waiting first: the reported message only. */
export async function listOpenReports(db: Db, limit = 100): Promise<ReportedMessage[]> {
  const { rows } = await sql<ReportedMessage>`
    select dm.id as "messageId", dm.author_id as "authorId", a.name as "authorName",
      dm.body_html as "bodyHtml", dm.hidden_at is not null as hidden,
      to_char(min(r.created_at) at time zone 'Europe/Berlin', 'DD.MM.YYYY HH24:MI') as "firstReportedAt",
      json_agg(json_build_object('reason', r.reason, 'text', r.text, 'reporterName', m.name,
        'at', to_char(r.created_at at time zone 'Europe/Berlin', 'DD.MM.YYYY HH24:MI')) order by r.created_at) as reports
    from message_reports r
    join direct_messages dm on dm.id = r.message_id
    left join members a on a.id = dm.author_id
    join members m on m.id = r.reporter_id
    where r.resolved_at is null
    group by dm.id, a.id
    order by min(r.created_at)
    limit ${limit}`.execute(db)
  return rows
}

/** Closes the message's open reports; returns its author, or null when there were none open. */
export async function resolveReports(
  db: Db,
  messageId: number,
  resolution: { by: number; outcome: 'dismissed' | 'hidden' | 'suspended'; note: string },
): Promise<{ authorId: number | null; reports: number } | null> {
  const { rows } = await sql<{ authorId: number | null }>`
    update message_reports r set resolved_at = now(), resolved_by = ${resolution.by},
      outcome = ${resolution.outcome}, outcome_note = ${resolution.note}
    from direct_messages dm
    where dm.id = r.message_id and r.message_id = ${messageId} and r.resolved_at is null
    returning dm.author_id as "authorId"`.execute(db)
  if (rows.length === 0) return null
  return { authorId: rows[0]!.authorId, reports: rows.length }
}

/** The reported message's author, if it has open reports (a moderator may act on it). */
export async function reportedMessageAuthor(db: Db, messageId: number) {
  const { rows } = await sql<{ authorId: number | null }>`
    select dm.author_id as "authorId" from direct_messages dm
    where dm.id = ${messageId}
      and exists (select 1 from message_reports r where r.message_id = dm.id and r.resolved_at is null)`.execute(
    db,
  )
  return rows[0] ?? null
}

export async function hideMessage(db: Db, messageId: number): Promise<void> {
  await sql`update direct_messages set hidden_at = now() where id = ${messageId} and hidden_at is null`.execute(
    db,
  )
}
