import { type Kysely, sql } from 'kysely'

// Issue 13 leftovers:
// - member_mutes: a member mutes another member (their posts collapsed for the muting member, no
//   notifications from them; the direct messages feature stops messages from them too).
// - threads: pinned by a moderator (first in its Themenraum and on the home page), the reply
//   marked as "Ergebnis", and the moderation's visible note after a title/tag edit or a move.
// - applicant_questions: a moderator's Rückfrage to an applicant and the applicant's answer.
// - drafts: a reply or a thread being written, kept per member so an expired session loses nothing.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table member_mutes (
    member_id integer not null references members (id) on delete cascade,
    muted_member_id integer not null references members (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (member_id, muted_member_id),
    check (member_id <> muted_member_id)
  )`.execute(db)
  await sql`create index member_mutes_by_muted on member_mutes (muted_member_id)`.execute(db)

  await sql`alter table threads
    add column pinned_at timestamptz,
    add column pinned_by integer references members (id) on delete set null,
    add column result_post_id integer references posts (id) on delete set null,
    add column moderator_note text`.execute(db)
  await sql`create index threads_pinned on threads (pinned_at desc) where pinned_at is not null`.execute(db)

  await sql`create table applicant_questions (
    id serial primary key,
    member_id integer not null references members (id) on delete cascade,
    asked_by integer references members (id) on delete set null,
    question text not null,
    asked_at timestamptz not null default now(),
    answer text,
    answered_at timestamptz
  )`.execute(db)
  await sql`create index applicant_questions_by_member
    on applicant_questions (member_id, asked_at)`.execute(db)

  await sql`create table drafts (
    member_id integer not null references members (id) on delete cascade,
    draft_key text not null check (length(draft_key) <= 200),
    fields jsonb not null default '{}',
    updated_at timestamptz not null default now(),
    primary key (member_id, draft_key)
  )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table drafts, applicant_questions, member_mutes`.execute(db)
  await sql`alter table threads drop column pinned_at, drop column pinned_by, drop column result_post_id,
    drop column moderator_note`.execute(db)
}
