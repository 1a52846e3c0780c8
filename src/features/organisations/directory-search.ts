// Finding an organisation in the whole directory (registration picker, moderators' list, move
// to another organisation): by word prefixes of its names with umlauts and ß folded, with the
// names of the Verband, Kreis and Land above to tell namesakes apart ("neustadt holstein"), by
// official key (AGS, ARS, Kreis key) or postcode, and by e-mail domain. Indexed: trigrams on the
// folded names (organisations.search_name / search_context, kept by the database, see
// migrations/sql/organisations/register.v1.sql) and prefix indexes on keys and postcode.
import { domainToASCII } from 'node:url'
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { preparedRows } from '../../db/prepared.ts'
import type { OrganisationKind } from '../../db/schema.ts'
import { emailDomain } from './organisations.validation.ts'

export interface OrganisationMatch {
  id: number
  name: string
  kind: OrganisationKind
  /** Land code '01'..'16' (see lands.ts), null for nationwide organisations. */
  land: string | null
  officialKey: string | null
  /** The kind as Destatis names it (Stadt, Markt, Amt, Landkreis …); null outside the register. */
  officialKind: string | null
  population: number | null
  /** Names of the Gemeindeverband (or erfüllende Gemeinde) and Kreis above, nearest first. */
  chain: string[]
  historical: boolean
}

export function normaliseSearchQuery(query: string): string {
  return query.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, 100)
}

/** The words of a query: runs of letters and digits ("Titisee-Neustadt" is two), at most eight. */
export function queryWords(query: string): string[] {
  return normaliseSearchQuery(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8)
}

/** Folded like the stored names, in the database, so both sides always agree. */
const folded = (text: string) => sql<string>`organisation_fold(${text})`
const wordPrefix = (word: string) => sql<string>`'% ' || ${folded(word)} || '%'`
const ownWords = sql.ref('o.search_name')
const allWords = sql`(o.search_name || o.search_context)`

/** The register's levels first by what people come from: towns, then Kreise, Verbände, the rest. */
const kindRank = sql<number>`case o.kind
  when 'kreisfreie_stadt' then 0 when 'gemeinde' then 0
  when 'landkreis' then 1 when 'gemeindeverband' then 2
  when 'land' then 4 when 'regierungsbezirk' then 5 else 3 end`

interface Matching {
  where: Expression<SqlBool>
  /**
   * 0 best: exact key or domain, or the name is the query (with a qualifier at most); then names
   * beginning with it; then word prefixes in the names; then matches needing the names above.
   */
  tier: RawBuilder<number>
}

/** Shorter digit strings are a Land's key, never a prefix (all of a Land is no answer). */
const minKeyPrefix = 3

function byKey(digits: string): Matching {
  if (digits.length < minKeyPrefix) {
    return {
      where: sql<SqlBool>`(o.official_key = ${digits} or o.ags = ${digits} or o.ars = ${digits})`,
      tier: sql<number>`0`,
    }
  }
  const prefix = `${digits}%`
  return {
    where: sql<SqlBool>`(o.official_key like ${prefix} or o.ags like ${prefix} or o.ars like ${prefix}
      or o.postcode like ${prefix})`,
    tier: sql<number>`case when ${digits} in (o.official_key, o.ags, o.ars) then 0
      when o.postcode = ${digits} then 1 else 2 end`,
  }
}

function byName(words: string[]): Matching {
  const whole = folded(words.join(' '))
  const inOwnNames = words.map((word) => sql<SqlBool>`${ownWords} like ${wordPrefix(word)}`)
  const where =
    words.length === 1
      ? inOwnNames[0]!
      : sql<SqlBool>`(${sql.join(
          words.map((word) => sql`${allWords} like ${wordPrefix(word)}`),
          sql` and `,
        )}) and (${sql.join(inOwnNames, sql` or `)})`
  return {
    where,
    // 0: the name is what was typed, maybe with a qualifier ("Halle (Saale)", "Frankfurt am Main").
    tier: sql<number>`case when ${ownWords} like ' ' || ${whole} || ' %' then 0
      when ${ownWords} like ' ' || ${whole} || '%' then 1
      when ${sql.join(inOwnNames, sql` and `)} then 2 else 3 end`,
  }
}

