import { type Kysely, sql } from 'kysely'

// The directory search looks up official domains as text (exact, as typed so far, or the
// domains an address's domain is a subdomain of) before it searches the organisations: an
// index on the domain as text, whose prefix search works whatever the collation. The primary
// key (citext) serves neither `like` nor a text comparison.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index organisation_domains_text on organisation_domains ((domain::text) text_pattern_ops)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists organisation_domains_text`.execute(db)
}
