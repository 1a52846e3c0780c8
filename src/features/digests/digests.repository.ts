// Queries of the digests feature: settings, due members, what goes into a digest, the
// delivery records, and adding jobs in bulk. Every function takes `db` first, so a
// transaction is just another `db`.
import { type RawBuilder, sql } from 'kysely'
import {
  categoryVisibleTo,
  postReadableBy,
  postShownTo,
  threadVisibleTo,
} from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { Locale, MemberStatus } from '../../db/schema.ts'
import type { Stage } from '../discussions/discussions.service.ts'
import type {
  DeliveryKind,
  DeliveryStatus,
  DigestFrequency,
  FollowedThreadCount,
  MailDelivery,
  NotifyMode,
} from './digests.tables.ts'

export interface DigestSettingsValues {
  frequency: DigestFrequency
  allCategories: boolean
  categoryIds: number[]
  notifyMode: NotifyMode
}

export const defaultSettings: DigestSettingsValues = {
  frequency: 'weekly',
  allCategories: true,
  categoryIds: [],
  notifyMode: 'immediately',
}

export async function findSettings(db: Db, memberId: number): Promise<DigestSettingsValues> {
  const row = await db
    .selectFrom('member_digest_settings')
    .select(['frequency', 'all_categories', 'category_ids', 'notify_mode'])
    .where('member_id', '=', memberId)
    .executeTakeFirst()
  if (!row) return { ...defaultSettings }
  return {
    frequency: row.frequency,
    allCategories: row.all_categories,
    categoryIds: row.category_ids,
    notifyMode: row.notify_mode,
  }
}

export async function saveSettings(db: Db, memberId: number, values: DigestSettingsValues): Promise<void> {
  const row = {
    frequency: values.frequency,
    all_categories: values.allCategories,
    category_ids: values.categoryIds,
    notify_mode: values.notifyMode,
  }
  await db
    .insertInto('member_digest_settings')
    .values({ member_id: memberId, ...row })
    .onConflict((oc) => oc.column('member_id').doUpdateSet({ ...row, updated_at: sql`now()` }))
    .execute()
}

/** Turns the digest off; idempotent. False when there is no such member. */
export async function switchDigestOff(db: Db, memberId: number): Promise<boolean> {
  const result = await sql`
    insert into member_digest_settings (member_id, frequency)
    select id, 'never' from members where id = ${memberId}
    on conflict (member_id) do update set frequency = 'never', updated_at = now()
    where member_digest_settings.frequency <> 'never'`.execute(db)
  if (Number(result.numAffectedRows ?? 0) > 0) return true
  const exists = await db.selectFrom('members').select('id').where('id', '=', memberId).executeTakeFirst()
  return exists !== undefined
}

/** The open Themenräume the member may see (a closed group's only for its members, named with it). */
export async function listCategories(db: Db, memberId: number): Promise<{ id: number; name: string }[]> {
  const named = sql<string>`coalesce((select g.name from group_categories gc join groups g on g.id = gc.group_id
    where gc.category_id = c.id) || ' / ' || c.name, c.name)`
  return db
    .selectFrom('categories as c')
    .select(['id', named.as('name')])
    .where('archived_at', 'is', null)
    .where(categoryVisibleTo(memberId, 'c'))
    .orderBy('position')
    .orderBy('name')
    .execute()
}

// --- scheduling ---------------------------------------------------------------------------

/** Verified members whose digest for the current period has not been recorded, by id. */
export async function dueMembersBatch(
  db: Db,
  options: { afterId: number; limit: number; daily: string; weekly: string },
): Promise<{ id: number; period: string }[]> {
  const period = sql<string>`case coalesce(s.frequency, 'weekly') when 'daily' then ${options.daily}::text else ${options.weekly}::text end`
  const { rows } = await sql<{ id: number; period: string }>`
    select m.id, ${period} as period
    from members m
    left join member_digest_settings s on s.member_id = m.id
    where m.id > ${options.afterId}
      and m.status = 'verified'
      and coalesce(s.frequency, 'weekly') <> 'never'
      and s.digest_period is distinct from ${period}
    order by m.id
    limit ${options.limit}`.execute(db)
  return rows
}

// --- composing ----------------------------------------------------------------------------

