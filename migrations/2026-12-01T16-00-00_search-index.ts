import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// Full text search over threads and posts, kept in step by triggers on the discussions tables:
// German stemming, umlauts and ß folded, weights title > tags > opening post > replies, GIN
// indexes, trigrams on titles and tags. The SQL lives in sql/search/ (a later change adds v2
// and a migration that loads it).
const read = (name: string) => readFileSync(new URL(`./sql/search/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists unaccent`.execute(db)
  await sql`create extension if not exists pg_trgm`.execute(db)
  await sql.raw(read('search-index.v1.sql')).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists search_thread_inserted on threads`.execute(db)
  await sql`drop trigger if exists search_thread_updated on threads`.execute(db)
  await sql`drop trigger if exists search_tags_inserted on thread_tags`.execute(db)
  await sql`drop trigger if exists search_tags_updated on thread_tags`.execute(db)
  await sql`drop trigger if exists search_tags_deleted on thread_tags`.execute(db)
  await sql`drop trigger if exists search_posts_inserted on posts`.execute(db)
  await sql`drop trigger if exists search_post_updated on posts`.execute(db)
  await sql`drop table if exists search_posts, search_threads`.execute(db)
  for (const fn of [
    'search_rebuild()',
    'search_post_updated()',
    'search_posts_inserted()',
    'search_tags_inserted()',
    'search_threads_changed()',
    'search_refresh_threads(integer[])',
    'search_title_text(text, text[])',
    'search_vector(text, "char")',
  ])
    await sql.raw(`drop function if exists ${fn}`).execute(db)
  await sql`drop text search configuration if exists vr_german`.execute(db)
  await sql`drop text search dictionary if exists vr_german_stop`.execute(db)
  await sql`drop function if exists search_fold(text)`.execute(db)
}
