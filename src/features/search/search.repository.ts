// The search queries. The index (search_threads, search_posts) is kept by triggers on the
// discussions tables (migrations/sql/search/); what a viewer may see comes from the one
// visibility rule (core/visibility), joined into every query here.
//
// Relevance is ranked in tiers, best first: threads whose title or tags match, threads whose
// opening post matches, threads where only a reply matches; within a tier by ts_rank with the
// weights title 1.0 > tags 0.4 > opening post 0.2 > reply 0.1. Each tier is its own query, run
// only when the tiers before it do not fill the page, so a common word is ranked among the
// title matches alone and never over every post that contains it.
import { type RawBuilder, type Sql, sql } from 'kysely'
import { postReadableBy, threadVisibleTo, type ViewerId } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { Stage } from '../discussions/discussions.tables.ts'
import { markEnd, markStart } from './snippet.ts'

export interface SearchFilters {
  categoryId?: number
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

/** A hit before its details are loaded: the thread and the post whose text matched (null: title, tags or opening post). */
interface Hit {
  threadId: number
  postId: number | null
}

const weights = sql.raw(`'{0.1, 0.2, 0.4, 1.0}'`)

/** Conditions on the thread alone (alias t). */
function threadConditions(viewer: ViewerId, filters: SearchFilters): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [threadVisibleTo(viewer, 't')]
  if (filters.categoryId !== undefined) conditions.push(sql`t.category_id = ${filters.categoryId}`)
  if (filters.stage !== undefined) conditions.push(sql`t.stage = ${filters.stage}`)
  if (filters.tag !== undefined)
    conditions.push(
      sql`exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = ${filters.tag})`,
    )
  return conditions
}

/** Conditions on who wrote a matching text and when: `author` and `at` are its columns. */
function writtenConditions(
  filters: SearchFilters,
  author: Sql | RawBuilder<unknown>,
  at: RawBuilder<unknown>,
) {
  const conditions: RawBuilder<unknown>[] = []
  if (filters.authorId !== undefined) conditions.push(sql`${author} = ${filters.authorId}`)
  if (filters.organisationId !== undefined)
    conditions.push(
      sql`exists (select 1 from members w where w.id = ${author} and w.organisation_id = ${filters.organisationId})`,
    )
  if (filters.land !== undefined)
    conditions.push(sql`exists (select 1 from members w join organisations wo on wo.id = w.organisation_id
      where w.id = ${author} and wo.land = ${filters.land})`)
  if (filters.from !== undefined)
    conditions.push(sql`${at} >= (${filters.from}::date)::timestamp at time zone 'Europe/Berlin'`)
  if (filters.to !== undefined)
    conditions.push(sql`${at} < (${filters.to}::date + 1)::timestamp at time zone 'Europe/Berlin'`)
  return conditions
}

