// The profiles' queries: a member's profile, their threads and replies (behind the one
// visibility rule, core/visibility), the members directory with its filters and keyset paging,
// and the succession records.
import { type RawBuilder, sql } from 'kysely'
import { postReadableBy, threadVisibleTo, type ViewerId } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { MemberStatus, OrganisationKind, Role } from '../../db/schema.ts'

/** Members who have been in the forum: they have a profile (pending, rejected and deleted do not). */
export const statusesWithProfile: MemberStatus[] = ['verified', 'suspended', 'expired', 'left']

export interface ProfileRow {
  id: number
  name: string
  jobTitle: string
  role: Role
  status: MemberStatus
  memberSince: Date | null
  organisationId: number
  organisationName: string
  organisationKind: OrganisationKind
  ags: string | null
  ars: string | null
  introductionHtml: string
  introductionSource: string
  topics: string[]
}

export async function findProfile(db: Db, memberId: number): Promise<ProfileRow | undefined> {
  const result = await sql<ProfileRow>`
    select m.id, m.name, m.job_title as "jobTitle", m.role, m.status,
      coalesce(m.verified_at, m.created_at) as "memberSince",
      o.id as "organisationId", o.name as "organisationName", o.kind as "organisationKind", o.ags, o.ars,
      coalesce(p.introduction_html, '') as "introductionHtml",
      coalesce(p.introduction_source, '') as "introductionSource",
      array(select e.tag from member_expertise e where e.member_id = m.id order by e.position, e.tag) as topics
    from members m
    join organisations o on o.id = m.organisation_id
    left join member_profiles p on p.member_id = m.id
    where m.id = ${memberId} and m.status = any(${statusesWithProfile}::text[])`.execute(db)
  return result.rows[0]
}

export interface RecentReply {
  postId: number
  threadId: number
  threadTitle: string
  createdAt: Date
}

/** The member's latest replies (not opening posts) that the viewer may read. */
export async function listRecentReplies(
  db: Db,
  viewer: ViewerId,
  memberId: number,
  limit: number,
): Promise<RecentReply[]> {
  const result = await sql<RecentReply>`
    select p.id as "postId", t.id as "threadId", t.title as "threadTitle", p.created_at as "createdAt"
    from posts p
    join threads t on t.id = p.thread_id
    where p.author_id = ${memberId} and p.depth > 0
      and ${postReadableBy(viewer, 'p')} and ${threadVisibleTo(viewer, 't')}
    order by p.created_at desc, p.id desc
    limit ${limit}`.execute(db)
  return result.rows
}

export interface SuccessionLink {
  id: number
  name: string
  completedAt: Date
}

/** Whom the member succeeded (completed successions), newest first. */
export async function listPredecessors(db: Db, memberId: number): Promise<SuccessionLink[]> {
  return db
    .selectFrom('successions as s')
    .innerJoin('members as m', 'm.id', 's.leaver_id')
    .select(['m.id', 'm.name', 's.completed_at as completedAt'])
    .where('s.successor_id', '=', memberId)
    .where('s.completed_at', 'is not', null)
    .orderBy('s.completed_at', 'desc')
    .execute() as Promise<SuccessionLink[]>
}

/** Who took over from the member (a completed succession), if anyone. */
export async function findSuccessor(db: Db, memberId: number): Promise<SuccessionLink | undefined> {
  return db
    .selectFrom('successions as s')
    .innerJoin('members as m', 'm.id', 's.successor_id')
    .select(['m.id', 'm.name', 's.completed_at as completedAt'])
    .where('s.leaver_id', '=', memberId)
    .where('s.completed_at', 'is not', null)
    .orderBy('s.completed_at', 'desc')
    .limit(1)
    .executeTakeFirst() as Promise<SuccessionLink | undefined>
}

