// The search queries. The index (search_threads, search_posts) is kept by triggers on the
// discussions tables; finding and ranking candidates are PL/pgSQL functions whose plans
// Postgres keeps (migrations/sql/search/search-query.v1.sql). What a viewer may see comes from
// the one visibility rule (core/visibility), joined here into the one statement of each
// search, similar-threads lookup and typo suggestion.
import { sql } from 'kysely'
import {
  categoryVisibleTo,
  postReadableBy,
  threadVisibleTo,
  type ViewerId,
} from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import { preparedRows } from '../../db/prepared.ts'
import type { Stage } from '../discussions/discussions.service.ts'
import type { QueryTerms } from './query.ts'
import { markEnd, markStart } from './snippet.ts'

export interface SearchFilters {
  /** The Themenraum's slug; one the viewer cannot see (or that does not exist) filters nothing. */
  category?: string
  stage?: Stage
  tag?: string
  authorId?: number
  organisationId?: number
  land?: string
  /** Dates (YYYY-MM-DD, Europe/Berlin), both ends included. */
  from?: string
  to?: string
}

export type SearchSort = 'relevance' | 'newest'

export interface HitRow {
  threadId: number
  title: string
  categoryName: string
  categorySlug: string
  stage: Stage
  confidential: boolean
  replyCount: number
  /** The matching reply; null when the title, tags or opening post matched. */
  postId: number | null
  authorId: number
  authorName: string
  organisationId: number
  organisationName: string
  /** When the matching text was written (ISO). */
  at: string
  /** The best passage with the matches between markStart and markEnd; null when there is no readable text. */
  headline: string | null
}

export interface FilterCategory {
  id: number
  slug: string
  name: string
}

export interface SearchPage {
  /** False when the query has no searchable word (only stop words, or only exclusions). */
  searchable: boolean
  hits: HitRow[]
  /** There is at least one more hit after this page. */
  more: boolean
  /** The Themenräume the viewer may see, for the filter (from the same statement). */
  categories: FilterCategory[]
}

// One passage (several fragments cost about half as much again).
const headlineOptions = `StartSel=${markStart}, StopSel=${markEnd}, MaxWords=32, MinWords=14, ShortWord=2`

/** Candidates asked for beyond the page, for those the visibility rule leaves out. */
const spare = 10

/**
 * One page of hits, `limit` of them from `offset` on, with their details and passages, in one
 * statement: search_hits() finds and ranks candidates (one more than the page, to know
 * whether there is a next page, and some to spare); the visibility rule keeps those the viewer
 * may see (a match in a post counts only where that post may be read); passages are made for
 * the shown rows only. When the rule left out so many that the page is short although there
 * were more candidates, it asks again for more.
 */
export async function searchPage(
  db: Db,
  viewer: ViewerId,
  terms: QueryTerms,
  filters: SearchFilters,
  sort: SearchSort,
  offset: number,
  limit: number,
): Promise<SearchPage> {
  let needed = offset + limit + 1 + spare
  for (;;) {
    const statement = searchStatement(viewer, terms, filters, sort, offset, limit, needed).compile(db)
    const row = (await preparedRows(db, 'vr_search', statement))[0]!
    const hits = row.hits ?? []
    const short = hits.length <= limit && row.candidates >= needed
    if (!row.searchable || !short || needed >= 8 * (offset + limit + 1 + spare))
      return {
        searchable: row.searchable,
        hits: hits.slice(0, limit),
        more: hits.length > limit,
        categories: row.categories ?? [],
      }
    needed *= 4
  }
}