/** The domain of an address or domain typed so far ("erika@stadt-muster.d"), or null. */
function typedDomain(query: string): string | null {
  if (!query.includes('.')) return null
  const typed = query
    .slice(query.lastIndexOf('@') + 1)
    .toLowerCase()
    .replace(/\s+/g, '')
  const domain = emailDomain(typed) ?? (domainToASCII(typed) || typed)
  return domain.length >= 2 ? domain : null
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, '\\$&')

/** The domain and the domains it is a subdomain of, down to two labels: a.b.stadt.de → a.b.stadt.de, b.stadt.de, stadt.de. */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split('.')
  const found: string[] = []
  for (let i = 0; i <= labels.length - 2; i++) found.push(labels.slice(i).join('.'))
  return found.length > 0 ? found : [domain]
}

/** Official domains matched by what was typed: exactly, as typed so far, or as a subdomain. */
interface DomainHits {
  exact: number[]
  other: number[]
}

/**
 * The organisations whose official domains match, looked up first on the domains alone (indexed:
 * the domain as text, see migration 2026-12-02T16-10), so that the search itself matches them
 * by id and can combine that with its other indexes.
 */
async function findDomainHits(db: Db, domain: string): Promise<DomainHits> {
  // Prepared like the search: planning it cost more than running it.
  const rows = await preparedRows(
    db,
    'vr_domain_hits',
    sql<{ id: number; exact: boolean }>`
      select d.organisation_id as id, bool_or(d.domain::text = any(${domainAndParents(domain)}::text[])) as exact
      from organisation_domains d
      where d.domain::text like ${`${escapeLike(domain)}%`} or d.domain::text = any(${domainAndParents(domain)}::text[])
      group by d.organisation_id
      limit 200`.compile(db),
  )
  return {
    exact: rows.filter((row) => row.exact).map((row) => row.id),
    other: rows.filter((row) => !row.exact).map((row) => row.id),
  }
}

function byDomain(hits: DomainHits): Matching | null {
  const all = [...hits.exact, ...hits.other]
  if (all.length === 0) return null
  return {
    where: sql<SqlBool>`o.id = any(${all}::int[])`,
    tier: sql<number>`case when o.id = any(${hits.exact}::int[]) then 0 else 1 end`,
  }
}

/** How a query matches, or null when it cannot match anything (empty, one character, no words). */
async function matching(db: Db, query: string): Promise<Matching | null> {
  const q = normaliseSearchQuery(query)
  if (q.length < 2) return null
  const ways: Matching[] = []
  const digits = q.replace(/\s+/g, '')
  if (/^\d+$/.test(digits)) ways.push(byKey(digits))
  else {
    const words = queryWords(q)
    if (words.length > 0) ways.push(byName(words))
  }
  const domain = typedDomain(q)
  const domainWay = domain ? byDomain(await findDomainHits(db, domain)) : null
  if (domainWay) ways.push(domainWay)
  if (ways.length === 0) return null
  if (ways.length === 1) return ways[0]!
  return {
    where: sql<SqlBool>`(${sql.join(
      ways.map((way) => way.where),
      sql` or `,
    )})`,
    tier: sql<number>`least(${sql.join(
      ways.map((way) => way.tier),
      sql`, `,
    )})`,
  }
}

const chainKinds = new Set(['gemeindeverband', 'landkreis', 'gemeinde'])

interface MatchRow extends Omit<OrganisationMatch, 'chain' | 'historical'> {
  historicalAt: Date | null
  parentName: string | null
  parentKind: string | null
  grandparentName: string | null
  grandparentKind: string | null
}

