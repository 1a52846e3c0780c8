import { type Kysely, sql } from 'kysely'

// A mail whose sending is uncertain (handed to SMTP, no answer recorded) keeps its job while it
// waits for an admin: "erneut senden" queues it again with the same Message-ID, "verwerfen"
// drops it; either clears it. Retention removes old records with the rest of mail_sends.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table mail_sends add column job jsonb`.execute(db)
  await sql`create index mail_sends_uncertain on mail_sends (updated_at) where status = 'uncertain'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index mail_sends_uncertain`.execute(db)
  await sql`alter table mail_sends drop column job`.execute(db)
}