function searchStatement(
  viewer: ViewerId,
  terms: QueryTerms,
  filters: SearchFilters,
  sort: SearchSort,
  offset: number,
  limit: number,
  needed: number,
) {
  const f = filters
  return sql<{
    searchable: boolean
    candidates: number
    hits: HitRow[] | null
    categories: FilterCategory[] | null
  }>`
    with query as materialized (
      select search_query(${terms.kinds}::text[], ${terms.texts}::text[], ${terms.groups}::int[]) as q
    ),
    visible_categories as materialized (
      select c.id, c.slug, c.name, c.archived_at is not null as archived, c.position
      from categories c where ${categoryVisibleTo(viewer, 'c')}
    ),
    candidates as materialized (
      select h.thread_id, h.post_id, h.source, h.n
      from query, search_hits(query.q, (select v.id from visible_categories v where v.slug = ${f.category ?? null}::text),
        ${f.stage ?? null}::text, ${f.tag ?? null}::text,
        ${f.authorId ?? null}::int, ${f.organisationId ?? null}::int, ${f.land ?? null}::text,
        ${f.from ?? null}::date, ${f.to ?? null}::date, ${sort === 'newest'}, ${needed}::int)
        with ordinality as h(thread_id, post_id, source, n)
    ),
    shown as (
      select k.n, k.source, k.post_id, t.id as thread_id, t.title, t.category_id, t.stage, t.confidential,
        t.reply_count, p.body_source, p.created_at as post_at, t.created_at as thread_at,
        coalesce(p.author_id, t.author_id) as author_id,
        (p.id is not null and ${postReadableBy(viewer, 'p')}) as readable,
        row_number() over (order by k.n) as r
      from candidates k
      join threads t on t.id = k.thread_id
      left join posts p on p.id = coalesce(k.post_id, t.opening_post_id)
      where ${threadVisibleTo(viewer, 't')}
        and (k.source = 'title' or (p.id is not null and ${postReadableBy(viewer, 'p')}))
      order by k.n
      offset ${offset} limit ${limit + 1}
    )
    select (select q is not null from query) as searchable,
      (select count(*)::int from candidates) as candidates,
      (select json_agg(json_build_object(
        'threadId', s.thread_id, 'title', s.title, 'categoryName', c.name, 'categorySlug', c.slug,
        'stage', s.stage, 'confidential', s.confidential, 'replyCount', s.reply_count,
        'postId', case when s.source = 'reply' then s.post_id end,
        'authorId', a.id, 'authorName', a.name, 'organisationId', o.id, 'organisationName', o.name,
        'at', to_char(coalesce(s.post_at, s.thread_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        -- Passages only for the rows shown (not for the one that tells whether there is more).
        'headline', case when s.readable and s.r <= ${offset + limit}
          then ts_headline('vr_german', replace(replace(s.body_source, ${markStart}, ''), ${markEnd}, ''),
            (select q from query), ${headlineOptions}) end
      ) order by s.n)
      from shown s
      join categories c on c.id = s.category_id
      join members a on a.id = s.author_id
      join organisations o on o.id = a.organisation_id
      ) as hits,
      (select json_agg(json_build_object('id', v.id, 'slug', v.slug, 'name', v.name)
        order by v.archived, v.position, v.name) from visible_categories v) as categories
  `
}

// ---------------------------------------------------------------------------------------
// Similar threads and typos

export interface SimilarRow {
  threadId: number
  title: string
  stage: Stage
  categoryName: string
  organisationName: string
  replyCount: number
}

/** The columns of a similar thread (t: threads). */
const similarColumns = sql`t.id as "threadId", t.title, t.stage, cat.name as "categoryName",
  o.name as "organisationName", t.reply_count as "replyCount"`

/**
 * Up to `limit` threads like a title and text that the viewer may see, best first
 * (search_similar() ranks the candidates).
 */
export async function similarThreads(
  db: Db,
  viewer: ViewerId,
  input: { title: string; text: string },
  limit: number,
): Promise<SimilarRow[]> {
  const statement = sql<SimilarRow>`
    select ${similarColumns}
    from search_similar(${input.title}::text, ${input.text}::text, 0, ${limit * 3}::int) with ordinality as k(thread_id, n)
    join threads t on t.id = k.thread_id
    join categories cat on cat.id = t.category_id
    join members a on a.id = t.author_id
    join organisations o on o.id = a.organisation_id
    where ${threadVisibleTo(viewer, 't')}
    order by k.n
    limit ${limit}
  `.compile(db)
  return preparedRows(db, 'vr_search_similar', statement)
}

