import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// Search queries, version 2 (sql/search/search-query.v2.sql): a common word with a Themenraum and
// a Reifegrad walks an index of Themenraum, stage and activity; newest-first replies are chosen
// by a sample of the newest threads and replies instead of the planner's estimate; similar threads
// no longer read pg_stats for a list they never used.
const read = (name: string) => readFileSync(new URL(`./sql/search/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(read('search-query.v2.sql')).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  // Version 1 defines every search function again, search_thread_tier among them.
  await sql.raw(read('search-query.v1.sql')).execute(db)
  await sql`drop function if exists search_newest_reply_ids(tsquery, integer)`.execute(db)
  await sql`drop function if exists search_recent_reply_ids(tsquery, integer, integer)`.execute(db)
  await sql`drop index if exists threads_by_category_stage_activity`.execute(db)
}
