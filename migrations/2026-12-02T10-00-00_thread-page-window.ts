import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The thread page function, version 4: a bounded window of posts (from the start, after a post,
// or around a post) instead of the whole thread; one post's page shows its ancestors only.
// `diff sql/discussions/thread-page.v3.sql sql/discussions/thread-page.v4.sql` shows the change.
const read = (name: string) => readFileSync(new URL(`./sql/discussions/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(read('thread-page.v4.sql')).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists discussions_thread_page(integer, integer, text, integer, integer, integer, integer, integer)`.execute(
    db,
  )
  await sql.raw(read('thread-page.v3.sql')).execute(db)
}
