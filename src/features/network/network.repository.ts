// The network's queries: organisations with their chain of parents, the members and threads
// of an organisation, and who works on a tag at stage Pilot or im Einsatz. Every query of
// threads joins the one visibility rule (core/visibility); members are listed only while verified.
import { sql } from 'kysely'
import { threadVisibleTo, type ViewerId } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { OrganisationKind } from '../../db/schema.ts'
import type { Stage } from '../discussions/discussions.service.ts'

/** The columns that name an organisation and make its address. */
export interface OrganisationRef {
  id: number
  name: string
  kind: OrganisationKind
  ags: string | null
  ars: string | null
}

export interface OrganisationRow extends OrganisationRef {
  officialKind: string | null
  land: string | null
  population: number | null
  parentId: number | null
  historical: boolean
  mergedIntoId: number | null
}

/** Chains deeper than this are a data error (a cycle), not a register. */
const maxChainDepth = 8

function organisationColumns(alias: string) {
  const o = sql.ref(alias)
  return sql`${o}.id, ${o}.name, ${o}.kind, ${o}.ags, ${o}.ars`
}

export async function findOrganisationByKey(db: Db, key: string): Promise<OrganisationRow | undefined> {
  const result = await sql<OrganisationRow>`
    select ${organisationColumns('o')}, o.official_kind as "officialKind", o.land, o.population,
      o.parent_id as "parentId", o.historical_at is not null as historical, o.merged_into_id as "mergedIntoId"
    from organisations o
    where o.ars = ${key} or o.ags = ${key}
    order by (o.ars = ${key}) desc nulls last, o.id
    limit 1`.execute(db)
  return result.rows[0]
}

export async function findOrganisationRowById(db: Db, id: number): Promise<OrganisationRow | undefined> {
  const result = await sql<OrganisationRow>`
    select ${organisationColumns('o')}, o.official_kind as "officialKind", o.land, o.population,
      o.parent_id as "parentId", o.historical_at is not null as historical, o.merged_into_id as "mergedIntoId"
    from organisations o where o.id = ${id}`.execute(db)
  return result.rows[0]
}

/** For each organisation: its parents, nearest first (the organisation itself not included). */
export async function parentChains(db: Db, ids: readonly number[]): Promise<Map<number, OrganisationRef[]>> {
  const chains = new Map<number, OrganisationRef[]>(ids.map((id) => [id, []]))
  if (ids.length === 0) return chains
  const result = await sql<OrganisationRef & { startId: number }>`
    with recursive chain (start_id, id, depth) as (
      select o.id, o.parent_id, 1 from organisations o
      where o.id = any(${[...ids]}::int[]) and o.parent_id is not null
      union all
      select c.start_id, p.parent_id, c.depth + 1
      from chain c join organisations p on p.id = c.id
      where p.parent_id is not null and c.depth < ${maxChainDepth}
    )
    select c.start_id as "startId", ${organisationColumns('o')}
    from chain c join organisations o on o.id = c.id
    order by c.start_id, c.depth`.execute(db)
  for (const row of result.rows) {
    const { startId, ...parent } = row
    chains.get(startId)?.push(parent)
  }
  return chains
}

export interface MemberLine {
  id: number
  name: string
  jobTitle: string
}

