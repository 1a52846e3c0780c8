import { type Kysely, sql } from 'kysely'

// Attachments (issue 14). Files live in PostgreSQL: a blob is content-addressed by its sha256
// (the same bytes uploaded twice are stored once) and kept as chunks of bytea rows, so a file is
// streamed in and out with bounded memory. A blob being written has no hash yet; a blob that no
// attachment references any more is removed by the garbage collection (after a grace period, so
// an upload that has just found its blob is never robbed of it).
//
// An attachment is one file on one post (display name, type decided by content, size; an image
// also has a thumbnail blob). While the form is not yet sent it belongs to no post (pending).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table attachment_blobs (
      id bigint generated always as identity primary key,
      sha256 text unique check (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint not null default 0,
      chunk_size integer not null check (chunk_size > 0),
      created_at timestamptz not null default now(),
      touched_at timestamptz not null default now(),
      completed_at timestamptz,
      check ((sha256 is null) = (completed_at is null))
    )`.execute(db)
  await sql`create table attachment_chunks (
      blob_id bigint not null references attachment_blobs (id) on delete cascade,
      seq integer not null check (seq >= 0),
      data bytea not null,
      primary key (blob_id, seq)
    )`.execute(db)
  // Most documents and images are compressed already: store the chunks as they are (no pglz).
  await sql`alter table attachment_chunks alter column data set storage external`.execute(db)

  await sql`create table attachments (
      id integer generated always as identity primary key,
      post_id integer references posts (id) on delete cascade,
      -- The post's thread (posts never change threads), so a thread page finds its files at once.
      thread_id integer references threads (id) on delete cascade,
      uploader_id integer not null references members (id) on delete cascade,
      blob_sha256 text not null,
      thumbnail_sha256 text,
      name text not null check (length(name) between 1 and 200),
      media_type text not null,
      size bigint not null check (size >= 0),
      width integer,
      height integer,
      position smallint not null default 0,
      created_at timestamptz not null default now(),
      attached_at timestamptz
    )`.execute(db)
  await sql`create index attachments_post on attachments (post_id, position) where post_id is not null`.execute(
    db,
  )
  await sql`create index attachments_thread on attachments (thread_id, post_id, position) where post_id is not null`.execute(
    db,
  )
  await sql`create index attachments_pending on attachments (uploader_id, created_at) where post_id is null`.execute(
    db,
  )
  await sql`create index attachments_uploader on attachments (uploader_id)`.execute(db)
  // The references the garbage collection counts (by key: the storage interface knows no ids).
  await sql`create index attachments_blob on attachments (blob_sha256)`.execute(db)
  await sql`create index attachments_thumbnail on attachments (thumbnail_sha256) where thumbnail_sha256 is not null`.execute(
    db,
  )
  await sql`create index attachments_size on attachments (size desc) where post_id is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table attachments`.execute(db)
  await sql`drop table attachment_chunks`.execute(db)
  await sql`drop table attachment_blobs`.execute(db)
}
