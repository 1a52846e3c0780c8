import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// Posts written before headings were mapped into the page's outline (see markdown.ts) keep
// "##" as an h4 right after the page's h2. Their stored HTML (and their earlier versions) is
// re-levelled once here, by sql/discussions/relevel-headings.v1.sql.
const relevel = readFileSync(new URL('./sql/discussions/relevel-headings.v1.sql', import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(relevel).execute(db)
  await sql`update posts set body_html = discussions_relevel_headings(body_html) where body_html ~ '<h[3-6]>'`.execute(
    db,
  )
  await sql`
    update post_revisions set body_html = discussions_relevel_headings(body_html) where body_html ~ '<h[3-6]>'
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  // The earlier levels are not restored: they made the outline invalid.
  await sql`drop function if exists discussions_relevel_headings(text)`.execute(db)
}
