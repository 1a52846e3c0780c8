import { type Kysely, sql } from 'kysely'

// Mail after a crash. Every message records in committed steps how far it got: still queued
// (nothing handed to SMTP yet, safe to send again), sending (the end of the message data is
// going out: from here on it may have arrived), sent, or uncertain. `attempts` numbers the
// attempts, so that only the attempt that claimed a message can hand it over.
// Job runners record a heartbeat, so that the jobs a dead runner had locked are freed within
// seconds instead of graphile-worker's four hours.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_sends')
    .addColumn('message_id', 'text', (col) => col.primaryKey())
    .addColumn('template', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'sending', 'sent', 'uncertain', 'dropped')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('mail_sends_by_time').on('mail_sends').column('created_at').execute()

  await db.schema
    .createTable('job_runners')
    // graphile-worker's pool id: what it writes into locked_by.
    .addColumn('id', 'text', (col) => col.primaryKey())
    // Machine (host name, boot id, process namespace): on the same one, a dead pid is proof.
    .addColumn('host', 'text', (col) => col.notNull())
    .addColumn('pid', 'integer', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('heartbeat_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_runners').ifExists().execute()
  await db.schema.dropTable('mail_sends').ifExists().execute()
}
