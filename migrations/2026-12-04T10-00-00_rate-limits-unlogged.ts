import { type Kysely, sql } from 'kysely'

// Every request of a limited route writes its counter (a public search: every keystroke), and
// a logged table writes each of those to the WAL as well. An unlogged table keeps its rows
// across a clean restart but starts empty after a crash: counters of at most a few minutes
// begin again, which a rate limit can afford; the WAL it saves is one record per request.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set unlogged`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set logged`.execute(db)
}
