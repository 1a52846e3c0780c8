import { type Kysely, sql } from 'kysely'

// Guests in a single thread. A guest is a members row with the status 'guest': the trust gate's
// default deny treats it like any account that is not verified, and exactly two openings let it
// in (the 'guest' access level of the thread routes, and the guest branch of threadVisibleTo).
// thread_guests is the proposal, the invitation and the access in one row; member_id is set when
// the guest accepts. The guest's members row belongs to one organisation row made here for
// guests, marked historical so that it is offered nowhere (registration, picker).

const statuses =
  "'pending_email', 'pending_review', 'verified', 'rejected', 'suspended', 'expired', 'deleted', 'left'"

const guestOrganisationName = 'Gäste (extern)'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table members drop constraint members_status_check`.execute(db)
  await sql
    .raw(`alter table members add constraint members_status_check
    check (status in (${statuses}, 'guest'))`)
    .execute(db)

  await sql`insert into organisations (kind, name, historical_at)
    values ('kommunaler_verband', ${guestOrganisationName}, now())`.execute(db)

  await sql`create table thread_guests (
    id serial primary key,
    thread_id integer not null references threads (id) on delete cascade,
    member_id integer references members (id) on delete set null,
    email citext not null,
    name text not null,
    organisation_name text not null,
    reason text not null,
    proposed_by integer references members (id) on delete set null,
    decided_by integer references members (id) on delete set null,
    status text not null default 'proposed'
      check (status in ('proposed', 'invited', 'active', 'declined', 'ended')),
    token_hash text unique,
    expires_at timestamptz,
    created_at timestamptz not null default now(),
    decided_at timestamptz
  )`.execute(db)
  await sql`create index thread_guests_by_thread on thread_guests (thread_id) where status in ('invited', 'active')`.execute(
    db,
  )
  await sql`create index thread_guests_by_member on thread_guests (member_id, thread_id) where status = 'active'`.execute(
    db,
  )
  await sql`create index thread_guests_proposed on thread_guests (created_at) where status = 'proposed'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table thread_guests`.execute(db)
  await sql`delete from members where status = 'guest'`.execute(db)
  await sql`delete from organisations where name = ${guestOrganisationName} and historical_at is not null`.execute(
    db,
  )
  await sql`alter table members drop constraint members_status_check`.execute(db)
  await sql
    .raw(`alter table members add constraint members_status_check check (status in (${statuses}))`)
    .execute(db)
}
