import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The thread page function, version 2: named fields instead of positional arrays, authors with
// role and handle, and an optional post to narrow the page to that post's ancestors and subtree
// (htmx fragments). The bodies live in sql/discussions/: `diff thread-page.v1.sql thread-page.v2.sql`
// shows what changed. A later change adds v3 and a migration that loads it.
const read = (name: string) => readFileSync(new URL(`./sql/discussions/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(read('thread-page.v2.sql')).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists discussions_thread_page(integer, integer, text, integer)`.execute(db)
  await sql.raw(read('thread-page.v1.sql')).execute(db)
}