const and = (conditions: RawBuilder<unknown>[]) =>
  conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `)

/** The thread's own row (title, tags, opening post) matches for this viewer: s = search_threads, t = threads. */
function threadDocumentMatches(
  viewer: ViewerId,
  filters: SearchFilters,
  opening: boolean,
): RawBuilder<unknown> {
  // A match in the opening post's text counts only where that post may be read.
  const readable = opening
    ? sql`exists (select 1 from posts op where op.id = t.opening_post_id and ${postReadableBy(viewer, 'op')})`
    : sql`true`
  return sql`(${and([
    opening ? sql`s.document @@ query.q` : sql`s.title_document @@ query.q`,
    readable,
    ...writtenConditions(filters, sql`t.author_id`, sql`t.created_at`),
  ])})`
}

export interface SearchPage {
  hits: Hit[]
  /** There is at least one more hit after this page. */
  more: boolean
}

/**
 * One page of hits, `limit` of them from `offset` on (one more is fetched to know whether
 * there is a next page).
 */
export async function searchHits(
  db: Db,
  viewer: ViewerId,
  tsquery: RawBuilder<unknown>,
  filters: SearchFilters,
  sort: SearchSort,
  offset: number,
  limit: number,
): Promise<SearchPage> {
  if (sort === 'newest') {
    const rows = await newestHits(db, viewer, tsquery, filters, offset, limit + 1)
    return { hits: rows.slice(0, limit), more: rows.length > limit }
  }
  // Tiers one after another, each only while the earlier ones hold fewer hits than needed.
  const needed = offset + limit + 1
  const ranked: Hit[] = []
  for (const tier of ['title', 'opening', 'reply'] as const) {
    ranked.push(...(await tierHits(db, viewer, tsquery, filters, tier, needed - ranked.length)))
    if (ranked.length >= needed) break
  }
  return { hits: ranked.slice(offset, offset + limit), more: ranked.length > offset + limit }
}

/** The best `limit` hits of one tier. */
async function tierHits(
  db: Db,
  viewer: ViewerId,
  tsquery: RawBuilder<unknown>,
  filters: SearchFilters,
  tier: 'title' | 'opening' | 'reply',
  limit: number,
): Promise<Hit[]> {
  const query =
    tier === 'reply'
      ? sql<Hit>`
        with query as materialized (select ${tsquery} as q)
        select x.thread_id as "threadId", x.post_id as "postId"
        from (
          select distinct on (sp.thread_id) sp.thread_id, sp.post_id, ts_rank(${weights}, sp.document, query.q, 1) as rank
          from query, search_posts sp
          join posts p on p.id = sp.post_id
          join threads t on t.id = sp.thread_id
          left join search_threads s on s.thread_id = t.id
          where sp.document @@ query.q
            and ${postReadableBy(viewer, 'p')}
            and ${and(threadConditions(viewer, filters))}
            and ${and(writtenConditions(filters, sql`p.author_id`, sql`p.created_at`))}
            and not coalesce(${threadDocumentMatches(viewer, filters, true)}, false)
          order by sp.thread_id, rank desc, sp.post_id
        ) x
        order by x.rank desc, x.thread_id desc
        limit ${limit}`
      : sql<Hit>`
        with query as materialized (select ${tsquery} as q)
        select s.thread_id as "threadId", null::int as "postId"
        from query, search_threads s
        join threads t on t.id = s.thread_id
        where ${threadDocumentMatches(viewer, filters, tier === 'opening')}
          ${tier === 'opening' ? sql`and not coalesce(${threadDocumentMatches(viewer, filters, false)}, false)` : sql``}
          and ${and(threadConditions(viewer, filters))}
        order by ts_rank(${weights}, s.document, query.q, 1) desc, s.thread_id desc
        limit ${limit}`
  return (await query.execute(db)).rows
}

async function newestHits(
  db: Db,
  viewer: ViewerId,
  tsquery: RawBuilder<unknown>,
  filters: SearchFilters,
  offset: number,
  limit: number,
): Promise<Hit[]> {
  const { rows } = await sql<Hit>`
    with query as materialized (select ${tsquery} as q)
    select t.id as "threadId", (
        select sp.post_id from search_posts sp join posts p on p.id = sp.post_id
        where sp.thread_id = t.id and sp.document @@ query.q and ${postReadableBy(viewer, 'p')}
          and ${and(writtenConditions(filters, sql`p.author_id`, sql`p.created_at`))}
          and not exists (select 1 from search_threads s where s.thread_id = t.id and ${threadDocumentMatches(viewer, filters, true)})
        order by p.created_at desc limit 1
      ) as "postId"
    from query, threads t
    where ${and(threadConditions(viewer, filters))}
      and (
        exists (select 1 from search_threads s where s.thread_id = t.id and ${threadDocumentMatches(viewer, filters, true)})
        or exists (select 1 from search_posts sp join posts p on p.id = sp.post_id
          where sp.thread_id = t.id and sp.document @@ query.q and ${postReadableBy(viewer, 'p')}
            and ${and(writtenConditions(filters, sql`p.author_id`, sql`p.created_at`))})
      )
    order by t.last_activity_at desc, t.id desc
    offset ${offset} limit ${limit}
  `.execute(db)
  return rows
}

// ---------------------------------------------------------------------------------------
// What a page of hits shows

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

const headlineOptions = `StartSel=${markStart}, StopSel=${markEnd}, MaxWords=32, MinWords=14, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`

/** The details of the hits, in their order, each with its passage (visibility checked again). */
export async function loadHits(
  db: Db,
  viewer: ViewerId,
  tsquery: RawBuilder<unknown>,
  hits: Hit[],
): Promise<HitRow[]> {
  if (hits.length === 0) return []
  const { rows } = await sql<HitRow>`
    with query as materialized (select ${tsquery} as q)
    select t.id as "threadId", t.title, c.name as "categoryName", c.slug as "categorySlug", t.stage,
      t.confidential, t.reply_count as "replyCount", h.post_id as "postId",
      a.id as "authorId", a.name as "authorName", o.id as "organisationId", o.name as "organisationName",
      to_char(coalesce(p.created_at, t.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at,
      case when p.id is not null and ${postReadableBy(viewer, 'p')}
        then ts_headline('vr_german', search_plain(p.body_source), query.q, ${headlineOptions}) end as headline
    from query, unnest(${hits.map((h) => h.threadId)}::int[], ${hits.map((h) => h.postId)}::int[])
      with ordinality as h(thread_id, post_id, n)
    join threads t on t.id = h.thread_id
    join categories c on c.id = t.category_id
    left join posts p on p.id = coalesce(h.post_id, t.opening_post_id)
    join members a on a.id = coalesce(p.author_id, t.author_id)
    join organisations o on o.id = a.organisation_id
    where ${threadVisibleTo(viewer, 't')}
    order by h.n
  `.execute(db)
  return rows
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

/**
 * Up to `limit` threads like a title and text: candidates share a word with the title or tags
 * (full text) or look like the title (trigrams); they are ranked by the words of title and
 * text in the whole thread row plus the title's likeness.
 */
export async function similarThreads(
  db: Db,
  viewer: ViewerId,
  input: { title: string; text: string; exceptThreadId?: number },
  limit: number,
): Promise<SimilarRow[]> {
  const { rows } = await sql<SimilarRow>`
    with input as materialized (
      select search_any_word_query(${input.title} || ' ' || ${input.text}) as words,
        search_title_text(${input.title}, '{}') as title
    ),
    candidates as (
      (select s.thread_id from input, search_threads s
        where s.title_document @@ input.words
        order by ts_rank(s.title_document, input.words) desc, s.thread_id desc limit 60)
      union
      (select s.thread_id from input, search_threads s
        where s.title_text % input.title
        order by similarity(s.title_text, input.title) desc limit 20)
    )
    select t.id as "threadId", t.title, t.stage, cat.name as "categoryName", o.name as "organisationName",
      t.reply_count as "replyCount"
    from input, candidates k
    join search_threads s on s.thread_id = k.thread_id
    join threads t on t.id = k.thread_id
    join categories cat on cat.id = t.category_id
    join members a on a.id = t.author_id
    join organisations o on o.id = a.organisation_id
    where ${threadVisibleTo(viewer, 't')} and t.id <> ${input.exceptThreadId ?? 0}
    order by ts_rank(${weights}, s.document, input.words, 1) + similarity(s.title_text, input.title) desc, t.id desc
    limit ${limit}
  `.execute(db)
  return rows
}

/** The title and the beginning of the opening post of a thread the viewer may see (for its "similar threads"). */
export async function threadForSimilar(
  db: Db,
  viewer: ViewerId,
  threadId: number,
): Promise<{ title: string; text: string } | undefined> {
  const { rows } = await sql<{ title: string; text: string }>`
    select t.title, case when ${postReadableBy(viewer, 'p')} then left(p.body_source, 400) else '' end as text
    from threads t left join posts p on p.id = t.opening_post_id
    where t.id = ${threadId} and ${threadVisibleTo(viewer, 't')}
  `.execute(db)
  return rows[0]
}

/** Titles and tags that look like what was typed, for a search that found (almost) nothing. */
export async function titlesLike(
  db: Db,
  viewer: ViewerId,
  text: string,
  limit: number,
): Promise<SimilarRow[]> {
  return db.transaction().execute(async (trx) => {
    // pg_trgm's default (0.6) misses one swapped letter in a short word; this is for this query only.
    await sql`select set_config('pg_trgm.word_similarity_threshold', '0.45', true)`.execute(trx)
    const { rows } = await sql<SimilarRow>`
    with input as materialized (select search_title_text(${text}, '{}') as text)
    select t.id as "threadId", t.title, t.stage, cat.name as "categoryName", o.name as "organisationName",
      t.reply_count as "replyCount"
    from input, search_threads s
    join threads t on t.id = s.thread_id
    join categories cat on cat.id = t.category_id
    join members a on a.id = t.author_id
    join organisations o on o.id = a.organisation_id
    where input.text <% s.title_text and ${threadVisibleTo(viewer, 't')}
    order by word_similarity(input.text, s.title_text) desc, t.id desc
    limit ${limit}
  `.execute(trx)
    return rows
  })
}

/** Whether the positive part of a query has any searchable word (not only stop words). */
export async function hasSearchableWords(db: Db, positive: RawBuilder<unknown>): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select numnode(${positive})::int as n`.execute(db)
  return (rows[0]?.n ?? 0) > 0
}

// ---------------------------------------------------------------------------------------
// Filters

export async function listCategoriesForFilter(db: Db): Promise<{ id: number; slug: string; name: string }[]> {
  const { rows } = await sql<{ id: number; slug: string; name: string }>`
    select id, slug, name from categories order by archived_at is not null, position, name
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
