import { type Kysely, sql } from 'kysely'

// Indexes of the directory search, built once over the seeded register: trigrams for word
// prefixes in the own names (and with the chain above, for "neustadt holstein"), a prefix index
// for "names that begin with", and prefix indexes on the keys and the postcode. The keys and
// postcode use text_pattern_ops so that `like '0556%'` uses them whatever the collation.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index organisations_search_words on organisations using gin (search_name gin_trgm_ops)`.execute(
    db,
  )
  await sql`create index organisations_search_all_words on organisations
    using gin ((search_name || search_context) gin_trgm_ops)`.execute(db)
  await sql`create index organisations_search_start on organisations (search_name text_pattern_ops)`.execute(
    db,
  )
  await sql`create index organisations_key_prefix on organisations (official_key text_pattern_ops)`.execute(
    db,
  )
  await sql`create index organisations_ags_prefix on organisations (ags text_pattern_ops)`.execute(db)
  await sql`create index organisations_ars_prefix on organisations (ars text_pattern_ops)`.execute(db)
  await sql`create index organisations_postcode on organisations (postcode text_pattern_ops)`.execute(db)
  await sql`analyze organisations`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists organisations_search_words, organisations_search_all_words,
    organisations_search_start, organisations_key_prefix, organisations_ags_prefix,
    organisations_ars_prefix, organisations_postcode`.execute(db)
}
