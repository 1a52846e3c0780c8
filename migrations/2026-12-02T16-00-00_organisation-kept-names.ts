import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// A name that a moderator or admin gave a register organisation is kept by later register
// imports (organisations.name_kept_at, set by the edit form) until the register renames the
// organisation itself: organisation_register_apply() version 2 (sql/organisations/register.v2.sql).
const read = (name: string) => readFileSync(new URL(`./sql/organisations/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table organisations add column name_kept_at timestamptz`.execute(db)
  await sql.raw(read('register.v2.sql')).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(read('register.v1.sql')).execute(db)
  await sql`alter table organisations drop column name_kept_at`.execute(db)
}
