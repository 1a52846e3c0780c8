// Queries of the organisation directory. Every function takes `db` first, so a transaction
// is just another db.
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { OrganisationKind } from '../../db/schema.ts'
import { searchOrganisations } from './directory-search.ts'
import { emailDomain } from './organisations.validation.ts'
import { isPublicMailDomain } from './public-mail-domains.ts'

export interface OrganisationSummary {
  id: number
  name: string
  kind: OrganisationKind
  /** Land code '01'..'16' (see lands.ts), null for nationwide organisations. */
  land: string | null
  officialKey: string | null
}

export interface OrganisationDetail extends OrganisationSummary {
  autoApprove: boolean
  createdAt: Date
  updatedAt: Date
  /** From the register (Gemeindeverzeichnis); null for organisations kept by moderators. */
  officialName: string | null
  officialKind: string | null
  ags: string | null
  ars: string | null
  parentId: number | null
  population: number | null
  postcode: string | null
  registerExtract: string | null
  historicalAt: Date | null
  mergedIntoId: number | null
}

export interface OrganisationListItem extends OrganisationSummary {
  autoApprove: boolean
  officialKind: string | null
  historical: boolean
  domains: string[]
}

const summaryColumns = ['o.id', 'o.name', 'o.kind', 'o.land', 'o.official_key as officialKey'] as const

const maxInt4 = 2_147_483_647
const isRowId = (id: number) => Number.isSafeInteger(id) && id > 0 && id <= maxInt4

function detailQuery(db: Db, id: number) {
  return db
    .selectFrom('organisations as o')
    .select([
      ...summaryColumns,
      'o.auto_approve as autoApprove',
      'o.created_at as createdAt',
      'o.updated_at as updatedAt',
      'o.official_name as officialName',
      'o.official_kind as officialKind',
      'o.ags',
      'o.ars',
      'o.parent_id as parentId',
      'o.population',
      'o.postcode',
      'o.register_extract as registerExtract',
      'o.historical_at as historicalAt',
      'o.merged_into_id as mergedIntoId',
    ])
    .where('o.id', '=', id)
}

export async function findOrganisationById(db: Db, id: number): Promise<OrganisationDetail | undefined> {
  if (!isRowId(id)) return undefined
  return detailQuery(db, id).executeTakeFirst()
}

/** The same row, locked until the transaction ends (edits of one organisation queue up). */
export async function lockOrganisationById(db: Db, id: number): Promise<OrganisationDetail | undefined> {
  if (!isRowId(id)) return undefined
  return detailQuery(db, id).forUpdate().executeTakeFirst()
}

export async function findOrganisationByKey(
  db: Db,
  officialKey: string,
): Promise<OrganisationSummary | undefined> {
  return db
    .selectFrom('organisations as o')
    .select(summaryColumns)
    .where('o.official_key', '=', officialKey)
    .executeTakeFirst()
}

/**
 * Whether an e-mail domain (or a whole address) is one of the organisation's official
 * domains. Exact match only: a subdomain is not evidence on its own. A public mail
 * provider's domain never is, even if it was listed before the directory refused them
 * (pass the operator's PUBLIC_MAIL_DOMAINS to include those).
 */
export async function isOfficialDomain(
  db: Db,
  organisationId: number,
  emailDomainOrAddress: string,
  publicMailDomains: readonly string[] = [],
): Promise<boolean> {
  if (!isRowId(organisationId)) return false
  const domain = emailDomain(emailDomainOrAddress)
  if (!domain || isPublicMailDomain(domain, publicMailDomains)) return false
  const row = await db
    .selectFrom('organisation_domains')
    .select('organisation_id')
    .where('organisation_id', '=', organisationId)
    .where('domain', '=', domain)
    .executeTakeFirst()
  return row !== undefined
}

export async function listDomains(db: Db, organisationId: number): Promise<string[]> {
  if (!isRowId(organisationId)) return []
  const rows = await db
    .selectFrom('organisation_domains')
    .select(sql<string>`domain::text`.as('domain'))
    .where('organisation_id', '=', organisationId)
    .orderBy('domain')
    .execute()
  return rows.map((row) => row.domain)
}

/** Which of these domains belong to another organisation already. */
export async function findDomainOwners(
  db: Db,
  domains: string[],
  exceptOrganisationId?: number,
): Promise<{ domain: string; organisationId: number; name: string }[]> {
  if (domains.length === 0) return []
  let query = db
    .selectFrom('organisation_domains as d')
    .innerJoin('organisations as o', 'o.id', 'd.organisation_id')
    .select([sql<string>`d.domain::text`.as('domain'), 'o.id as organisationId', 'o.name'])
    .where('d.domain', 'in', domains)
  if (exceptOrganisationId !== undefined) query = query.where('d.organisation_id', '<>', exceptOrganisationId)
  return query.orderBy('d.domain').execute()
}

export interface ListOptions {
  query?: string
  kind?: OrganisationKind | null
  limit: number
  offset: number
}

/**
 * The moderators' list: without a query ordered by name, with one by relevance (the directory
 * search, historical entries included); filtered by kind.
 */
