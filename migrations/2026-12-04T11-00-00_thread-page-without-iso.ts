import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The thread page function, version 5: posts come without createdIso (the page prints a post's
// time as its label only). `diff sql/discussions/thread-page.v4.sql sql/discussions/thread-page.v5.sql`
// shows the change; both versions have the same signature, so each replaces the other.
const read = (name: string) => readFileSync(new URL(`./sql/discussions/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(read('thread-page.v5.sql')).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(read('thread-page.v4.sql')).execute(db)
}