export interface LockedMember {
  memberId: number
  status: MemberStatus
  email: string
  locale: Locale | null
  verifiedAt: Date | null
  createdAt: Date
  frequency: DigestFrequency
  allCategories: boolean
  categoryIds: number[]
  notifyMode: NotifyMode
  digestWatermark: Date | null
  digestPeriod: string | null
  carryFrom: Date | null
  lastNotificationMailAt: Date | null
}

/**
 * Creates the member's settings row if missing and locks it for the rest of the transaction:
 * a second composer for the same member waits here and then sees the recorded period.
 */
export async function lockMemberForMail(db: Db, memberId: number): Promise<LockedMember | undefined> {
  await sql`insert into member_digest_settings (member_id) select id from members where id = ${memberId}
    on conflict (member_id) do nothing`.execute(db)
  const { rows } = await sql<LockedMember>`
    select s.member_id as "memberId", m.status, m.email::text as email, m.locale,
      m.verified_at as "verifiedAt", m.created_at as "createdAt",
      s.frequency, s.all_categories as "allCategories", s.category_ids as "categoryIds",
      s.notify_mode as "notifyMode", s.digest_watermark as "digestWatermark",
      s.digest_period as "digestPeriod", s.carry_from as "carryFrom",
      s.last_notification_mail_at as "lastNotificationMailAt"
    from member_digest_settings s join members m on m.id = s.member_id
    where s.member_id = ${memberId}
    for update of s`.execute(db)
  return rows[0]
}

export async function insertDelivery(
  db: Db,
  values: {
    memberId: number
    kind: DeliveryKind
    periodKey: string
    windowStart: Date
    windowEnd: Date
    threadIds?: number[]
    threadCount?: number
    followed?: FollowedThreadCount[]
    notificationIds?: number[]
    messageId: string
  },
): Promise<number | undefined> {
  const row = await db
    .insertInto('mail_deliveries')
    .values({
      member_id: values.memberId,
      kind: values.kind,
      period_key: values.periodKey,
      window_start: values.windowStart,
      window_end: values.windowEnd,
      thread_ids: values.threadIds ?? [],
      thread_count: values.threadCount ?? 0,
      followed: JSON.stringify(values.followed ?? []),
      notification_ids: values.notificationIds ?? [],
      message_id: values.messageId,
    })
    .onConflict((oc) => oc.constraint('mail_deliveries_once_per_period').doNothing())
    .returning('id')
    .executeTakeFirst()
  return row?.id
}

// --- delivering ---------------------------------------------------------------------------

export type ClaimedDelivery = Omit<MailDelivery, 'notification_ids'> & { notification_ids: number[] }

/**
 * A new attempt at a queued delivery (attempts + 1; it stays queued until it is handed over).
 * Undefined when it is not queued (sent, dropped, or handed over by an attempt that never
 * came back).
 */
export async function claimDelivery(db: Db, id: number): Promise<ClaimedDelivery | undefined> {
  const { rows } = await sql<ClaimedDelivery>`
    update mail_deliveries set attempts = attempts + 1
    where id = ${id} and status = 'queued'
    returning id, member_id, kind, period_key, window_start, window_end, thread_ids, thread_count,
      followed, notification_ids::int[] as notification_ids, message_id, status, attempts, created_at, sent_at`.execute(
    db,
  )
  return rows[0]
}

export async function deliveryStatus(db: Db, id: number) {
  return db
    .selectFrom('mail_deliveries')
    .select(['id', 'member_id', 'kind', 'status', 'window_start'])
    .where('id', '=', id)
    .executeTakeFirst()
}

/**
 * Moves a delivery from one of `from` to `status`; with `attempt`, only if that attempt still
 * owns it (a compare-and-set: only the attempt that claimed it last may hand it over).
 */