export async function listOrganisations(db: Db, options: ListOptions): Promise<OrganisationListItem[]> {
  let query = db
    .selectFrom('organisations as o')
    .select([
      ...summaryColumns,
      'o.auto_approve as autoApprove',
      'o.official_kind as officialKind',
      sql<boolean>`o.historical_at is not null`.as('historical'),
      sql<
        string[]
      >`array(select d.domain::text from organisation_domains d where d.organisation_id = o.id order by d.domain)`.as(
        'domains',
      ),
    ])
  if (options.query) {
    const found = await searchOrganisations(db, options.query, {
      includeHistorical: true,
      kind: options.kind,
      limit: options.limit,
      offset: options.offset,
    })
    if (found.length === 0) return []
    const rows = await query
      .where(
        'o.id',
        'in',
        found.map((row) => row.id),
      )
      .execute()
    const byId = new Map(rows.map((row) => [row.id, row]))
    return found.flatMap((row) => byId.get(row.id) ?? [])
  }
  if (options.kind) query = query.where('o.kind', '=', options.kind)
  return query
    .orderBy(sql`lower(o.name)`)
    .orderBy('o.id')
    .limit(options.limit)
    .offset(options.offset)
    .execute()
}

export interface OrganisationRow {
  name: string
  kind: OrganisationKind
  officialKey: string | null
  land: string | null
  autoApprove: boolean
}

export async function insertOrganisation(db: Db, values: OrganisationRow): Promise<number> {
  const row = await db
    .insertInto('organisations')
    .values({
      name: values.name,
      kind: values.kind,
      official_key: values.officialKey,
      land: values.land,
      auto_approve: values.autoApprove,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateOrganisationRow(db: Db, id: number, values: OrganisationRow): Promise<void> {
  await db
    .updateTable('organisations')
    .set({
      name: values.name,
      kind: values.kind,
      official_key: values.officialKey,
      land: values.land,
      auto_approve: values.autoApprove,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute()
}

export async function addDomains(db: Db, organisationId: number, domains: string[]): Promise<void> {
  if (domains.length === 0) return
  await db
    .insertInto('organisation_domains')
    .values(domains.map((domain) => ({ domain, organisation_id: organisationId })))
    .execute()
}

export async function removeDomains(db: Db, organisationId: number, domains: string[]): Promise<void> {
  if (domains.length === 0) return
  await db
    .deleteFrom('organisation_domains')
    .where('organisation_id', '=', organisationId)
    .where('domain', 'in', domains)
    .execute()
}

// ---------------------------------------------------------------------------------------
// The municipalities a "Konzern Kommune" organisation belongs to or serves

/** A named municipality as the edit form writes it: its key, its name, the Kreis (or Land) above. */
export interface MunicipalityLink {
  id: number
  key: string
  name: string
  parentName: string | null
  historical: boolean
}

const registerKindList = sql`('land', 'regierungsbezirk', 'landkreis', 'kreisfreie_stadt', 'gemeindeverband', 'gemeinde')`
/** The key the form shows: the AGS (8 digits for a Gemeinde, 5 for a Kreis), else the ARS, else the key. */
const municipalityKey = sql<string>`coalesce(o.ags, o.ars, o.official_key)`

function municipalityLinks(db: Db) {
  return db
    .selectFrom('organisations as o')
    .leftJoin('organisations as p', 'p.id', 'o.parent_id')
    .select([
      'o.id',
      municipalityKey.as('key'),
      'o.name',
      'p.name as parentName',
      sql<boolean>`o.historical_at is not null`.as('historical'),
    ])
    .where(sql<boolean>`o.kind in ${registerKindList}`)
}

/** The register organisations these keys (AGS, ARS or Kreis key) name, with the key that found each. */
export async function findMunicipalitiesByKeys(
  db: Db,
  keys: readonly string[],
): Promise<(MunicipalityLink & { matchedKey: string })[]> {
  if (keys.length === 0) return []
  const result = await sql<MunicipalityLink & { matchedKey: string }>`
    select distinct on (k.key) o.id, ${municipalityKey} as key, o.name, p.name as "parentName",
      o.historical_at is not null as historical, k.key as "matchedKey"
    from unnest(${[...keys]}::text[]) as k(key)
    join organisations o on k.key in (o.ags, o.ars, o.official_key)
    left join organisations p on p.id = o.parent_id
    where o.kind in ${registerKindList}
    order by k.key, (o.historical_at is null) desc, o.id`.execute(db)
  return result.rows
}

export async function listMunicipalityLinks(db: Db, organisationId: number): Promise<MunicipalityLink[]> {
  if (!isRowId(organisationId)) return []
  return municipalityLinks(db)
    .innerJoin('organisation_municipalities as om', 'om.municipality_id', 'o.id')
    .where('om.organisation_id', '=', organisationId)
    .orderBy('o.name')
    .orderBy('o.id')
    .execute()
}

export async function findMunicipalityLink(db: Db, id: number): Promise<MunicipalityLink | undefined> {
  if (!isRowId(id)) return undefined
  return municipalityLinks(db).where('o.id', '=', id).executeTakeFirst()
}

export async function addMunicipalityLinks(db: Db, organisationId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .insertInto('organisation_municipalities')
    .values(ids.map((id) => ({ organisation_id: organisationId, municipality_id: id })))
    .onConflict((conflict) => conflict.doNothing())
    .execute()
}

export async function removeMunicipalityLinks(db: Db, organisationId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .deleteFrom('organisation_municipalities')
    .where('organisation_id', '=', organisationId)
    .where('municipality_id', 'in', ids)
    .execute()
}

/** After a rename: the folded names of the chain above, for it and everything below it. */
export async function refreshSearchContext(db: Db, ids: number[]): Promise<void> {
  await sql`select organisation_refresh_search_context(${ids}::int[])`.execute(db)
}

/**
 * The name is the moderators' now: later register imports keep it (register.v2.sql). The
 * column (organisations.name_kept_at, migration 2026-12-02T16) is read only by the database.
 */
export async function keepName(db: Db, id: number): Promise<void> {
  await sql`update organisations set name_kept_at = now() where id = ${id}`.execute(db)
}