export async function findOpenSuccession(db: Db, leaverId: number) {
  return db
    .selectFrom('successions')
    .select(['id', 'successor_email as email', 'created_at as createdAt', 'invitation_id as invitationId'])
    .where('leaver_id', '=', leaverId)
    .where('completed_at', 'is', null)
    .executeTakeFirst()
}

// ---------------------------------------------------------------------------------------
// Writing a profile

export async function updateNameAndJob(db: Db, memberId: number, name: string, jobTitle: string) {
  await db
    .updateTable('members')
    .set({ name, job_title: jobTitle, updated_at: sql`now()` })
    .where('id', '=', memberId)
    .execute()
}

export async function saveIntroduction(db: Db, memberId: number, source: string, html: string) {
  await db
    .insertInto('member_profiles')
    .values({ member_id: memberId, introduction_source: source, introduction_html: html })
    .onConflict((conflict) =>
      conflict.column('member_id').doUpdateSet({
        introduction_source: source,
        introduction_html: html,
        updated_at: sql`now()`,
      }),
    )
    .execute()
}

export async function replaceTopics(db: Db, memberId: number, topics: readonly string[]) {
  await db.deleteFrom('member_expertise').where('member_id', '=', memberId).execute()
  if (topics.length === 0) return
  await db
    .insertInto('member_expertise')
    .values(topics.map((tag, position) => ({ member_id: memberId, tag, position })))
    .execute()
}

export async function lockMemberForProfile(db: Db, memberId: number) {
  return db
    .selectFrom('members')
    .select(['id', 'name', 'job_title as jobTitle', 'status'])
    .where('id', '=', memberId)
    .forUpdate()
    .executeTakeFirst()
}

// ---------------------------------------------------------------------------------------
// The members directory

export interface DirectoryFilters {
  text?: string
  land?: string
  kreisId?: number
  kind?: OrganisationKind
  population?: { min: number; max: number | null }
  topic?: string
  organisationId?: number
}

export interface DirectoryCursor {
  name: string
  id: number
}

export interface DirectoryRow {
  id: number
  name: string
  jobTitle: string
  organisationId: number
  organisationName: string
  organisationKind: OrganisationKind
  ags: string | null
  ars: string | null
  land: string | null
  topics: string[]
  sortName: string
}

/** `%text%` for LIKE, with the pattern characters of the text taken literally. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function directoryConditions(filters: DirectoryFilters): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`m.status = 'verified'`]
  if (filters.text) {
    const pattern = containsPattern(filters.text)
    conditions.push(sql`(lower(m.name) like ${pattern} or lower(m.job_title) like ${pattern})`)
  }
  if (filters.land) conditions.push(sql`o.land = ${filters.land}`)
  if (filters.kind) conditions.push(sql`o.kind = ${filters.kind}`)
  if (filters.population) {
    conditions.push(sql`o.population >= ${filters.population.min}`)
    if (filters.population.max !== null) conditions.push(sql`o.population < ${filters.population.max}`)
  }
  if (filters.topic)
    conditions.push(
      sql`exists (select 1 from member_expertise e where e.member_id = m.id and e.tag = ${filters.topic})`,
    )
  if (filters.organisationId !== undefined)
    conditions.push(sql`m.organisation_id = ${filters.organisationId}`)
  if (filters.kreisId !== undefined)
    conditions.push(sql`m.organisation_id in (
      with recursive below (id, depth) as (
        select ${filters.kreisId}::int, 0
        union all
        select o2.id, b.depth + 1 from below b join organisations o2 on o2.parent_id = b.id where b.depth < 8
      )
      select id from below)`)
  return conditions
}

/** One page of verified members by name (keyset: after the cursor), one more than asked. */
export async function listDirectory(
  db: Db,
  filters: DirectoryFilters,
  options: { after?: DirectoryCursor; limit: number },
): Promise<DirectoryRow[]> {
  const conditions = directoryConditions(filters)
  if (options.after)
    conditions.push(sql`(lower(m.name), m.id) > (${options.after.name}, ${options.after.id})`)
  const result = await sql<DirectoryRow>`
    select m.id, m.name, m.job_title as "jobTitle", o.id as "organisationId", o.name as "organisationName",
      o.kind as "organisationKind", o.ags, o.ars, o.land,
      array(select e.tag from member_expertise e where e.member_id = m.id order by e.position, e.tag) as topics,
      lower(m.name) as "sortName"
    from members m
    join organisations o on o.id = m.organisation_id
    where ${sql.join(conditions, sql` and `)}
    order by lower(m.name), m.id
    limit ${options.limit + 1}`.execute(db)
  return result.rows
}

