import { type Kysely, sql } from 'kysely'

// Direct messages between verified members (features/messages).
// - conversations: two to twenty participants; last_message_id orders the list.
// - conversation_participants: who is in (left_at once they leave); a participant reads only the
//   messages written after they joined (first_message_id); last_read_message_id drives the unread
//   counts; mailed_message_id is the message the last "new message" mail was about (one mail per
//   unread stretch, not one per message).
// - direct_messages: Markdown source and sanitised HTML made once when written; kind 'joined' /
//   'left' are events without text; hidden_at is set by a moderator after a report.
// - member_blocks: a member who blocked another sees none of their messages, gets no mail about
//   them, and cannot be put into a conversation by them.
// - message_settings: mail about new messages, per member ('immediately' by default, or 'never').
// - message_reports: a participant's report of one message: the only way a moderator sees any.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('started_by', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_message_id', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_message_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('conversation_participants')
    .addColumn('conversation_id', 'integer', (col) =>
      col.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('added_by', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('joined_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('first_message_id', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('left_at', 'timestamptz')
    .addColumn('last_read_message_id', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('mailed_message_id', 'integer')
    .addPrimaryKeyConstraint('conversation_participants_pkey', ['conversation_id', 'member_id'])
    .execute()
  await sql`create index conversation_participants_active on conversation_participants (member_id)
    include (conversation_id, last_read_message_id) where left_at is null`.execute(db)

  await db.schema
    .createTable('direct_messages')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('conversation_id', 'integer', (col) =>
      col.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('author_id', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('kind', 'text', (col) =>
      col.notNull().defaultTo('message').check(sql`kind in ('message', 'joined', 'left')`),
    )
    .addColumn('subject_id', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('body_source', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('body_html', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('form_key', 'uuid')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('hidden_at', 'timestamptz')
    .execute()
  await sql`create index direct_messages_by_conversation on direct_messages (conversation_id, id)`.execute(db)
  await sql`create index direct_messages_by_author on direct_messages (author_id, created_at)`.execute(db)
  await sql`create unique index direct_messages_form_key on direct_messages (author_id, form_key)
    where form_key is not null`.execute(db)

  await db.schema
    .createTable('member_blocks')
    .addColumn('blocker_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('blocked_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('member_blocks_pkey', ['blocker_id', 'blocked_id'])
    .addCheckConstraint('member_blocks_not_self', sql`blocker_id <> blocked_id`)
    .execute()
  await sql`create index member_blocks_by_blocked on member_blocks (blocked_id)`.execute(db)

  await db.schema
    .createTable('message_settings')
    .addColumn('member_id', 'integer', (col) => col.primaryKey().references('members.id').onDelete('cascade'))
    .addColumn('mail_mode', 'text', (col) =>
      col.notNull().defaultTo('immediately').check(sql`mail_mode in ('immediately', 'never')`),
    )
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('message_reports')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('message_id', 'integer', (col) =>
      col.notNull().references('direct_messages.id').onDelete('cascade'),
    )
    .addColumn('reporter_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('reason', 'text', (col) =>
      col.notNull().check(sql`reason in ('third_party_data', 'inappropriate', 'off_topic', 'spam', 'other')`),
    )
    .addColumn('text', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('outcome', 'text', (col) => col.check(sql`outcome in ('dismissed', 'hidden', 'suspended')`))
    .addColumn('outcome_note', 'text')
    .execute()
  await sql`create unique index message_reports_open_per_reporter on message_reports (message_id, reporter_id)
    where resolved_at is null`.execute(db)
  await sql`create index message_reports_open on message_reports (created_at) where resolved_at is null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'message_reports',
    'message_settings',
    'member_blocks',
    'direct_messages',
    'conversation_participants',
    'conversations',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
