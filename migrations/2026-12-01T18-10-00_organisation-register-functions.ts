import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The directory's search columns (folded own names, kept by a trigger; folded names of the
// chain above) and the function that applies a register extract (used by the next migration and
// by the import command). The SQL lives in sql/organisations/; a later change adds v2 and a
// migration that loads it. The search indexes come after the seed (built once, not row by row).
const read = (name: string) => readFileSync(new URL(`./sql/organisations/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists unaccent`.execute(db)
  await sql`create extension if not exists pg_trgm`.execute(db)
  await sql`alter table organisations add column search_context text not null default ''`.execute(db)
  await sql.raw(read('register.v1.sql')).execute(db)
  // Existing rows get their search name (the trigger sees every later write).
  await sql`update organisations set search_name = organisation_search_name(kind, name, official_name, official_kind)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists organisations_search_name on organisations`.execute(db)
  for (const fn of [
    'organisation_register_apply(json, text)',
    'organisation_refresh_search_context(integer[])',
    'organisations_search_name()',
    'organisation_search_name(text, text, text, text)',
    'organisation_fold(text)',
  ])
    await sql.raw(`drop function if exists ${fn}`).execute(db)
  await sql`alter table organisations drop column search_context`.execute(db)
}
