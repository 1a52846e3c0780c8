import { type Kysely, sql } from 'kysely'

// Staff sign-in with a second factor, and the members' data rights.
// - member_second_factors: one TOTP secret per member (RFC 6238), encrypted by the app; a row
//   without confirmed_at is an enrolment in progress. last_used_step keeps a code from being
//   used twice within its window.
// - member_recovery_codes: ten one-time codes per member, stored as keyed hashes.
// - login_failures learns a third kind: wrong second-factor codes, counted per account.
// - data_exports: a member's download of everything stored about them, made by a job.
// - members may be "deleted": the row stays as a pseudonymous tombstone (posts kept as
//   "ehemaliges Mitglied" still point to it; the audit log's ids resolve to it).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_second_factors')
    .addColumn('member_id', 'integer', (col) => col.primaryKey().references('members.id').onDelete('cascade'))
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('last_used_step', 'bigint')
    .execute()

  await db.schema
    .createTable('member_recovery_codes')
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('used_at', 'timestamptz')
    .addPrimaryKeyConstraint('member_recovery_codes_pkey', ['member_id', 'code_hash'])
    .execute()

  await sql`alter table login_failures drop constraint login_failures_kind_check`.execute(db)
  await sql`alter table login_failures add constraint login_failures_kind_check
    check (kind in ('sign_in', 'current_password', 'second_factor'))`.execute(db)

  await db.schema
    .createTable('data_exports')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('pending').check(sql`status in ('pending', 'ready')`),
    )
    .addColumn('content', 'text')
    .addColumn('byte_size', 'integer')
    .addColumn('requested_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('ready_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('data_exports_by_member')
    .on('data_exports')
    .columns(['member_id', 'requested_at'])
    .execute()

  await sql`alter table members drop constraint members_status_check`.execute(db)
  await sql`alter table members add constraint members_status_check
    check (status in ('pending_email', 'pending_review', 'verified', 'rejected', 'suspended', 'expired', 'deleted'))`.execute(
    db,
  )
  await sql`alter table members add column deleted_at timestamptz`.execute(db)
  // Retention walks these: unconfirmed registrations and rejected applications by age.
  await sql`create index members_by_status_and_update on members (status, updated_at)
    where status in ('pending_email', 'rejected')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists members_by_status_and_update`.execute(db)
  await sql`alter table members drop column if exists deleted_at`.execute(db)
  await sql`alter table members drop constraint members_status_check`.execute(db)
  await sql`alter table members add constraint members_status_check
    check (status in ('pending_email', 'pending_review', 'verified', 'rejected', 'suspended', 'expired'))`.execute(
    db,
  )
  await db.schema.dropTable('data_exports').ifExists().execute()
  await sql`delete from login_failures where kind = 'second_factor'`.execute(db)
  await sql`alter table login_failures drop constraint login_failures_kind_check`.execute(db)
  await sql`alter table login_failures add constraint login_failures_kind_check
    check (kind in ('sign_in', 'current_password'))`.execute(db)
  await db.schema.dropTable('member_recovery_codes').ifExists().execute()
  await db.schema.dropTable('member_second_factors').ifExists().execute()
}
