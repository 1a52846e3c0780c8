import { type Kysely, sql } from 'kysely'

// Member profiles and succession.
// - member_profiles: a member's short introduction (Markdown source and the sanitised HTML made
//   once when it is saved), one row per member who wrote one.
// - member_expertise: the topics of expertise a member picks (tags, as threads have them).
// - successions: a member who leaves names a successor's official address; the successor is
//   invited (invitations) and goes through review like everyone; once verified they inherit
//   the follows and their profile shows whom they succeeded.
// - members may have "left": the account is closed, the posts stay attributed to the name.
// - name and job title get trigram indexes for the members directory's text filter.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_profiles')
    .addColumn('member_id', 'integer', (col) => col.primaryKey().references('members.id').onDelete('cascade'))
    .addColumn('introduction_source', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('introduction_html', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('member_expertise')
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('tag', 'text', (col) => col.notNull())
    .addColumn('position', 'smallint', (col) => col.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('member_expertise_pkey', ['member_id', 'tag'])
    .execute()
  await db.schema
    .createIndex('member_expertise_by_tag')
    .on('member_expertise')
    .columns(['tag', 'member_id'])
    .execute()

  await db.schema
    .createTable('successions')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('leaver_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('successor_email', sql`citext`, (col) => col.notNull())
    .addColumn('invitation_id', 'integer', (col) => col.references('invitations.id').onDelete('set null'))
    .addColumn('successor_id', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('named_by', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute()
  // One open succession per leaver (naming someone else replaces it).
  await sql`create unique index successions_open_per_leaver on successions (leaver_id)
    where completed_at is null`.execute(db)
  await sql`create index successions_open_by_email on successions (successor_email)
    where completed_at is null`.execute(db)
  await sql`create index successions_by_successor on successions (successor_id)
    where successor_id is not null`.execute(db)

  await sql`alter table members drop constraint members_status_check`.execute(db)
  await sql`alter table members add constraint members_status_check
    check (status in ('pending_email', 'pending_review', 'verified', 'rejected', 'suspended', 'expired', 'deleted', 'left'))`.execute(
    db,
  )

  await sql`create extension if not exists pg_trgm`.execute(db)
  await sql`create index members_name_trgm on members using gin (lower(name) gin_trgm_ops)`.execute(db)
  await sql`create index members_job_title_trgm on members using gin (lower(job_title) gin_trgm_ops)`.execute(
    db,
  )
  // The directory's order (name, then id) for keyset paging over verified members.
  await sql`create index members_directory_order on members (lower(name), id) where status = 'verified'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists members_directory_order`.execute(db)
  await sql`drop index if exists members_job_title_trgm`.execute(db)
  await sql`drop index if exists members_name_trgm`.execute(db)
  await sql`update members set status = 'expired' where status = 'left'`.execute(db)
  await sql`alter table members drop constraint members_status_check`.execute(db)
  await sql`alter table members add constraint members_status_check
    check (status in ('pending_email', 'pending_review', 'verified', 'rejected', 'suspended', 'expired', 'deleted'))`.execute(
    db,
  )
  await db.schema.dropTable('successions').ifExists().execute()
  await db.schema.dropTable('member_expertise').ifExists().execute()
  await db.schema.dropTable('member_profiles').ifExists().execute()
}
