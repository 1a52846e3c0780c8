import { type Kysely, sql } from 'kysely'

// Sign-in limits per account *and* source: a failure remembers where it came from (a keyed hash
// of the client's address, IPv6 grouped by /64, and the device cookie if the browser had one),
// and what was guessed (the sign-in password, or the current password on the account page).
// A mailed link lets the owner of a locked account in again: a new token purpose.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('login_failures')
    .addColumn('client', 'text')
    .addColumn('device', 'text')
    .addColumn('kind', 'text', (col) =>
      col.notNull().defaultTo('sign_in').check(sql`kind in ('sign_in', 'current_password')`),
    )
    .execute()
  await db.schema
    .createIndex('login_failures_by_client')
    .on('login_failures')
    .columns(['client', 'at'])
    .execute()

  await sql`alter table member_tokens drop constraint member_tokens_purpose_check`.execute(db)
  await sql`alter table member_tokens add constraint member_tokens_purpose_check
    check (purpose in ('confirm_email', 'reset_password', 'reconfirm', 'change_email', 'unlock_sign_in'))`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from member_tokens where purpose = 'unlock_sign_in'`.execute(db)
  await sql`alter table member_tokens drop constraint member_tokens_purpose_check`.execute(db)
  await sql`alter table member_tokens add constraint member_tokens_purpose_check
    check (purpose in ('confirm_email', 'reset_password', 'reconfirm', 'change_email'))`.execute(db)
  await db.schema.dropIndex('login_failures_by_client').ifExists().execute()
  await db.schema
    .alterTable('login_failures')
    .dropColumn('client')
    .dropColumn('device')
    .dropColumn('kind')
    .execute()
}