export async function moveDelivery(
  db: Db,
  id: number,
  from: DeliveryStatus[],
  status: DeliveryStatus,
  attempt?: number,
): Promise<boolean> {
  let query = db
    .updateTable('mail_deliveries')
    .set({ status, ...(status === 'sent' ? { sent_at: sql`now()` } : {}) })
    .where('id', '=', id)
    .where('status', 'in', from)
  if (attempt !== undefined) query = query.where('attempts', '=', attempt)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** A digest that may or may not have arrived: the next digest covers its window again. */
export async function carryWindowForward(db: Db, memberId: number, windowStart: Date): Promise<void> {
  await sql`update member_digest_settings
    set carry_from = least(coalesce(carry_from, ${windowStart}), ${windowStart}), updated_at = now()
    where member_id = ${memberId}`.execute(db)
}

export interface RecipientRow {
  id: number
  name: string
  email: string
  status: MemberStatus
  locale: Locale | null
}

export async function findRecipient(db: Db, memberId: number): Promise<RecipientRow | undefined> {
  const { rows } = await sql<RecipientRow>`
    select id, name, email::text as email, status, locale from members where id = ${memberId}`.execute(db)
  return rows[0]
}

/** A thread as the digest shows it; of a confidential one only its Themenraum (the rest is null). */
export type DigestThreadRow = {
  id: number
  /** The Themenraum; of a closed group's, "<group> / <Themenraum>" (groups feature). */
  categoryName: string
  categorySlug: string
  /** The closed group the thread belongs to, if any (only its members get it in a digest). */
  groupName: string | null
} & (
  | {
      confidential: false
      title: string
      stage: Stage
      authorName: string
      organisationName: string
      replyCount: number
      openingHtml: string | null
    }
  | {
      confidential: true
      title: null
      stage: null
      authorName: null
      organisationName: null
      replyCount: null
      openingHtml: null
    }
)

/**
 * What the digest shows of each thread the member may see, read when the mail is built (not
 * when it was queued). Of a confidential thread nothing but its Themenraum is even read.
 */
export async function digestThreads(db: Db, memberId: number, ids: number[]): Promise<DigestThreadRow[]> {
  if (ids.length === 0) return []
  const open = (value: RawBuilder<unknown>) => sql`case when t.confidential then null else ${value} end`
  const { rows } = await sql<DigestThreadRow>`
    select t.id, t.confidential, coalesce(g.name || ' / ' || c.name, c.name) as "categoryName",
      c.slug as "categorySlug", g.name as "groupName",
      ${open(sql`t.title`)} as title, ${open(sql`t.stage`)} as stage,
      ${open(sql`a.name`)} as "authorName", ${open(sql`o.name`)} as "organisationName",
      ${open(sql`t.reply_count`)} as "replyCount", ${open(sql`left(p.body_html, 2000)`)} as "openingHtml"
    from threads t
    join categories c on c.id = t.category_id
    left join group_categories gc on gc.category_id = c.id
    left join groups g on g.id = gc.group_id
    join members a on a.id = t.author_id
    join organisations o on o.id = a.organisation_id
    left join posts p on p.id = t.opening_post_id and ${postShownTo(memberId, 'p', 't')}
    where t.id = any(${sql.val(ids)}::int[])
      and ${threadVisibleTo(memberId, 't')}
    order by t.created_at desc, t.id desc`.execute(db)
  return rows
}

/** Followed threads the member may see; a confidential one without its title. */
export async function followedThreads(
  db: Db,
  memberId: number,
  ids: number[],
): Promise<{ id: number; title: string | null; confidential: boolean }[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<{ id: number; title: string | null; confidential: boolean }>`
    select t.id, case when t.confidential then null else t.title end as title, t.confidential
    from threads t
    where t.id = any(${sql.val(ids)}::int[]) and ${threadVisibleTo(memberId, 't')}`.execute(db)
  return rows
}

// --- notification mails -------------------------------------------------------------------

/** Conditions for a notification that may still be mailed: reply or mention, unread, not yet mailed. */
const mailableNotification = (from: Date, to: Date) => sql`
  n.kind in ('reply', 'mention')
  and n.read_at is null
  and n.created_at > ${from} and n.created_at <= ${to}
  and not exists (select 1 from mailed_notifications mn where mn.notification_id = n.id)`

/** Members with mailable notifications whose mode is one of `modes`, by id. */
export async function membersWithPendingNotifications(
  db: Db,
  options: { afterId: number; limit: number; from: Date; to: Date; modes: NotifyMode[] },
): Promise<number[]> {
  const { rows } = await sql<{ memberId: number }>`
    select distinct n.member_id as "memberId"
    from notifications n
    join members m on m.id = n.member_id and m.status = 'verified'
    left join member_digest_settings s on s.member_id = n.member_id
    where n.member_id > ${options.afterId}
      and ${mailableNotification(options.from, options.to)}
      and coalesce(s.notify_mode, 'immediately') = any(${sql.val(options.modes)}::text[])
    order by n.member_id
    limit ${options.limit}`.execute(db)
  return rows.map((r) => r.memberId)
}

/** The member's mailable notifications about posts they have not seen in the forum yet. */
export async function pendingNotifications(
  db: Db,
  options: { memberId: number; from: Date; to: Date; limit: number },
): Promise<{ id: number; createdAt: Date }[]> {
  const { rows } = await sql<{ id: number; createdAt: Date }>`
    select n.id, n.created_at as "createdAt"
    from notifications n
    join threads t on t.id = n.thread_id
    left join thread_reads r on r.member_id = n.member_id and r.thread_id = n.thread_id
    where n.member_id = ${options.memberId}
      and ${mailableNotification(options.from, options.to)}
      and ${threadVisibleTo(options.memberId, 't')}
      and (r.last_read_post_id is null or n.post_id > r.last_read_post_id)
    order by n.id
    limit ${options.limit}`.execute(db)
  return rows
}

export async function markNotificationsMailed(db: Db, deliveryId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return
  await sql`insert into mailed_notifications (notification_id, delivery_id)
    select unnest(${sql.val(ids)}::bigint[]), ${deliveryId}
    on conflict do nothing`.execute(db)
}

export async function noteNotificationMail(db: Db, memberId: number, at: Date): Promise<void> {
  await db
    .updateTable('member_digest_settings')
    .set({ last_notification_mail_at: at })
    .where('member_id', '=', memberId)
    .execute()
}

export async function pruneMailedNotifications(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('mailed_notifications').where('mailed_at', '<', before).execute()
}

/** Finished delivery records of past periods (their periods are never composed again). */
export async function pruneOldDeliveries(db: Db, before: Date): Promise<void> {
  await db
    .deleteFrom('mail_deliveries')
    .where('created_at', '<', before)
    .where('status', 'in', ['sent', 'dropped', 'skipped', 'uncertain'])
    .execute()
}

export interface NotificationMailRow {
  id: number
  kind: 'reply' | 'mention' | 'followed_thread'
  threadId: number
  postId: number
  confidential: boolean
  title: string
  actorName: string | null
  postHtml: string | null
}

/**
 * The notifications of a mail as they are now: ones the member has read in the meantime
 * (notification or thread) or may no longer see drop out; of confidential threads no title,
 * name or text is read.
 */
export async function notificationsForMail(
  db: Db,
  memberId: number,
  ids: number[],
): Promise<NotificationMailRow[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<NotificationMailRow>`
    select n.id, n.kind, n.thread_id as "threadId", n.post_id as "postId", t.confidential,
      case when t.confidential then '' else t.title end as title,
      case when t.confidential then null else a.name end as "actorName",
      case when t.confidential or not ${postReadableBy(memberId, 'p')} then null else left(p.body_html, 4000) end as "postHtml"
    from notifications n
    join threads t on t.id = n.thread_id
    join posts p on p.id = n.post_id
    left join members a on a.id = n.actor_id
    left join thread_reads r on r.member_id = n.member_id and r.thread_id = n.thread_id
    where n.member_id = ${memberId}
      and n.id = any(${sql.val(ids)}::bigint[])
      and ${threadVisibleTo(memberId, 't')}
      and n.read_at is null
      and (r.last_read_post_id is null or n.post_id > r.last_read_post_id)
    order by n.id`.execute(db)
  return rows
}

// --- composing in one statement -----------------------------------------------------------

/** Settings rows with the defaults for members who never saved any (before composing locks them). */
export async function ensureSettingsRows(db: Db, memberIds: number[]): Promise<void> {
  if (memberIds.length === 0) return
  await sql`insert into member_digest_settings (member_id)
    select unnest(${sql.val(memberIds)}::int[]) on conflict (member_id) do nothing`.execute(db)
}

export interface ComposeStatementResult {
  /** 1 when this statement recorded the period (0: not verified, not due, or recorded before). */
  recorded: number
  deliveryId: number | null
  settingsRow: boolean
}

/**
 * Composes and records one member's digest for one period in a single statement (a single
 * transaction): it locks the member's settings row, skips it unless the member is verified,
 * wants this kind of digest and has not got this period yet, picks the threads and followed
 * replies since the watermark (or since a carried-over uncertain digest), records the digest,
 * moves the watermark and the period key, and adds the send job. A second statement for the
 * same member and period waits for the lock and then finds the period recorded.
 */
/** Runs a named (prepared once per connection) statement; the job runner passes one. */
export type PreparedRunner = <R>(query: { name: string; text: string; values: unknown[] }) => Promise<R[]>

export async function composeDigestStatement(
  db: Db,
  prepared: PreparedRunner | undefined,
  options: {
    memberId: number
    period: string
    frequency: 'daily' | 'weekly'
    cutoff: Date
    firstWindow: string
    maxThreads: number
    maxFollowed: number
    messageId: string
  },
): Promise<ComposeStatementResult> {
  const query = sql<ComposeStatementResult>`
    with s as (
      select s.member_id, s.all_categories, s.category_ids, s.digest_watermark, s.carry_from
      from member_digest_settings s
      join members m on m.id = s.member_id
      where s.member_id = ${options.memberId}
        and m.status = 'verified'
        and s.frequency = ${options.frequency}
        and s.digest_period is distinct from ${options.period}
      for update of s
    ),
    win as (
      select s.member_id, s.all_categories, s.category_ids, e.window_end,
        least(
          -- A member's first digest covers one period back (also threads from before they joined).
          coalesce(s.digest_watermark, e.window_end - ${options.firstWindow}::interval),
          coalesce(s.carry_from, 'infinity')
        ) as window_start
      from s
      cross join lateral (
        select greatest(${options.cutoff}::timestamptz, coalesce(s.digest_watermark, '-infinity')) as window_end
      ) e
    ),
    candidate as (
      select t.id, t.created_at
      from win
      join threads t on t.created_at > win.window_start and t.created_at <= win.window_end
      where t.author_id <> win.member_id
        and (win.all_categories or t.category_id = any(win.category_ids))
        and ${threadVisibleTo(options.memberId, 't')}
    ),
    picked as (
      select (select count(*)::int from candidate) as total,
        array(select id from candidate order by created_at desc, id desc limit ${options.maxThreads}) as ids
    ),
    followed as (
      select coalesce(jsonb_agg(jsonb_build_object('threadId', x.thread_id, 'replies', x.replies)
          order by x.last_at desc), '[]'::jsonb) as items,
        count(*)::int as n
      from (
        select f.thread_id, count(p.id)::int as replies, max(p.created_at) as last_at
        from win
        join follows f on f.member_id = win.member_id
        join threads t on t.id = f.thread_id
        join posts p on p.thread_id = f.thread_id
        left join thread_reads r on r.member_id = f.member_id and r.thread_id = f.thread_id
        where p.parent_id is not null
          and ${threadVisibleTo(options.memberId, 't')}
          and ${postReadableBy(options.memberId, 'p')}
          and p.author_id <> win.member_id
          and p.created_at > win.window_start and p.created_at <= win.window_end
          and (r.last_read_post_id is null or p.id > r.last_read_post_id)
        group by f.thread_id
        order by max(p.created_at) desc
        limit ${options.maxFollowed}
      ) x
    ),
    recorded as (
      update member_digest_settings ds
      set digest_period = ${options.period}, digest_watermark = win.window_end, carry_from = null, updated_at = now()
      from win
      where ds.member_id = win.member_id
      returning ds.member_id
    ),
    delivery as (
      insert into mail_deliveries
        (member_id, kind, period_key, window_start, window_end, thread_ids, thread_count, followed, message_id)
      select win.member_id, 'digest', ${options.period}, win.window_start, win.window_end,
        picked.ids, picked.total, followed.items, ${options.messageId}
      from win, picked, followed
      where picked.total > 0 or followed.n > 0
      on conflict on constraint mail_deliveries_once_per_period do nothing
      returning id
    ),
    job as (
      select graphile_worker.add_job('send_digest', json_build_object('deliveryId', delivery.id),
        job_key => 'delivery:' || delivery.id, max_attempts => 12)
      from delivery
    )
    select (select count(*) from recorded)::int as recorded,
      (select id from delivery) as "deliveryId",
      (select count(*) from job) >= 0 and exists (select 1 from member_digest_settings where member_id = ${options.memberId}) as "settingsRow"`
  if (!prepared) return (await query.execute(db)).rows[0]!
  // The statement text never changes, so it is planned once per connection, not per member.
  const compiled = query.compile(db)
  const rows = await prepared<ComposeStatementResult>({
    name: 'vr_compose_digest_v2',
    text: compiled.sql,
    values: [...compiled.parameters],
  })
  return rows[0]!
}
