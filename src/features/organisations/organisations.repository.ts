// Queries of the organisation directory. Every function takes `db` first, so a transaction
// is just another db.
import { domainToASCII } from 'node:url'
import { type Expression, type SqlBool, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { OrganisationKind } from '../../db/schema.ts'
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
}

export interface OrganisationListItem extends OrganisationSummary {
  autoApprove: boolean
  domains: string[]
}

const summaryColumns = ['o.id', 'o.name', 'o.kind', 'o.land', 'o.official_key as officialKey'] as const

const maxInt4 = 2_147_483_647
const isRowId = (id: number) => Number.isSafeInteger(id) && id > 0 && id <= maxInt4

/**
 * Folds case, accents and umlaut spellings the same way on both sides, so "Koeln", "koln"
 * and "Köln" all find "Köln, Stadt". `foldSearchText` below must match it exactly.
 */
// Upper-case umlauts too: under the C locale Postgres' lower() leaves non-ASCII letters alone.
const foldFrom = 'äöüÄÖÜàáâãåèéêëìíîïòóôõùúûýÿçñ'
const foldTo = 'aouaouaaaaaeeeeiiiioooouuuyycn'
function foldSql(value: Expression<string>) {
  return sql<string>`replace(replace(replace(replace(translate(lower(${value}), ${foldFrom}, ${foldTo}), 'ß', 'ss'), 'ae', 'a'), 'oe', 'o'), 'ue', 'u')`
}

export function foldSearchText(value: string): string {
  let folded = ''
  for (const char of value.toLowerCase()) {
    const at = foldFrom.indexOf(char)
    folded += at >= 0 ? foldTo[at] : char
  }
  return folded.replaceAll('ß', 'ss').replaceAll('ae', 'a').replaceAll('oe', 'o').replaceAll('ue', 'u')
}

/** Words a person may type for the kind ("Landkreis München", "Stadt Köln"), already folded. */
const kindWords = sql<string>`case o.kind
  when 'land' then 'land bundesland'
  when 'landkreis' then 'landkreis kreis'
  when 'kreisfreie_stadt' then 'kreisfreie stadt'
  when 'gemeinde' then 'stadt gemeinde'
  when 'kommunales_unternehmen' then 'kommunales unternehmen'
  when 'it_dienstleister' then 'it-dienstleister'
  when 'kommunaler_verband' then 'kommunaler verband'
  else '' end`

const escapeLike = (value: string) => value.replace(/[\\%_]/g, '\\$&')

export function normaliseSearchQuery(query: string): string {
  return query.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, 100)
}

/**
 * Matches an organisation by its name (every word somewhere in the name or the kind), its
 * official key (prefix) or, when the query has a dot, its e-mail domain (an address or a
 * domain: exact, as typed so far, or a subdomain of it). Null for an empty query.
 */
function matchQuery(query: string): Expression<SqlBool> | null {
  const q = normaliseSearchQuery(query)
  if (q === '') return null
  const conditions: Expression<SqlBool>[] = []

  const words = foldSearchText(q).split(' ').filter(Boolean)
  if (words.length > 0) {
    const haystack = sql`(${foldSql(sql.ref('o.name'))} || ' ' || ${kindWords})`
    conditions.push(
      sql<SqlBool>`(${sql.join(
        words.map((word) => sql`${haystack} like ${`%${escapeLike(word)}%`}`),
        sql` and `,
      )})`,
    )
  }

  const digits = q.replace(/\s+/g, '')
  if (/^\d+$/.test(digits)) conditions.push(sql<SqlBool>`o.official_key like ${`${digits}%`}`)

  if (q.includes('.')) {
    const typed = q
      .slice(q.lastIndexOf('@') + 1)
      .toLowerCase()
      .replace(/\s+/g, '')
    const domain = emailDomain(typed) ?? (domainToASCII(typed) || typed)
    if (domain.length >= 2) {
      conditions.push(sql<SqlBool>`exists (
        select 1 from organisation_domains d
        where d.organisation_id = o.id
          and (d.domain = ${domain} or d.domain::text like ${`${escapeLike(domain)}%`}
               or ${domain} like '%.' || d.domain::text))`)
    }
  }
  return sql<SqlBool>`(${sql.join(conditions, sql` or `)})`
}

/** Best matches first: exact key or name, then names starting with the query, then the rest. */
function rank(query: string) {
  const q = normaliseSearchQuery(query)
  const folded = foldSearchText(q)
  const digits = q.replace(/\s+/g, '')
  return sql<number>`case
    when o.official_key = ${digits} or ${foldSql(sql.ref('o.name'))} = ${folded} then 0
    when ${foldSql(sql.ref('o.name'))} like ${`${escapeLike(folded)}%`} then 1
    else 2 end`
}

/**
 * The public organisation search of the registration form. Case-insensitive words in the
 * name, key prefix, or e-mail domain (when the query has a dot). An empty or one-character
 * query finds nothing.
 */
export async function searchOrganisations(
  db: Db,
  query: string,
  limit = 20,
): Promise<
  { id: number; name: string; kind: OrganisationKind; land: string | null; officialKey: string | null }[]
> {
  const q = normaliseSearchQuery(query)
  if (q.length < 2) return []
  const condition = matchQuery(q)
  if (!condition) return []
  return db
    .selectFrom('organisations as o')
    .select(summaryColumns)
    .where(condition)
    .orderBy(rank(q))
    .orderBy(sql`lower(o.name)`)
    .orderBy('o.id')
    .limit(Math.max(1, Math.min(limit, 200)))
    .execute()
}

function detailQuery(db: Db, id: number) {
  return db
    .selectFrom('organisations as o')
    .select([
      ...summaryColumns,
      'o.auto_approve as autoApprove',
      'o.created_at as createdAt',
      'o.updated_at as updatedAt',
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

/** The moderators' list: filtered by search and kind, ordered by name. */
export async function listOrganisations(db: Db, options: ListOptions): Promise<OrganisationListItem[]> {
  let query = db
    .selectFrom('organisations as o')
    .select([
      ...summaryColumns,
      'o.auto_approve as autoApprove',
      sql<
        string[]
      >`array(select d.domain::text from organisation_domains d where d.organisation_id = o.id order by d.domain)`.as(
        'domains',
      ),
    ])
  const condition = options.query ? matchQuery(options.query) : null
  if (condition) query = query.where(condition)
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
