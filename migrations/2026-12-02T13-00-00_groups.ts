import { type Kysely, sql } from 'kysely'

// Closed groups (Arbeitsgruppen): a group has members (some of them its admins), a way to join
// (open, on request, by invitation), and its own Themenräume: categories linked to the group in
// group_categories. Threads in such a category are visible only to the group's members; the one
// visibility rule (src/core/visibility/visibility.ts) reads these tables.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table groups (
    id serial primary key,
    name text not null,
    description text not null default '',
    join_mode text not null check (join_mode in ('open', 'request', 'invitation')),
    created_by integer references members (id) on delete set null,
    created_at timestamptz not null default now()
  )`.execute(db)
  await sql`create unique index groups_name_unique on groups (lower(name))`.execute(db)

  await sql`create table group_members (
    group_id integer not null references groups (id) on delete cascade,
    member_id integer not null references members (id) on delete cascade,
    role text not null default 'member' check (role in ('member', 'admin')),
    joined_at timestamptz not null default now(),
    primary key (group_id, member_id)
  )`.execute(db)
  await sql`create index group_members_by_member on group_members (member_id, group_id)`.execute(db)

  // A request to join a group that decides on requests, or an invitation by a group admin.
  await sql`create table group_requests (
    group_id integer not null references groups (id) on delete cascade,
    member_id integer not null references members (id) on delete cascade,
    kind text not null check (kind in ('request', 'invitation')),
    message text not null default '',
    by_id integer references members (id) on delete set null,
    created_at timestamptz not null default now(),
    primary key (group_id, member_id)
  )`.execute(db)

  await sql`create table group_categories (
    category_id integer primary key references categories (id) on delete cascade,
    group_id integer not null references groups (id) on delete cascade
  )`.execute(db)
  await sql`create index group_categories_by_group on group_categories (group_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table group_categories, group_requests, group_members, groups`.execute(db)
}
