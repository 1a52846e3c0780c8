// Queries of closed groups (Arbeitsgruppen): groups, their members and admins, join requests and
// invitations, and their Themenräume. Every function takes `db` first, so a transaction is just
// another `db`. Whether a thread of a group is visible is decided by the one visibility rule
// (core/visibility), which reads group_members and group_categories; nothing here repeats it.
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { GroupRole, JoinMode } from './groups.tables.ts'

export interface GroupRow {
  id: number
  name: string
  description: string
  joinMode: JoinMode
}

/** What a member is to a group: nothing, invited, asking, member, or admin. */
export type Standing = 'none' | 'invited' | 'requested' | 'member' | 'admin'

export interface GroupListRow extends GroupRow {
  memberCount: number
  standing: Standing
  /** Open requests to join, counted only for those who decide them (group admins, site admins). */
  requestCount: number
}

const standingOf = (memberId: number) => sql<Standing>`coalesce(
  (select gm.role from group_members gm where gm.group_id = g.id and gm.member_id = ${memberId}),
  (select case r.kind when 'invitation' then 'invited' else 'requested' end
     from group_requests r where r.group_id = g.id and r.member_id = ${memberId}),
  'none')`

/** Open requests to the group aliased g, for its admins and the site admins; 0 for everyone else. */
const requestCountFor = (memberId: number, all: boolean) => sql<number>`case when ${all} or exists (
    select 1 from group_members gm where gm.group_id = g.id and gm.member_id = ${memberId} and gm.role = 'admin')
  then (select count(*)::int from group_requests r where r.group_id = g.id and r.kind = 'request') else 0 end`

/**
 * The groups a member may know of: open and on-request groups, and those they belong to or are
 * invited to (an invitation-only group is unknown to everyone else). `all` for the site admins.
 */
export async function listGroups(db: Db, memberId: number, all: boolean): Promise<GroupListRow[]> {
  const { rows } = await sql<GroupListRow>`
    select g.id, g.name, g.description, g.join_mode as "joinMode",
      (select count(*)::int from group_members gm where gm.group_id = g.id) as "memberCount",
      ${standingOf(memberId)} as standing, ${requestCountFor(memberId, all)} as "requestCount"
    from groups g
    where ${all} or g.join_mode <> 'invitation' or ${knownTo(memberId)}
    order by lower(g.name), g.id`.execute(db)
  return rows
}

/** The member belongs to the group aliased g or has an invitation to it. */
const knownTo = (memberId: number) => sql<boolean>`(
  exists (select 1 from group_members gm where gm.group_id = g.id and gm.member_id = ${memberId})
  or exists (select 1 from group_requests r where r.group_id = g.id and r.member_id = ${memberId}
    and r.kind = 'invitation'))`

/** One group, if the member may know of it (see listGroups), with the member's standing. */
export async function findGroup(
  db: Db,
  groupId: number,
  memberId: number,
  all: boolean,
): Promise<(GroupListRow & { adminCount: number }) | undefined> {
  const { rows } = await sql<GroupListRow & { adminCount: number }>`
    select g.id, g.name, g.description, g.join_mode as "joinMode",
      (select count(*)::int from group_members gm where gm.group_id = g.id) as "memberCount",
      (select count(*)::int from group_members gm where gm.group_id = g.id and gm.role = 'admin') as "adminCount",
      ${standingOf(memberId)} as standing, ${requestCountFor(memberId, all)} as "requestCount"
    from groups g
    where g.id = ${groupId} and (${all} or g.join_mode <> 'invitation' or ${knownTo(memberId)})`.execute(db)
  return rows[0]
}

/** The group row locked for a change (membership decisions run one at a time per group). */
export async function lockGroup(db: Db, groupId: number): Promise<GroupRow | undefined> {
  const { rows } = await sql<GroupRow>`
    select id, name, description, join_mode as "joinMode" from groups where id = ${groupId} for update`.execute(
    db,
  )
  return rows[0]
}

export async function nameTaken(db: Db, name: string, exceptId = 0): Promise<boolean> {
  const { rows } =
    await sql`select 1 from groups where lower(name) = lower(${name}) and id <> ${exceptId}`.execute(db)
  return rows.length > 0
}

