import { type Kysely, sql } from 'kysely'

// Categories, threads, the reply tree and everything members do around it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('categories')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('archived_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('threads')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('category_id', 'integer', (col) => col.notNull().references('categories.id'))
    .addColumn('author_id', 'integer', (col) => col.notNull().references('members.id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('stage', 'text', (col) =>
      col.notNull().check(sql`stage in ('idea', 'concept', 'pilot', 'in_use', 'dropped')`),
    )
    .addColumn('confidential', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('locked', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_activity_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // Replies only (the opening post is not counted); deleted replies stay counted.
    .addColumn('reply_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('opening_post_id', 'integer')
    .addColumn('last_post_id', 'integer')
    .execute()
  // Keyset pagination of the lists: newest activity first, id breaks ties.
  await sql`create index threads_by_category_activity on threads (category_id, last_activity_at desc, id desc)`.execute(
    db,
  )
  await sql`create index threads_by_activity on threads (last_activity_at desc, id desc)`.execute(db)
  await sql`create index threads_by_creation on threads (created_at)`.execute(db)
  await db.schema.createIndex('threads_by_author').on('threads').column('author_id').execute()

  await db.schema
    .createTable('thread_tags')
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('tag', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('thread_tags_pkey', ['thread_id', 'tag'])
    .execute()
  await db.schema.createIndex('thread_tags_by_tag').on('thread_tags').columns(['tag', 'thread_id']).execute()

  await db.schema
    .createTable('thread_stage_changes')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('from_stage', 'text', (col) => col.notNull())
    .addColumn('to_stage', 'text', (col) => col.notNull())
    .addColumn('changed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('thread_stage_changes_by_thread')
    .on('thread_stage_changes')
    .columns(['thread_id', 'changed_at'])
    .execute()

  await db.schema
    .createTable('posts')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (col) => col.notNull().references('members.id'))
    .addColumn('parent_id', 'integer', (col) => col.references('posts.id'))
    // Ancestry including the post's own id: ordering by path is the display order of the tree.
    .addColumn('path', sql`integer[]`, (col) => col.notNull())
    .addColumn('depth', 'integer', (col) => col.notNull())
    .addColumn('body_source', 'text', (col) => col.notNull())
    // Rendered from Markdown and sanitised once, when written.
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('helpful_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addCheckConstraint('posts_depth_matches_path', sql`depth = cardinality(path) - 1`)
    .execute()
  await sql`create index posts_by_thread_path on posts (thread_id, path)`.execute(db)
  await db.schema.createIndex('posts_by_author').on('posts').columns(['author_id', 'created_at']).execute()
  await db.schema.createIndex('posts_by_parent').on('posts').column('parent_id').execute()
  await sql`alter table threads add constraint threads_opening_post_fkey foreign key (opening_post_id) references posts (id) on delete set null`.execute(
    db,
  )
  await sql`alter table threads add constraint threads_last_post_fkey foreign key (last_post_id) references posts (id) on delete set null`.execute(
    db,
  )

  await db.schema
    .createTable('post_revisions')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('post_id', 'integer', (col) => col.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('body_source', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('written_at', 'timestamptz', (col) => col.notNull())
    .addColumn('replaced_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('replaced_by', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addUniqueConstraint('post_revisions_post_version', ['post_id', 'version'])
    .execute()

  await db.schema
    .createTable('reactions')
    .addColumn('post_id', 'integer', (col) => col.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('helpful')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reactions_pkey', ['post_id', 'member_id', 'kind'])
    .execute()
  await db.schema.createIndex('reactions_by_member').on('reactions').column('member_id').execute()

  await db.schema
    .createTable('follows')
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('follows_pkey', ['thread_id', 'member_id'])
    .execute()
  await db.schema.createIndex('follows_by_member').on('follows').columns(['member_id', 'thread_id']).execute()

  await db.schema
    .createTable('thread_reads')
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('last_read_post_id', 'integer', (col) => col.notNull())
    // How many posts (opening post + replies) the member had seen: unread = 1 + reply_count - this.
    .addColumn('read_post_count', 'integer', (col) => col.notNull())
    .addColumn('read_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('thread_reads_pkey', ['member_id', 'thread_id'])
    .execute()

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('member_id', 'integer', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('reply', 'followed_thread', 'mention')`),
    )
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (col) => col.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('actor_id', 'integer', (col) => col.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .addUniqueConstraint('notifications_member_post', ['member_id', 'post_id'])
    .execute()
  await sql`create index notifications_by_member on notifications (member_id, id desc)`.execute(db)
  await sql`create index notifications_unread on notifications (member_id, thread_id) where read_at is null`.execute(
    db,
  )

  await sql`
    insert into categories (name, slug, description, position) values
      ('KI', 'ki', 'Künstliche Intelligenz in der Verwaltung: Assistenten, Automatisierung, Erfahrungen und Grenzen.', 1),
      ('Smart City', 'smart-city', 'Sensorik, Datenplattformen, digitale Zwillinge und vernetzte Infrastruktur.', 2),
      ('Onlinezugang/OZG', 'ozg', 'Onlinedienste, EfA-Leistungen, Portale und die Umsetzung des Onlinezugangsgesetzes.', 3),
      ('IT-Steuerung', 'it-steuerung', 'Strategie, Architektur, Beschaffung, Rechenzentren und Zusammenarbeit mit IT-Dienstleistern.', 4),
      ('Open Source', 'open-source', 'Freie Software in Kommunen: Einsatz, Betrieb, Gemeinschaften und openCode.', 5),
      ('Datenschutz & Informationssicherheit', 'datenschutz', 'DSGVO, BSI-Grundschutz, Notfallplanung und Erfahrungen mit Sicherheitsvorfällen.', 6),
      ('Organisation & Personal', 'organisation-personal', 'Veränderung, Qualifizierung, Personalgewinnung und neue Arbeitsformen.', 7)
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['notifications', 'thread_reads', 'follows', 'reactions', 'post_revisions']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
  await sql`alter table threads drop constraint if exists threads_opening_post_fkey`.execute(db)
  await sql`alter table threads drop constraint if exists threads_last_post_fkey`.execute(db)
  for (const table of ['posts', 'thread_stage_changes', 'thread_tags', 'threads', 'categories']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
