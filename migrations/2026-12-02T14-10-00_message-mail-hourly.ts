import { type Kysely, sql } from 'kysely'

// Mail about direct messages may also come hourly: one summary of the conversations with
// unread messages (like the replies' notification setting), besides 'immediately' and 'never'.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table message_settings drop constraint message_settings_mail_mode_check`.execute(db)
  await sql`alter table message_settings add constraint message_settings_mail_mode_check
    check (mail_mode in ('immediately', 'hourly', 'never'))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update message_settings set mail_mode = 'immediately' where mail_mode = 'hourly'`.execute(db)
  await sql`alter table message_settings drop constraint message_settings_mail_mode_check`.execute(db)
  await sql`alter table message_settings add constraint message_settings_mail_mode_check
    check (mail_mode in ('immediately', 'never'))`.execute(db)
}
