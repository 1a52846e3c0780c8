import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// A search and "similar threads" as PL/pgSQL functions whose plans Postgres keeps, one round
// trip per search (the callers add the visibility rule of core/visibility). The SQL lives in
// sql/search/search-query.v1.sql.
const read = (name: string) => readFileSync(new URL(`./sql/search/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(read('search-query.v1.sql')).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const fn of [
    'search_typo_query(text[])',
    'search_similar(text, text, integer, integer)',
    'search_newest(tsquery, integer, text, text, integer, integer, text, timestamptz, timestamptz, integer)',
    'search_hits(tsquery, integer, text, text, integer, integer, text, date, date, boolean, integer)',
    'search_reply_tier(tsquery, integer[], integer, text, text, integer, integer, text, date, date, integer, integer)',
    'search_thread_tier(tsquery, boolean, integer[], integer, text, text, integer, integer, text, date, date, integer, integer)',
    'search_match_estimate(tsquery, text)',
    'search_author_matches(integer, integer, integer, text)',
    'search_query(text[], text[], integer[])',
  ])
    await sql.raw(`drop function if exists ${fn}`).execute(db)
}
