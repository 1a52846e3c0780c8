import { type Kysely, sql } from 'kysely'

// The reporter's notification names the outcome of their report: looked up per post and reporter
// (also for resolved reports, which the open-reports index does not cover).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index reports_by_post_and_reporter on reports (post_id, reporter_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index reports_by_post_and_reporter`.execute(db)
}
