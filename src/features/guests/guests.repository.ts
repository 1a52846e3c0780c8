// Queries of guests in a single thread: proposals, invitations and access (thread_guests), and the
// guest's members row (status 'guest'). Every function takes `db` first, so a transaction is just
// another `db`. Whether a guest may see a thread is the one visibility rule's answer
// (core/visibility, guestOf); nothing here repeats it for reading member content.
import { type RawBuilder, sql } from 'kysely'
import { threadVisibleTo } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { GuestStatus } from './guests.tables.ts'

/** The guests' one organisation row (migration 2026-12-03T10): historical, so offered nowhere. */
const guestOrganisationName = 'Gäste (extern)'

export interface ThreadFacts {
  id: number
  title: string
  authorId: number
  confidential: boolean
  locked: boolean
  /** The thread lies in a Themenraum of a closed group. */
  inGroup: boolean
  /** The opening post was deleted (the thread is gone for readers). */
  deleted: boolean
}

/** The thread, if the viewer may see it, with what decides whether it can have guests. */
export async function findThreadFacts(db: Db, viewerId: number, threadId: number) {
  const result = await sql<ThreadFacts>`
    select t.id, t.title, t.author_id as "authorId", t.confidential, t.locked,
      exists (select 1 from group_categories gc where gc.category_id = t.category_id) as "inGroup",
      coalesce((select op.deleted_at is not null from posts op where op.id = t.opening_post_id), false) as deleted
    from threads t where t.id = ${threadId} and ${threadVisibleTo(viewerId, 't')}
  `.execute(db)
  return result.rows[0]
}

export interface GuestRow {
  id: number
  threadId: number
  memberId: number | null
  email: string
  name: string
  organisation: string
  reason: string
  status: GuestStatus
  expiresAt: Date | null
  expired: boolean
  proposedByName: string | null
}

const guestColumns = sql`g.id, g.thread_id as "threadId", g.member_id as "memberId", g.email, g.name,
  g.organisation_name as organisation, g.reason, g.status, g.expires_at as "expiresAt",
  coalesce(g.expires_at <= now(), false) as expired, pm.name as "proposedByName"`

/** The proposals, invitations and access of a thread that are still open or running. */
export async function guestsOfThread(db: Db, threadId: number): Promise<GuestRow[]> {
  const result = await sql<GuestRow>`
    select ${guestColumns} from thread_guests g left join members pm on pm.id = g.proposed_by
    where g.thread_id = ${threadId} and g.status in ('proposed', 'invited', 'active')
    order by g.id`.execute(db)
  return result.rows
}

export async function findGuest(db: Db, guestId: number, lock = false): Promise<GuestRow | undefined> {
  const result = await sql<GuestRow>`
    select ${guestColumns} from thread_guests g left join members pm on pm.id = g.proposed_by
    where g.id = ${guestId} ${lock ? sql`for update of g` : sql``}`.execute(db)
  return result.rows[0]
}

/**
 * The thread's guests: those approved (invited or active; `current` while their time runs) for
 * the banner, and everyone who ever wrote here as a guest, for the "Gast" mark on their posts.
 * One JSON array, as a column of the thread page's own query (discussions reads it there).
 */
export function threadGuestsColumn(threadAlias: string): RawBuilder<BannerGuest[]> {
  const thread = sql.ref(`${threadAlias}.id`)
  return sql<BannerGuest[]>`coalesce((select json_agg(json_build_object('memberId', bg.member_id,
      'name', bg.name, 'organisation', bg.organisation_name,
      'current', bg.status in ('invited', 'active') and bg.expires_at > now()) order by bg.id)
    from thread_guests bg where bg.thread_id = ${thread}
      and (bg.status in ('invited', 'active') or (bg.status = 'ended' and bg.member_id is not null))), '[]'::json)`
}

export interface BannerGuest {
  memberId: number | null
  name: string
  organisation: string
  /** Approved and not expired: named in the banner. */
  current: boolean
}

/** Any account with this address that is not a guest's: such an address can never be a guest. */
export async function memberWithAddress(
  db: Db,
  email: string,
): Promise<{ id: number; status: string } | undefined> {
  return db.selectFrom('members').select(['id', 'status']).where('email', '=', email).executeTakeFirst()
}

export async function openProposalFor(db: Db, threadId: number, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('thread_guests')
    .select('id')
    .where('thread_id', '=', threadId)
    .where('email', '=', email)
    .where('status', 'in', ['proposed', 'invited', 'active'])
    .executeTakeFirst()
  return row !== undefined
}