function toMatch(row: MatchRow): OrganisationMatch {
  const { parentName, parentKind, grandparentName, grandparentKind, historicalAt, ...rest } = row
  const chain: string[] = []
  if (parentName && parentKind && chainKinds.has(parentKind)) chain.push(parentName)
  if (parentKind !== 'landkreis' && grandparentName && grandparentKind && chainKinds.has(grandparentKind)) {
    chain.push(grandparentName)
  }
  return { ...rest, chain, historical: historicalAt !== null }
}

/** Organisations with the names of the two levels above. */
function withChain(db: Db) {
  return db
    .selectFrom('organisations as o')
    .leftJoin('organisations as p', 'p.id', 'o.parent_id')
    .leftJoin('organisations as g', 'g.id', 'p.parent_id')
    .select([
      'o.id',
      'o.name',
      'o.kind',
      'o.land',
      'o.official_key as officialKey',
      'o.official_kind as officialKind',
      'o.population',
      'o.historical_at as historicalAt',
      'p.name as parentName',
      'p.kind as parentKind',
      'g.name as grandparentName',
      'g.kind as grandparentKind',
    ])
}

export interface SearchOptions {
  limit?: number
  /** Merged or dissolved organisations too (the moderators' list). */
  includeHistorical?: boolean
  kind?: OrganisationKind | null
  /** Only these kinds (e.g. the register's, for the municipalities a Zweckverband serves). */
  kinds?: readonly OrganisationKind[]
  offset?: number
}

/**
 * The best matches first: exact key, name or domain, then names beginning with the query, then
 * word prefixes in the names, then matches that need the names above; within each, towns
 * before Kreise before Verbände, the larger first. Nothing for an empty or one-character query.
 */
export async function searchOrganisations(
  db: Db,
  query: string,
  options: SearchOptions = {},
): Promise<OrganisationMatch[]> {
  const how = await matching(db, query)
  if (!how) return []
  // The page of hits first, on the organisations alone; the chain only for those.
  let hits = db
    .selectFrom('organisations as o')
    .select([
      'o.id',
      sql<number>`row_number() over (order by ${how.tier}, ${kindRank}, o.population desc nulls last, o.name, o.id)`.as(
        'position',
      ),
    ])
    .where(how.where)
  if (!options.includeHistorical) hits = hits.where('o.historical_at', 'is', null)
  if (options.kind) hits = hits.where('o.kind', '=', options.kind)
  if (options.kinds) hits = hits.where('o.kind', 'in', [...options.kinds])
  const page = hits
    .orderBy('position')
    .limit(Math.max(1, Math.min(options.limit ?? 20, 200)))
    .offset(Math.max(0, options.offset ?? 0))
  // Prepared: planning this statement cost more than running it (a few shapes: words, key, domain).
  const rows = await preparedRows(
    db,
    'vr_organisation_search',
    withChain(db).innerJoin(page.as('hit'), 'hit.id', 'o.id').orderBy('hit.position').compile(),
  )
  return rows.map(toMatch)
}

/** One organisation as the search shows it (e.g. the one already chosen), or undefined. */
export async function findOrganisationMatch(db: Db, id: number): Promise<OrganisationMatch | undefined> {
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) return undefined
  const row = await withChain(db).where('o.id', '=', id).executeTakeFirst()
  return row ? toMatch(row) : undefined
}

/**
 * The organisation whose official domain an e-mail address is on (exact domain, or a subdomain
 * of it), for the registration form's proposal. Public mail providers are never in the
 * directory's domains. Undefined when the domain is unknown or belongs to a historical entry.
 */
export async function findOrganisationByEmailDomain(
  db: Db,
  email: string,
): Promise<OrganisationMatch | undefined> {
  const domain = emailDomain(email)
  if (!domain) return undefined
  const row = await withChain(db)
    .innerJoin('organisation_domains as d', 'd.organisation_id', 'o.id')
    .where(sql<SqlBool>`d.domain::text = any(${domainAndParents(domain)}::text[])`)
    .where('o.historical_at', 'is', null)
    .orderBy(sql`length(d.domain::text) desc`)
    .executeTakeFirst()
  return row ? toMatch(row) : undefined
}
