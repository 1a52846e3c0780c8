import { type Kysely, sql } from 'kysely'

// Digest and notification-mail settings per member, and a record of every digest or
// notification mail composed (the exactly-once bookkeeping).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_digest_settings')
    .addColumn('member_id', 'integer', (col) => col.primaryKey().references('members.id').onDelete('cascade'))
    .addColumn('frequency', 'text', (col) =>
      col.notNull().defaultTo('weekly').check(sql`frequency in ('daily', 'weekly', 'never')`),
    )
    .addColumn('all_categories', 'boolean', (col) => col.notNull().defaultTo(true))
    // Only read when all_categories is false; ids of deleted categories simply match nothing.
    .addColumn('category_ids', sql`integer[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('notify_mode', 'text', (col) =>
      col.notNull().defaultTo('immediately').check(sql`notify_mode in ('immediately', 'hourly', 'never')`),
    )
    // Threads and replies created up to this moment are in a recorded digest.
    .addColumn('digest_watermark', 'timestamptz')
    // The period ('daily:2026-11-25', 'weekly:2026-11-23') of the last recorded digest.
    .addColumn('digest_period', 'text')
    // Start of a digest whose delivery is uncertain (crash during SMTP): the next digest covers it again.
    .addColumn('carry_from', 'timestamptz')
    .addColumn('last_notification_mail_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('mail_deliveries')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('digest', 'notifications')`))
    .addColumn('period_key', 'text', (col) => col.notNull())
    .addColumn('window_start', 'timestamptz', (col) => col.notNull())
    .addColumn('window_end', 'timestamptz', (col) => col.notNull())
    .addColumn('thread_ids', sql`integer[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('thread_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('followed', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('notification_ids', sql`bigint[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('message_id', 'text', (col) => col.notNull().unique())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'sending', 'sent', 'uncertain', 'dropped', 'skipped')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    // Exactly one digest per member per period.
    .addUniqueConstraint('mail_deliveries_once_per_period', ['member_id', 'kind', 'period_key'])
    .execute()
  await sql`create index mail_deliveries_by_status on mail_deliveries (status, created_at) where status in ('queued', 'sending', 'uncertain')`.execute(
    db,
  )

  // Notifications already put into a mail (no foreign key: rows older than two days are pruned).
  await db.schema
    .createTable('mailed_notifications')
    .addColumn('notification_id', 'bigint', (col) => col.primaryKey())
    .addColumn('delivery_id', 'bigint', (col) =>
      col.notNull().references('mail_deliveries.id').onDelete('cascade'),
    )
    .addColumn('mailed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('mailed_notifications_by_time')
    .on('mailed_notifications')
    .column('mailed_at')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mailed_notifications').ifExists().execute()
  await db.schema.dropTable('mail_deliveries').ifExists().execute()
  await db.schema.dropTable('member_digest_settings').ifExists().execute()
}
