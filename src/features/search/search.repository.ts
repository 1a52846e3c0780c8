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
import type { Stage } from '../discussions/discussions.service.ts'
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
  q: RawBuilder<unknown>,
  filters: SearchFilters,
  opening: boolean,
): RawBuilder<unknown> {
  // A match in the opening post's text counts only where that post may be read.
  const readable = opening
    ? sql`exists (select 1 from posts op where op.id = t.opening_post_id and ${postReadableBy(viewer, 'op')})`
    : sql`true`
  return sql`(${and([
    opening ? sql`s.document @@ ${q}` : sql`s.title_document @@ ${q}`,
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
 * How many of the newest matches of a tier are ranked. A common word matches thousands of
 * threads; ranking all of them costs more than any page is worth, so the best are chosen among
 * the newest matches (recency counts in a forum). A rare word has fewer matches than this: all
 * of them are ranked.
 */
export const rankedPool = 100

type Source = 'title' | 'thread' | 'reply'

/**
 * Whether a word is rare in one part of the index: fewer than `pool` raw matches. Asked
 * because the planner's guess is unreliable for words outside its statistics (a rare word
 * with prefixes looked common and made it walk a million posts): rare words are then fetched
 * through GIN and ranked in full, common ones by walking the newest texts until the pool is full.
 */
async function isRare(db: Db, q: RawBuilder<unknown>, source: Source, pool: number): Promise<boolean> {
  const matches =
    source === 'reply'
      ? sql`select 1 from search_posts sp where sp.document @@ ${q}`
      : source === 'title'
        ? sql`select 1 from search_threads s where s.title_document @@ ${q}`
        : sql`select 1 from search_threads s where s.document @@ ${q}`
  // The count stops at the pool's size, however many match. Threads (50,000 rows here) may be
  // scanned in order until enough match; posts only through GIN (a scan of a million posts for
  // a word the planner wrongly thinks common would take seconds).
  const { rows } =
    source === 'reply'
      ? await sql<{ n: number }>`
          with m as materialized (${matches}) select count(*)::int as n from (select 1 from m limit ${pool}) x
        `.execute(db)
      : await sql<{ n: number }>`select count(*)::int as n from (${matches} limit ${pool}) x`.execute(db)
  return (rows[0]?.n ?? 0) < pool
}

/**
 * The matches of a source as a CTE body: for a rare word fetched through GIN and materialised
 * (then ranked in full); for a common one left to the planner, which knows from the
 * statistics that it is common and walks the newest texts until the LIMIT is reached.
 */
function matchesOf(source: Source, q: RawBuilder<unknown>, rare: boolean): RawBuilder<unknown> {
  const body =
    source === 'reply'
      ? sql`select sp.thread_id, sp.post_id, sp.document, sp.post_id as recency
          from search_posts sp where sp.document @@ ${q}`
      : sql`select s.thread_id, s.document, s.title_document, t.last_activity_at as recency
          from search_threads s join threads t on t.id = s.thread_id
          where ${source === 'title' ? sql`s.title_document @@ ${q}` : sql`s.document @@ ${q}`}`
  return rare ? sql`materialized (${body})` : sql`not materialized (${body})`
}

/**
 * One page of hits, `limit` of them from `offset` on (one more is fetched to know whether
 * there is a next page). `tsquery` is an SQL expression of immutable functions of the typed
 * terms (query.ts), written out where it is used so that the planner can see it.
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
  const needed = offset + limit + 1
  if (sort === 'newest') {
    const rows = await newestHits(db, viewer, tsquery, filters, needed)
    return { hits: rows.slice(offset, offset + limit), more: rows.length > offset + limit }
  }
  // Tiers one after another, each only while the earlier ones hold fewer hits than needed.
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
  q: RawBuilder<unknown>,
  filters: SearchFilters,
  tier: 'title' | 'opening' | 'reply',
  limit: number,
): Promise<Hit[]> {
  const pool = Math.max(rankedPool, limit)
  if (tier === 'reply') {
    const rare = await isRare(db, q, 'reply', pool * 3)
    const { rows } = await sql<Hit>`
      with m as ${matchesOf('reply', q, rare)}
      select x.thread_id as "threadId", x.post_id as "postId"
      from (
        select distinct on (c.thread_id) c.thread_id, c.post_id, ts_rank(${weights}, c.document, ${q}, 1) as rank
        from (
          select m.thread_id, m.post_id, m.document
          from m
          join posts p on p.id = m.post_id
          join threads t on t.id = m.thread_id
          left join search_threads s on s.thread_id = t.id
          where ${postReadableBy(viewer, 'p')}
            and ${and(threadConditions(viewer, filters))}
            and ${and(writtenConditions(filters, sql`p.author_id`, sql`p.created_at`))}
            and not coalesce(${threadDocumentMatches(viewer, q, filters, true)}, false)
          order by m.recency desc
          limit ${pool * 3}
        ) c
        order by c.thread_id, rank desc, c.post_id
      ) x
      order by x.rank desc, x.thread_id desc
      limit ${limit}
    `.execute(db)
    return rows
  }
  const source = tier === 'title' ? 'title' : 'thread'
  const rare = await isRare(db, q, source, pool)
  const { rows } = await sql<Hit>`
    with m as ${matchesOf(source, q, rare)}
    select c.thread_id as "threadId", null::int as "postId"
    from (
      select s.thread_id, s.document, s.title_document
      from m s
      join threads t on t.id = s.thread_id
      where ${threadDocumentMatches(viewer, q, filters, tier === 'opening')}
        ${tier === 'opening' ? sql`and not coalesce(${threadDocumentMatches(viewer, q, filters, false)}, false)` : sql``}
        and ${and(threadConditions(viewer, filters))}
      order by s.recency desc, s.thread_id desc
      limit ${pool}
    ) c
    order by ts_rank(${weights}, ${tier === 'title' ? sql`c.title_document` : sql`c.document`}, ${q}, 1) desc,
      c.thread_id desc
    limit ${limit}
  `.execute(db)
  return rows
}

/**
 * Newest first: threads by their newest matching text (the opening post's date for the title,
 * tags and opening post; a reply's own date). Both streams walk newest first and stop early
 * (a rare word's matches come through GIN instead).
 */
async function newestHits(
  db: Db,
  viewer: ViewerId,
  q: RawBuilder<unknown>,
  filters: SearchFilters,
  limit: number,
): Promise<Hit[]> {
  const [rareThreads, rareReplies] = [
    await isRare(db, q, 'thread', limit),
    await isRare(db, q, 'reply', limit * 3),
  ]
  const { rows } = await sql<Hit>`
    with thread_matches as ${matchesOf('thread', q, rareThreads)},
    reply_matches as ${matchesOf('reply', q, rareReplies)}
    select x.thread_id as "threadId", (array_agg(x.post_id order by x.at desc))[1] as "postId"
    from (
      (select s.thread_id, null::int as post_id, s.recency as at
        from thread_matches s join threads t on t.id = s.thread_id
        where ${threadDocumentMatches(viewer, q, filters, true)} and ${and(threadConditions(viewer, filters))}
        order by s.recency desc
        limit ${limit})
      union all
      (select m.thread_id, m.post_id, p.created_at as at
        from reply_matches m
        join posts p on p.id = m.post_id
        join threads t on t.id = m.thread_id
        where ${postReadableBy(viewer, 'p')}
          and ${and(threadConditions(viewer, filters))}
          and ${and(writtenConditions(filters, sql`p.author_id`, sql`p.created_at`))}
        order by m.recency desc
        limit ${limit * 3})
    ) x
    group by x.thread_id
    order by max(x.at) desc, x.thread_id desc
    limit ${limit}
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

// One passage (several fragments cost about half as much again).
const headlineOptions = `StartSel=${markStart}, StopSel=${markEnd}, MaxWords=32, MinWords=14, ShortWord=2`

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
        then ts_headline('vr_german', replace(replace(p.body_source, ${markStart}, ''), ${markEnd}, ''),
          query.q, ${headlineOptions}) end as headline
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
 * Up to `limit` threads like a title and text. Candidates share a distinctive word (one in at
 * most 5 % of titles and tags) with the title or text, or, when there is none, are the newest
 * threads sharing any word with the title. They are ranked by the words of title and text in
 * the whole thread row (title 1.0, tags 0.4, opening post 0.2) plus the trigram likeness of
 * the titles.
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
        search_distinctive_query(${input.title} || ' ' || ${input.text}, 0.05) as distinctive,
        search_any_word_query(${input.title}) as title_words,
        search_title_text(${input.title}, '{}') as title
    ),
    candidates as (
      (select s.thread_id from input, search_threads s
        where s.title_document @@ input.distinctive
        order by ts_rank(s.title_document, input.words) desc, s.thread_id desc limit 60)
      union
      (select s.thread_id from input, search_threads s join threads t on t.id = s.thread_id
        where input.distinctive is null and s.title_document @@ input.title_words
        order by t.last_activity_at desc limit 60)
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

/**
 * Threads for a search that found (almost) nothing, in case of a typo: each typed word is
 * replaced by the most alike word of all titles and tags (trigrams over the short word list),
 * and titles with all the replaced words are offered, newest first.
 */
export async function titlesLike(
  db: Db,
  viewer: ViewerId,
  words: string[],
  limit: number,
): Promise<SimilarRow[]> {
  if (words.length === 0) return []
  const { rows } = await sql<SimilarRow>`
    with typed as (
      select search_title_text(w, '{}') as w from unnest(${words}::text[]) as w
    ),
    corrected as materialized (
      select string_agg(coalesce(c.word, typed.w), ' ') as text
      from typed left join lateral (
        select word from search_words where word % typed.w order by similarity(word, typed.w) desc, word limit 1
      ) c on true
    )
    select t.id as "threadId", t.title, t.stage, cat.name as "categoryName", o.name as "organisationName",
      t.reply_count as "replyCount"
    from corrected, search_threads s
    join threads t on t.id = s.thread_id
    join categories cat on cat.id = t.category_id
    join members a on a.id = t.author_id
    join organisations o on o.id = a.organisation_id
    where s.title_document @@ plainto_tsquery('vr_german', search_fold(corrected.text)) and ${threadVisibleTo(viewer, 't')}
    order by t.last_activity_at desc, t.id desc
    limit ${limit}
  `.execute(db)
  return rows
}

/**
 * The query as tsquery text, computed once (folding, stemming and prefixes run here, not in
 * every place a statement uses it), and whether its positive part has a searchable word at
 * all (not only stop words). Later statements pass the text as a parameter: the planner still
 * sees the query's words.
 */
export async function compileQuery(
  db: Db,
  full: RawBuilder<unknown>,
  positive: RawBuilder<unknown>,
): Promise<{ text: string; searchable: boolean }> {
  const { rows } = await sql<{ text: string; n: number }>`
    select (${full})::text as text, numnode(${positive})::int as n
  `.execute(db)
  return { text: rows[0]?.text ?? '', searchable: (rows[0]?.n ?? 0) > 0 }
}

/** A compiled query (compileQuery) as an SQL expression. */
export const tsqueryOf = (text: string): RawBuilder<unknown> => sql`(${text}::tsquery)`

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