/** The verified members of an organisation, by name; one more than asked (there are more). */
export async function listOrganisationMembers(db: Db, organisationId: number, limit: number) {
  return db
    .selectFrom('members')
    .select(['id', 'name', 'job_title as jobTitle'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'verified')
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(limit + 1)
    .execute()
}

export interface ThreadLine {
  id: number
  title: string
  stage: Stage
  confidential: boolean
  replyCount: number
  lastActivityAt: Date
  authorId: number
  authorName: string
  categoryName: string
  categorySlug: string
}

const threadLineColumns = sql`t.id, t.title, t.stage, t.confidential, t.reply_count as "replyCount",
  t.last_activity_at as "lastActivityAt", a.id as "authorId", a.name as "authorName",
  c.name as "categoryName", c.slug as "categorySlug"`

/** Whose threads a thread list shows: an organisation's present members', or one member's. */
export type ThreadLineFilter = { organisationId: number } | { authorId: number }

/**
 * Threads that the viewer may see, newest activity first: the organisation pages' and the
 * profiles' (network.service's listThreadsStartedBy) one list of thread lines.
 */
export async function listThreadLines(
  db: Db,
  viewer: ViewerId,
  filter: ThreadLineFilter,
  limit: number,
): Promise<ThreadLine[]> {
  const whose =
    'organisationId' in filter
      ? sql`a.organisation_id = ${filter.organisationId}`
      : sql`t.author_id = ${filter.authorId}`
  const result = await sql<ThreadLine>`
    select ${threadLineColumns}
    from threads t
    join members a on a.id = t.author_id
    join categories c on c.id = t.category_id
    where ${whose} and ${threadVisibleTo(viewer, 't')}
    order by t.last_activity_at desc, t.id desc
    limit ${limit}`.execute(db)
  return result.rows
}

/** How many of those threads are at each stage. */
export async function countOrganisationThreadsByStage(
  db: Db,
  viewer: ViewerId,
  organisationId: number,
): Promise<{ stage: Stage; count: number }[]> {
  const result = await sql<{ stage: Stage; count: number }>`
    select t.stage, count(*)::int as count
    from threads t join members a on a.id = t.author_id
    where a.organisation_id = ${organisationId} and ${threadVisibleTo(viewer, 't')}
    group by t.stage`.execute(db)
  return result.rows
}

export interface OrganisationWithMembers extends OrganisationRef {
  population: number | null
  memberCount: number
}

/**
 * The organisations below this one (any depth) that have verified members, and those of the
 * "Konzern Kommune" that name it as a municipality they belong to or serve.
 */
export async function listOrganisationsBelowWithMembers(
  db: Db,
  organisationId: number,
  limit: number,
): Promise<OrganisationWithMembers[]> {
  const result = await sql<OrganisationWithMembers>`
    with recursive below (id, depth) as (
      select o.id, 1 from organisations o where o.parent_id = ${organisationId}
      union all
      select o.id, b.depth + 1 from below b join organisations o on o.parent_id = b.id
      where b.depth < ${maxChainDepth}
    ),
    related as (
      select id from below
      union
      select om.organisation_id from organisation_municipalities om where om.municipality_id = ${organisationId}
    )
    select ${organisationColumns('o')}, o.population, count(m.id)::int as "memberCount"
    from related r
    join organisations o on o.id = r.id
    join members m on m.organisation_id = o.id and m.status = 'verified'
    group by o.id
    order by count(m.id) desc, o.name, o.id
    limit ${limit}`.execute(db)
  return result.rows
}

/** The municipalities a "Konzern Kommune" organisation names (belongs to or serves). */
export async function listServedMunicipalities(db: Db, organisationId: number): Promise<OrganisationRef[]> {
  const result = await sql<OrganisationRef>`
    select ${organisationColumns('o')}
    from organisation_municipalities om join organisations o on o.id = om.municipality_id
    where om.organisation_id = ${organisationId}
    order by o.name, o.id
    limit 200`.execute(db)
  return result.rows
}

/**
 * The other way round: the "Konzern Kommune" organisations (IT-Dienstleister, Zweckverbände …)
 * that name one of these municipalities (the organisation and its chain above) as one they
 * belong to or serve.
 */
export async function listOrganisationsServing(
  db: Db,
  municipalityIds: readonly number[],
): Promise<OrganisationRef[]> {
  if (municipalityIds.length === 0) return []
  const result = await sql<OrganisationRef>`
    select distinct ${organisationColumns('o')}
    from organisation_municipalities om join organisations o on o.id = om.organisation_id
    where om.municipality_id = any(${[...municipalityIds]}::int[]) and o.historical_at is null
    order by o.name, o.id
    limit 200`.execute(db)
  return result.rows
}

// ---------------------------------------------------------------------------------------
// Tags

export interface TagThreadLine extends ThreadLine {
  cursor: string
}

/** Threads with the tag that the viewer may see, newest activity first, from after the cursor. */
export async function listTagThreads(
  db: Db,
  viewer: ViewerId,
  tag: string,
  options: { after?: { at: string; id: number }; limit: number },
): Promise<TagThreadLine[]> {
  const after = options.after
  const result = await sql<TagThreadLine>`
    select ${threadLineColumns},
      to_char(t.last_activity_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '_' || t.id as cursor
    from thread_tags tt
    join threads t on t.id = tt.thread_id
    join members a on a.id = t.author_id
    join categories c on c.id = t.category_id
    where tt.tag = ${tag} and ${threadVisibleTo(viewer, 't')}
      ${after ? sql`and (t.last_activity_at, t.id) < (${after.at}::timestamptz, ${after.id})` : sql``}
    order by t.last_activity_at desc, t.id desc
    limit ${options.limit + 1}`.execute(db)
  return result.rows
}

/** One thread at stage Pilot or im Einsatz, with its organisation and the person to ask. */
export interface PracticeRow {
  organisationId: number
  organisationName: string
  organisationKind: OrganisationKind
  ags: string | null
  ars: string | null
  population: number | null
  threadId: number
  title: string
  stage: Stage
  tags: string[]
  authorId: number
  authorName: string
  authorJobTitle: string
  authorVerified: boolean
  /** When the author has left: the successor who took over (verified), else null. */
  successorId: number | null
  successorName: string | null
  successorJobTitle: string | null
}

const practiceStages: Stage[] = ['pilot', 'in_use']

/**
 * The threads at stage Pilot or im Einsatz that carry one of the tags (and that the viewer may
 * see), with the organisation of their author: what "Wer macht das schon?" groups.
 */
export async function listPractice(
  db: Db,
  viewer: ViewerId,
  options: { tags: readonly string[]; exceptThreadId?: number; limit: number },
): Promise<PracticeRow[]> {
  if (options.tags.length === 0) return []
  const result = await sql<PracticeRow>`
    select o.id as "organisationId", o.name as "organisationName", o.kind as "organisationKind",
      o.ags, o.ars, o.population,
      t.id as "threadId", t.title, t.stage,
      array(select g.tag from thread_tags g where g.thread_id = t.id and g.tag = any(${[...options.tags]}::text[]) order by g.tag) as tags,
      a.id as "authorId", a.name as "authorName", a.job_title as "authorJobTitle",
      a.status = 'verified' as "authorVerified",
      heir.id as "successorId", heir.name as "successorName", heir.job_title as "successorJobTitle"
    from threads t
    join members a on a.id = t.author_id
    join organisations o on o.id = a.organisation_id
    left join lateral (
      select h.id, h.name, h.job_title from successions s join members h on h.id = s.successor_id
      where s.leaver_id = a.id and s.completed_at is not null and h.status = 'verified'
      order by s.completed_at desc limit 1
    ) heir on a.status <> 'verified'
    where t.stage = any(${practiceStages}::text[])
      and exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = any(${[...options.tags]}::text[]))
      ${options.exceptThreadId !== undefined ? sql`and t.id <> ${options.exceptThreadId}` : sql``}
      and ${threadVisibleTo(viewer, 't')}
    order by (t.stage = 'in_use') desc, t.last_activity_at desc, t.id desc
    limit ${options.limit}`.execute(db)
  return result.rows
}

/** Verified members who name the tag as a topic of their expertise. */
export async function listExperts(db: Db, tag: string, limit: number) {
  const result = await sql<MemberLine & { organisationName: string } & OrganisationRefColumns>`
    select m.id, m.name, m.job_title as "jobTitle", o.name as "organisationName",
      o.id as "organisationId", o.kind as "organisationKind", o.ags, o.ars
    from member_expertise e
    join members m on m.id = e.member_id and m.status = 'verified'
    join organisations o on o.id = m.organisation_id
    where e.tag = ${tag}
    order by lower(m.name), m.id
    limit ${limit + 1}`.execute(db)
  return result.rows
}

interface OrganisationRefColumns {
  organisationId: number
  organisationKind: OrganisationKind
  ags: string | null
  ars: string | null
}

/** The thread's tags, when the viewer may see the thread (undefined: not found). */
export async function findVisibleThreadTags(
  db: Db,
  viewer: ViewerId,
  threadId: number,
): Promise<{ title: string; tags: string[] } | undefined> {
  const result = await sql<{ title: string; tags: string[] }>`
    select t.title, array(select g.tag from thread_tags g where g.thread_id = t.id order by g.tag) as tags
    from threads t where t.id = ${threadId} and ${threadVisibleTo(viewer, 't')}`.execute(db)
  return result.rows[0]
}
