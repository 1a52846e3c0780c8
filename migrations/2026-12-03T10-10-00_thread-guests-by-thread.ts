import { type Kysely, sql } from 'kysely'

// The thread page reads a thread's guests with every load (the banner, and the "Gast" mark of
// ended guests' posts too): one index on thread_id for every status, instead of the partial one
// that left out ended guests and so could not serve that query.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists thread_guests_by_thread`.execute(db)
  await sql`create index thread_guests_by_thread on thread_guests (thread_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists thread_guests_by_thread`.execute(db)
  await sql`create index thread_guests_by_thread on thread_guests (thread_id) where status in ('invited', 'active')`.execute(
    db,
  )
}