/**
 * The threads like a thread the viewer may see (its title and the beginning of its opening
 * post, where readable), in one statement; undefined when the viewer may not see that thread.
 */
export async function similarToThreadId(
  db: Db,
  viewer: ViewerId,
  threadId: number,
  limit: number,
): Promise<SimilarRow[] | undefined> {
  const statement = sql<{ found: boolean; similar: SimilarRow[] | null }>`
    with source as materialized (
      select t.id, t.title, case when ${postReadableBy(viewer, 'p')} then left(p.body_source, 400) else '' end as text
      from threads t left join posts p on p.id = t.opening_post_id
      where t.id = ${threadId} and ${threadVisibleTo(viewer, 't')}
    ),
    alike as (
      select ${similarColumns}, k.n
      from source, search_similar(source.title, source.text, source.id, ${limit * 3}::int) with ordinality as k(thread_id, n)
      join threads t on t.id = k.thread_id
      join categories cat on cat.id = t.category_id
      join members a on a.id = t.author_id
      join organisations o on o.id = a.organisation_id
      where ${threadVisibleTo(viewer, 't')}
      order by k.n
      limit ${limit}
    )
    select exists (select 1 from source) as found,
      (select json_agg(json_build_object('threadId', "threadId", 'title', title, 'stage', stage,
        'categoryName', "categoryName", 'organisationName', "organisationName", 'replyCount', "replyCount") order by n)
        from alike) as similar
  `.compile(db)
  const rows = await preparedRows(db, 'vr_search_similar_thread', statement)
  return rows[0]?.found ? (rows[0].similar ?? []) : undefined
}

/**
 * Threads for a search that found (almost) nothing, in case of a typo: each typed word is
 * replaced by the most alike word of all titles and tags (search_typo_query), and titles with
 * all the replaced words are offered, newest first.
 */
export async function titlesLike(
  db: Db,
  viewer: ViewerId,
  words: string[],
  limit: number,
): Promise<SimilarRow[]> {
  if (words.length === 0) return []
  const statement = sql<SimilarRow>`
    select ${similarColumns}
    from (select search_typo_query(${words}::text[]) as q) corrected, search_threads s
    join threads t on t.id = s.thread_id
    join categories cat on cat.id = t.category_id
    join members a on a.id = t.author_id
    join organisations o on o.id = a.organisation_id
    where s.title_document @@ corrected.q and ${threadVisibleTo(viewer, 't')}
    order by t.last_activity_at desc, t.id desc
    limit ${limit}
  `.compile(db)
  return preparedRows(db, 'vr_search_typos', statement)
}

// ---------------------------------------------------------------------------------------
// Filters

/** The Themenräume for the filter, when no search ran (the search statement brings them along). */
export async function listCategoriesForFilter(db: Db, viewer: ViewerId): Promise<FilterCategory[]> {
  const { rows } = await sql<FilterCategory>`
    select c.id, c.slug, c.name from categories c where ${categoryVisibleTo(viewer, 'c')}
    order by c.archived_at is not null, c.position, c.name
  `.execute(db)
  return rows
}

/** The names shown for author and organisation filters (undefined when there is no such one). */
export async function filterNames(
  db: Db,
  ids: { authorId?: number; organisationId?: number },
): Promise<{ author?: string; organisation?: string }> {
  const { rows } = await sql<{ author: string | null; organisation: string | null }>`
    select (select name from members where id = ${ids.authorId ?? 0} and status = 'verified') as author,
      (select name from organisations where id = ${ids.organisationId ?? 0}) as organisation
  `.execute(db)
  return { author: rows[0]?.author ?? undefined, organisation: rows[0]?.organisation ?? undefined }
}
