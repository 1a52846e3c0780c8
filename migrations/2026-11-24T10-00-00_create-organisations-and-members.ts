import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists citext`.execute(db)

  await db.schema
    .createTable('organisations')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) =>
      col
        .notNull()
        .check(
          sql`kind in ('land', 'landkreis', 'kreisfreie_stadt', 'gemeinde', 'kommunales_unternehmen', 'it_dienstleister', 'kommunaler_verband')`,
        ),
    )
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('official_key', 'text', (col) => col.unique())
    .addColumn('land', 'text')
    .addColumn('auto_approve', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index organisations_name_search on organisations (lower(name) text_pattern_ops)`.execute(
    db,
  )

  await db.schema
    .createTable('organisation_domains')
    .addColumn('domain', sql`citext`, (col) => col.primaryKey())
    .addColumn('organisation_id', 'integer', (col) =>
      col.notNull().references('organisations.id').onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('organisation_domains_by_organisation')
    .on('organisation_domains')
    .column('organisation_id')
    .execute()

  await db.schema
    .createTable('members')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('email', sql`citext`, (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('job_title', 'text', (col) => col.notNull())
    .addColumn('organisation_id', 'integer', (col) => col.notNull().references('organisations.id'))
    .addColumn('statement', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) =>
      col.notNull().defaultTo('member').check(sql`role in ('member', 'moderator', 'admin')`),
    )
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('pending_email')
        .check(
          sql`status in ('pending_email', 'pending_review', 'verified', 'rejected', 'suspended', 'expired')`,
        ),
    )
    .addColumn('status_reason', 'text')
    .addColumn('suspended_until', 'timestamptz')
    .addColumn('locale', 'text', (col) => col.check(sql`locale in ('de', 'en')`))
    .addColumn('email_confirmed_at', 'timestamptz')
    .addColumn('verified_at', 'timestamptz')
    .addColumn('verified_by', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('verification_evidence', 'text')
    .addColumn('verified_until', 'timestamptz')
    .addColumn('reconfirm_requested_at', 'timestamptz')
    .addColumn('reconfirm_reminded_at', 'timestamptz')
    .addColumn('invited_by', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index members_review_queue on members (created_at) where status = 'pending_review'`.execute(
    db,
  )
  await sql`create index members_reconfirm_due on members (verified_until) where status = 'verified'`.execute(
    db,
  )

  await db.schema
    .createTable('member_tokens')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (col) =>
      col.notNull().check(sql`purpose in ('confirm_email', 'reset_password', 'reconfirm', 'change_email')`),
    )
    .addColumn('new_email', sql`citext`)
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('member_tokens_by_member')
    .on('member_tokens')
    .columns(['member_id', 'purpose'])
    .execute()

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('inviter_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('email', sql`citext`, (col) => col.notNull())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('accepted_member_id', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('invitations_by_email').on('invitations').column('email').execute()

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('action', 'text', (col) => col.notNull())
    // Plain ids, no foreign keys: the log outlives the rows it talks about.
    .addColumn('actor_id', 'integer')
    .addColumn('subject_id', 'integer')
    .addColumn('details', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute()
  await db.schema.createIndex('audit_events_by_time').on('audit_events').column('at').execute()
  await db.schema
    .createIndex('audit_events_by_subject')
    .on('audit_events')
    .columns(['subject_id', 'at'])
    .execute()
  // Append-only: the log can grow but never be rewritten, not even by the app itself.
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only';
    end $$`.execute(db)
  await sql`create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db)

  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('email', sql`citext`, (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('login_failures_by_email')
    .on('login_failures')
    .columns(['email', 'at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'login_failures',
    'audit_events',
    'invitations',
    'member_tokens',
    'members',
    'organisation_domains',
    'organisations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
  await sql`drop function if exists audit_events_append_only`.execute(db)
}