export interface KreisOption {
  id: number
  name: string
  land: string | null
}

/** The Kreise (Landkreise and kreisfreie Städte) with verified members in them, by Land and name. */
export async function listKreiseWithMembers(db: Db): Promise<KreisOption[]> {
  const result = await sql<KreisOption>`
    with recursive up (id, depth) as (
      select distinct m.organisation_id, 0 from members m where m.status = 'verified'
      union
      select o.parent_id, u.depth + 1 from up u join organisations o on o.id = u.id
      where o.parent_id is not null and u.depth < 8
    )
    select distinct k.id, k.name, k.land
    from up join organisations k on k.id = up.id
    where k.kind in ('landkreis', 'kreisfreie_stadt')
    order by k.land nulls last, k.name, k.id`.execute(db)
  return result.rows
}

export async function findKreis(db: Db, id: number) {
  return db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where('kind', 'in', ['landkreis', 'kreisfreie_stadt'])
    .executeTakeFirst()
}

export async function findOrganisationName(db: Db, id: number) {
  return db.selectFrom('organisations').select(['id', 'name']).where('id', '=', id).executeTakeFirst()
}

// ---------------------------------------------------------------------------------------
// Succession

export async function deleteOpenSuccession(db: Db, leaverId: number): Promise<number> {
  const result = await db
    .deleteFrom('successions')
    .where('leaver_id', '=', leaverId)
    .where('completed_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function insertSuccession(
  db: Db,
  values: { leaverId: number; email: string; invitationId: number | null; namedBy: number },
) {
  return db
    .insertInto('successions')
    .values({
      leaver_id: values.leaverId,
      successor_email: values.email,
      invitation_id: values.invitationId,
      named_by: values.namedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

export interface DueSuccession {
  id: number
  leaverId: number
  successorId: number
}

/**
 * Open successions whose successor is verified now: the member who accepted the invitation, or
 * whose account has the named address. Locked, so two runners never complete one twice.
 */
export async function lockDueSuccessions(db: Db, limit: number): Promise<DueSuccession[]> {
  const result = await sql<DueSuccession>`
    select s.id, s.leaver_id as "leaverId", heir.id as "successorId"
    from successions s
    join lateral (
      select m.id from members m
      where m.status = 'verified' and m.id <> s.leaver_id
        and (m.email = s.successor_email
          or m.id = (select i.accepted_member_id from invitations i where i.id = s.invitation_id))
      order by m.id limit 1
    ) heir on true
    where s.completed_at is null
    order by s.id
    limit ${limit}
    for update of s skip locked`.execute(db)
  return result.rows
}

export async function markCompleted(db: Db, successionId: number, successorId: number) {
  await db
    .updateTable('successions')
    .set({ successor_id: successorId, completed_at: sql`now()` })
    .where('id', '=', successionId)
    .execute()
}

/** The leaver's follows, for the successor: only threads the successor may see. Returns how many. */
export async function inheritFollows(db: Db, leaverId: number, successorId: number): Promise<number> {
  const result = await sql`
    insert into follows (thread_id, member_id)
    select f.thread_id, ${successorId}::int
    from follows f join threads t on t.id = f.thread_id
    where f.member_id = ${leaverId} and ${threadVisibleTo(successorId, 't')}
    on conflict do nothing`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}
