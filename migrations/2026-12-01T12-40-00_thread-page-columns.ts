import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The thread page function, version 3: posts as named columns (one array per field) instead of
// one object per post, which cost a third more bytes and database time than v1's arrays.
// `diff sql/discussions/thread-page.v2.sql sql/discussions/thread-page.v3.sql` shows the change.
const read = (name: string) => readFileSync(new URL(`./sql/discussions/${name}`, import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(read('thread-page.v3.sql')).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(read('thread-page.v2.sql')).execute(db)
}
