import { type Kysely, sql } from 'kysely'

// Composing a digest reads the threads created in a time window, newest first, filtered by
// author and category: this index answers that from the index alone (no table reads).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index threads_for_digests on threads (created_at desc, id desc) include (author_id, category_id)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists threads_for_digests`.execute(db)
}