export async function insertProposal(
  db: Db,
  values: { threadId: number; email: string; name: string; organisation: string; reason: string; by: number },
): Promise<number> {
  const row = await db
    .insertInto('thread_guests')
    .values({
      thread_id: values.threadId,
      email: values.email,
      name: values.name,
      organisation_name: values.organisation,
      reason: values.reason,
      proposed_by: values.by,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export interface ProposalRow extends GuestRow {
  threadTitle: string
}

/** The moderators' list: open proposals, oldest first. */
export async function openProposals(db: Db): Promise<ProposalRow[]> {
  const result = await sql<ProposalRow>`
    select ${guestColumns}, t.title as "threadTitle"
    from thread_guests g join threads t on t.id = g.thread_id left join members pm on pm.id = g.proposed_by
    where g.status = 'proposed' order by g.created_at, g.id limit 200`.execute(db)
  return result.rows
}

export async function countOpenProposals(db: Db): Promise<number> {
  const row = await db
    .selectFrom('thread_guests')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', '=', 'proposed')
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** A moderator's decision; only a proposal still open changes (a second click changes nothing). */
export async function decideProposal(
  db: Db,
  guestId: number,
  decision: { status: 'invited' | 'declined'; by: number; tokenHash?: string; days?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('thread_guests')
    .set({
      status: decision.status,
      decided_by: decision.by,
      decided_at: sql`now()`,
      token_hash: decision.tokenHash ?? null,
      expires_at: decision.days === undefined ? null : sql`now() + make_interval(days => ${decision.days})`,
    })
    .where('id', '=', guestId)
    .where('status', '=', 'proposed')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The invitation a token opens: approved, not yet used, not expired. */
export async function findInvitation(db: Db, tokenHash: string, lock = false) {
  let query = db
    .selectFrom('thread_guests')
    .select(['id', 'thread_id', 'email', 'name'])
    .where('token_hash', '=', tokenHash)
    .where('status', '=', 'invited')
    .where('expires_at', '>', sql<Date>`now()`)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** The guest's account: a members row with the status 'guest', the address confirmed by the link. */
export async function saveGuestAccount(
  db: Db,
  guest: { email: string; name: string; passwordHash: string; existingId?: number },
): Promise<number> {
  if (guest.existingId !== undefined) {
    await db
      .updateTable('members')
      .set({ password_hash: guest.passwordHash, updated_at: sql`now()` })
      .where('id', '=', guest.existingId)
      .where('status', '=', 'guest')
      .execute()
    return guest.existingId
  }
  const row = await db
    .insertInto('members')
    .values({
      email: guest.email,
      name: guest.name,
      job_title: '',
      organisation_id: sql<number>`(select id from organisations
        where name = ${guestOrganisationName} and historical_at is not null order by id limit 1)`,
      password_hash: guest.passwordHash,
      status: 'guest',
      email_confirmed_at: sql`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function activate(db: Db, guestId: number, memberId: number, days: number): Promise<void> {
  await db
    .updateTable('thread_guests')
    .set({
      member_id: memberId,
      status: 'active',
      token_hash: null,
      expires_at: sql`now() + make_interval(days => ${days})`,
    })
    .where('id', '=', guestId)
    .execute()
}

/** Renewal: the days count from now, or from the current end when that is later. */
export async function renew(db: Db, guestId: number, days: number): Promise<boolean> {
  const result = await db
    .updateTable('thread_guests')
    .set({ expires_at: sql`greatest(expires_at, now()) + make_interval(days => ${days})` })
    .where('id', '=', guestId)
    .where('status', 'in', ['invited', 'active'])
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function end(db: Db, guestId: number): Promise<boolean> {
  const result = await db
    .updateTable('thread_guests')
    // The end is an expiry now: retention counts from expires_at (accounts/retention.ts).
    .set({ status: 'ended', token_hash: null, expires_at: sql`least(expires_at, now())` })
    .where('id', '=', guestId)
    .where('status', 'in', ['invited', 'active'])
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export interface GuestAccessRow {
  threadId: number
  title: string
  expiresAt: Date
  current: boolean
}

/** A guest's own accesses (their start page): the thread title only where the access holds. */
export async function accessesOf(db: Db, memberId: number): Promise<GuestAccessRow[]> {
  const result = await sql<GuestAccessRow>`
    select g.thread_id as "threadId", case when g.expires_at > now() then t.title else '' end as title,
      g.expires_at as "expiresAt", g.expires_at > now() as current
    from thread_guests g join threads t on t.id = g.thread_id
    where g.member_id = ${memberId} and g.status = 'active'
    order by g.expires_at desc`.execute(db)
  return result.rows
}
