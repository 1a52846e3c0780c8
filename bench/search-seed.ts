// Seed of the search benchmark: a forum of ≥ 1M posts in ≥ 50k threads with varied German
// text, inserted set-based. Words are drawn from the ranked vocabulary of search-corpus.ts with
// Zipf-like frequencies (rank r with probability ∝ 1/r: r = ⌊N^u⌋ for uniform u); sentences of
// 5–16 words go into a pool, and each post is two to eight sentences of the pool in two
// paragraphs. The search triggers are off during the bulk insert and the index is built once
// at the end (search_rebuild), as it would be for an import.
import { sql } from 'kysely'
import type { Db } from '../src/db/database.ts'
import { tagList, titleWords, vocabulary } from './search-corpus.ts'

export interface SearchSeedSizes {
  threads: number
  /** Replies per thread are drawn log-uniformly between 1 and this (mean ≈ max / ln max). */
  maxReplies: number
  sentences: number
  vocabulary: number
}

export function seedSizes(env: NodeJS.ProcessEnv = process.env): SearchSeedSizes {
  return {
    threads: Number(env.BENCH_SEARCH_THREADS ?? 50_000),
    maxReplies: Number(env.BENCH_SEARCH_MAX_REPLIES ?? 110),
    sentences: Number(env.BENCH_SEARCH_SENTENCES ?? 300_000),
    vocabulary: Number(env.BENCH_SEARCH_VOCABULARY ?? 100_000),
  }
}

const searchTriggers = [
  ['threads', 'search_thread_inserted'],
  ['threads', 'search_thread_updated'],
  ['thread_tags', 'search_tags_inserted'],
  ['posts', 'search_posts_inserted'],
  ['posts', 'search_post_updated'],
] as const

/** Turns the search triggers off or on (bulk seeding; the "without index" write measurement). */
export async function setSearchTriggers(db: Db, enabled: boolean): Promise<void> {
  for (const [table, trigger] of searchTriggers) {
    await sql.raw(`alter table ${table} ${enabled ? 'enable' : 'disable'} trigger ${trigger}`).execute(db)
  }
}

const array = (values: readonly string[]) => sql`${values}::text[]`

export interface SearchSeed {
  memberId: number
  threads: number
  posts: number
  seconds: { text: number; index: number }
}

