import { type Kysely, sql } from 'kysely'

// One-time form keys: every form that writes a post (new thread, reply) carries a random key;
// a post remembers it, so a form sent twice (double click, retry after a timeout, back and
// resend) finds the post it created the first time instead of writing a second one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table posts add column form_key uuid`.execute(db)
  await sql`create unique index posts_form_key_key on posts (author_id, form_key) where form_key is not null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists posts_form_key_key`.execute(db)
  await sql`alter table posts drop column if exists form_key`.execute(db)
}