export async function insertGroup(
  db: Db,
  values: { name: string; description: string; joinMode: JoinMode; createdBy: number },
): Promise<number> {
  const row = await db
    .insertInto('groups')
    .values({
      name: values.name,
      description: values.description,
      join_mode: values.joinMode,
      created_by: values.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateGroup(
  db: Db,
  groupId: number,
  values: { name: string; description: string; joinMode: JoinMode },
): Promise<void> {
  await db
    .updateTable('groups')
    .set({ name: values.name, description: values.description, join_mode: values.joinMode })
    .where('id', '=', groupId)
    .execute()
}

export interface GroupMemberRow {
  id: number
  name: string
  handle: string
  jobTitle: string
  organisation: string
  role: GroupRole
}

/** The group's members who are verified now, admins first. */
export async function listMembers(db: Db, groupId: number): Promise<GroupMemberRow[]> {
  const { rows } = await sql<GroupMemberRow>`
    select m.id, m.name, m.handle, m.job_title as "jobTitle", o.name as organisation, gm.role
    from group_members gm
    join members m on m.id = gm.member_id and m.status = 'verified'
    join organisations o on o.id = m.organisation_id
    where gm.group_id = ${groupId}
    order by gm.role = 'admin' desc, m.name, m.id`.execute(db)
  return rows
}

export async function memberRole(db: Db, groupId: number, memberId: number): Promise<GroupRole | undefined> {
  const row = await db
    .selectFrom('group_members')
    .select('role')
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .executeTakeFirst()
  return row?.role
}

export async function addMember(db: Db, groupId: number, memberId: number, role: GroupRole): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: groupId, member_id: memberId, role })
    .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
    .execute()
  await deleteRequest(db, groupId, memberId)
}

export async function setRole(db: Db, groupId: number, memberId: number, role: GroupRole): Promise<void> {
  await db
    .updateTable('group_members')
    .set({ role })
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .execute()
}

/**
 * Takes the member out of the group, and with it what they were told about its threads: their
 * notifications and follows of the group's threads (their own posts stay, as in any thread).
 */
export async function removeMember(db: Db, groupId: number, memberId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('group_members')
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .executeTakeFirst()
  const groupThreads = sql`(select t.id from threads t join group_categories gc on gc.category_id = t.category_id
    where gc.group_id = ${groupId})`
  await sql`delete from notifications where member_id = ${memberId} and thread_id in ${groupThreads}`.execute(
    db,
  )
  await sql`delete from follows where member_id = ${memberId} and thread_id in ${groupThreads}`.execute(db)
  return Number(result.numDeletedRows) > 0
}

export interface RequestRow {
  memberId: number
  name: string
  handle: string
  organisation: string
  message: string
  kind: 'request' | 'invitation'
  createdIso: string
}

export async function listRequests(db: Db, groupId: number): Promise<RequestRow[]> {
  const { rows } = await sql<RequestRow>`
    select r.member_id as "memberId", m.name, m.handle, o.name as organisation, r.message, r.kind,
      to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdIso"
    from group_requests r
    join members m on m.id = r.member_id and m.status = 'verified'
    join organisations o on o.id = m.organisation_id
    where r.group_id = ${groupId}
    order by r.kind, r.created_at, r.member_id`.execute(db)
  return rows
}

export async function findRequest(
  db: Db,
  groupId: number,
  memberId: number,
): Promise<{ kind: 'request' | 'invitation' } | undefined> {
  return db
    .selectFrom('group_requests')
    .select('kind')
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .executeTakeFirst()
}

export async function upsertRequest(
  db: Db,
  values: {
    groupId: number
    memberId: number
    kind: 'request' | 'invitation'
    message: string
    byId: number
  },
): Promise<void> {
  await db
    .insertInto('group_requests')
    .values({
      group_id: values.groupId,
      member_id: values.memberId,
      kind: values.kind,
      message: values.message,
      by_id: values.byId,
    })
    .onConflict((oc) =>
      oc.columns(['group_id', 'member_id']).doUpdateSet({ kind: values.kind, message: values.message }),
    )
    .execute()
}

export async function deleteRequest(db: Db, groupId: number, memberId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('group_requests')
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** A verified member by handle (for invitations), or undefined. */
export async function findMemberByHandle(
  db: Db,
  handle: string,
): Promise<{ id: number; name: string } | undefined> {
  const { rows } = await sql<{ id: number; name: string }>`
    select id, name from members where status = 'verified' and lower(handle) = lower(${handle})`.execute(db)
  return rows[0]
}

export interface GroupCategoryRow {
  id: number
  name: string
  slug: string
  description: string
  threadCount: number
}

/** The group's open Themenräume with their thread counts (only ever shown to its members). */
export async function listGroupCategories(db: Db, groupId: number): Promise<GroupCategoryRow[]> {
  const { rows } = await sql<GroupCategoryRow>`
    select c.id, c.name, c.slug, c.description,
      (select count(*)::int from threads t where t.category_id = c.id) as "threadCount"
    from group_categories gc join categories c on c.id = gc.category_id
    where gc.group_id = ${groupId} and c.archived_at is null
    order by c.position, c.id`.execute(db)
  return rows
}

/** Makes a Themenraum the group's own (its threads only the group's members see). */
export async function linkGroupCategory(db: Db, groupId: number, categoryId: number): Promise<void> {
  await db.insertInto('group_categories').values({ category_id: categoryId, group_id: groupId }).execute()
}

/** The group a category belongs to, if any (for the thread and category pages' label). */
export async function groupOfCategory(
  db: Db,
  categoryId: number,
): Promise<{ id: number; name: string } | undefined> {
  const { rows } = await sql<{ id: number; name: string }>`
    select g.id, g.name from group_categories gc join groups g on g.id = gc.group_id
    where gc.category_id = ${categoryId}`.execute(db)
  return rows[0]
}
