import { type Kysely, sql } from 'kysely'

// Reports of posts and what the moderation does with them: a post can be hidden (with the
// reason members see) and carry a moderator's note after an edit; the reporter is told the
// outcome in a notification (kind 'report_outcome'). The thread page takes the moderation's
// marks of its posts from moderation_post_marks() in the same statement (sparse: only posts
// that have a mark), so the page function itself stays as it is.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table posts
    add column hidden_at timestamptz,
    add column hidden_by integer references members (id) on delete set null,
    add column hidden_reason text,
    add column moderator_note text`.execute(db)

  await db.schema
    .createTable('reports')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('post_id', 'integer', (col) => col.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('reporter_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('reason', 'text', (col) =>
      col.notNull().check(sql`reason in ('third_party_data', 'inappropriate', 'off_topic', 'spam', 'other')`),
    )
    .addColumn('text', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('outcome', 'text', (col) =>
      col.check(sql`outcome in ('dismissed', 'hidden', 'edited', 'deleted', 'warned', 'suspended')`),
    )
    .addColumn('outcome_note', 'text')
    .execute()
  // One open report per member and post: reporting again updates it.
  await sql`create unique index reports_open_per_reporter on reports (post_id, reporter_id)
    where resolved_at is null`.execute(db)
  await sql`create index reports_open on reports (created_at) where resolved_at is null`.execute(db)

  await sql`alter table notifications drop constraint notifications_kind_check`.execute(db)
  await sql`alter table notifications add constraint notifications_kind_check
    check (kind in ('reply', 'followed_thread', 'mention', 'report_outcome'))`.execute(db)

  await sql`create function moderation_post_marks(p_thread_id integer) returns json
    language sql stable as $$
      select coalesce(json_object_agg(p.id, json_build_object(
          'hidden', p.hidden_at is not null, 'hiddenReason', p.hidden_reason, 'note', p.moderator_note)), '{}')
      from posts p
      where p.thread_id = p_thread_id and (p.hidden_at is not null or p.moderator_note is not null)
    $$`.execute(db)
  await sql`create index posts_marked on posts (thread_id)
    where hidden_at is not null or moderator_note is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function moderation_post_marks(integer)`.execute(db)
  await sql`delete from notifications where kind = 'report_outcome'`.execute(db)
  await sql`alter table notifications drop constraint notifications_kind_check`.execute(db)
  await sql`alter table notifications add constraint notifications_kind_check
    check (kind in ('reply', 'followed_thread', 'mention'))`.execute(db)
  await db.schema.dropTable('reports').execute()
  await sql`alter table posts drop column hidden_at, drop column hidden_by, drop column hidden_reason,
    drop column moderator_note`.execute(db)
}