export async function seedSearchCorpus(
  db: Db,
  sizes: SearchSeedSizes,
  log: (line: string) => void,
): Promise<SearchSeed> {
  const started = Date.now()
  const words = vocabulary(sizes.vocabulary)
  const titles = titleWords()
  await setSearchTriggers(db, false)

  await sql`
    insert into organisations (kind, name, official_key, land)
    select (array['gemeinde','kreisfreie_stadt','landkreis','kommunales_unternehmen','it_dienstleister'])[1 + n % 5],
      'Kommune ' || n, null, lpad((1 + n % 16)::text, 2, '0')
    from generate_series(1, 400) n
  `.execute(db)
  await sql`
    insert into members (email, name, job_title, organisation_id, password_hash, status, email_confirmed_at, verified_at, verified_until)
    select 'mitglied' || n || '@bench.example', 'Mitglied ' || n, 'Digitalisierung',
      (select min(id) from organisations) + n % 400, 'x', 'verified', now(), now(), now() + interval '1 year'
    from generate_series(1, 3000) n
  `.execute(db)
  const member = await sql<{ id: number }>`
    insert into members (email, name, job_title, organisation_id, password_hash, status, email_confirmed_at, verified_at, verified_until)
    values ('bench@bench.example', 'Bench Sucherin', 'CDO', (select min(id) from organisations), 'x', 'verified', now(), now(), now() + interval '1 year')
    returning id
  `.execute(db)
  const memberId = member.rows[0]!.id
  const firstMember = (await sql<{ id: number }>`select min(id)::int as id from members`.execute(db)).rows[0]!
    .id

  // The vocabulary and the sentence pool.
  await sql`create unlogged table bench_words (rank integer primary key, word text not null)`.execute(db)
  await sql`insert into bench_words select r, w from unnest(${array(words)}) with ordinality as x(w, r)`.execute(
    db,
  )
  const n = words.length
  await sql`create unlogged table bench_sentences (id integer primary key, text text not null)`.execute(db)
  await sql`
    insert into bench_sentences
    select s.id, upper(left(s.text, 1)) || substr(s.text, 2) || (array['.', '.', '.', '?', '!'])[1 + s.id % 5]
    from (
      select w.s as id, string_agg(v.word, ' ' order by w.k) as text
      from (
        select s, k, least(${n}, floor(exp(random() * ln(${n} + 1)))::int) as r
        from generate_series(1, ${sizes.sentences}) s, lateral generate_series(1, 5 + (s * 7) % 12) k
      ) w join bench_words v on v.rank = w.r
      group by w.s
    ) s
  `.execute(db)
  log(
    `  vocabulary ${n} words, ${sizes.sentences} sentences (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  )

  // Threads with their number of posts and the id of their first post.
  await sql`
    create unlogged table bench_threads as
    select t, c, 1 + sum(c) over (order by t) - c as first_post
    from (
      select t, 1 + least(${sizes.maxReplies}, floor(exp(random() * ln(${sizes.maxReplies} + 1)))::int) as c
      from generate_series(1, ${sizes.threads}) t
    ) x
  `.execute(db)
  await sql`
    insert into threads (id, category_id, author_id, title, stage, confidential, created_at, last_activity_at, reply_count)
    select b.t, (select id from categories order by position offset (b.t % 7) limit 1), ${firstMember} + b.t % 3000,
      left(title.text, 150),
      (array['idea','concept','pilot','in_use','dropped'])[1 + b.t % 5], b.t % 17 = 0,
      timestamptz '2023-12-01' + make_interval(mins => b.t * 30),
      timestamptz '2023-12-01' + make_interval(mins => b.t * 30 + (b.c - 1) * 7),
      b.c - 1
    from bench_threads b,
      lateral (
        select (${array(titles.nouns)})[least(${titles.nouns.length}, floor(${titles.nouns.length} ^ random())::int + b.t * 0)] || ' '
          || (array['für', 'im', 'mit', 'und', 'zur', 'bei', 'in der', 'ohne'])[1 + floor(random() * 8)::int] || ' '
          || (${array(titles.adjectives)})[1 + floor(random() * ${titles.adjectives.length})::int] || ' '
          || (${array(titles.nouns)})[least(${titles.nouns.length}, floor(${titles.nouns.length} ^ random())::int)]
          || case when b.t % 3 = 0 then ': ' || (array['Erfahrungen', 'Fragen', 'Ideen', 'ein Bericht', 'Hilfe gesucht', 'wer macht mit?'])[1 + floor(random() * 6)::int] else '' end
          as text
      ) title
  `.execute(db)
  // Posts: the opening post, then chains of up to three nested replies (paths as the app writes them).
  const textStarted = Date.now()
  await sql`
    insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at, helpful_count)
    select o + k, b.t, ${firstMember} + (b.t * 7 + k) % 3000,
      case when k = 0 then null when (k - 1) % 3 = 0 then o else o + k - 1 end,
      case when k = 0 then array[o]
        else array[o] || array(select o + 3 * ((k - 1) / 3) + 1 + x from generate_series(0, (k - 1) % 3) x) end,
      case when k = 0 then 0 else 1 + (k - 1) % 3 end,
      body.first || coalesce(E'\n\n' || body.second, ''),
      '<p>' || body.first || coalesce(E'</p>\n<p>' || body.second, '') || '</p>',
      timestamptz '2023-12-01' + make_interval(mins => b.t * 30 + k * 7), (b.t + k) % 4
    from bench_threads b,
      lateral (select b.first_post as o) base,
      generate_series(0, b.c - 1) k,
      lateral (
        select string_agg(s.text, ' ' order by j) filter (where j <= 2 + (b.t + k) % 3) as first,
          string_agg(s.text, ' ' order by j) filter (where j > 2 + (b.t + k) % 3) as second
        from (
          select j, 1 + floor(random() * ${sizes.sentences})::int as sentence
          from generate_series(1, 3 + (b.t * 3 + k) % 6) j
        ) pick join bench_sentences s on s.id = pick.sentence
      ) body
  `.execute(db)
  await sql`
    update threads t set opening_post_id = b.first_post, last_post_id = b.first_post + b.c - 1
    from bench_threads b where b.t = t.id
  `.execute(db)
  await sql`
    insert into thread_tags (thread_id, tag)
    select distinct b.t, (${array(tagList)})[least(${tagList.length}, floor(exp(random() * ln(${tagList.length} + 1)))::int)]
    from bench_threads b, generate_series(1, 1 + b.t % 3) g
    on conflict do nothing
  `.execute(db)
  await sql`select setval(pg_get_serial_sequence('threads', 'id'), (select max(id) from threads))`.execute(db)
  await sql`select setval(pg_get_serial_sequence('posts', 'id'), (select max(id) from posts))`.execute(db)
  const counts = (
    await sql<{ threads: number; posts: number }>`
      select (select count(*) from threads)::int as threads, (select count(*) from posts)::int as posts
    `.execute(db)
  ).rows[0]!
  const textSeconds = (Date.now() - textStarted) / 1000
  log(`  ${counts.threads} threads, ${counts.posts} posts written (${textSeconds.toFixed(0)} s)`)

  const indexStarted = Date.now()
  await sql`drop table bench_words, bench_sentences, bench_threads`.execute(db)
  // One connection: the memory setting must hold for the statement that builds the indexes.
  await db.connection().execute(async (connection) => {
    await sql`set maintenance_work_mem = '512MB'`.execute(connection)
    await sql`select search_rebuild()`.execute(connection)
  })
  await setSearchTriggers(db, true)
  // Vacuumed too, so that autovacuum does not work through a million fresh rows while the
  // benchmark measures the database's CPU time.
  await sql`vacuum analyze`.execute(db)
  const indexSeconds = (Date.now() - indexStarted) / 1000
  log(`  search index built (${indexSeconds.toFixed(0)} s)`)
  return { memberId, ...counts, seconds: { text: textSeconds, index: indexSeconds } }
}
