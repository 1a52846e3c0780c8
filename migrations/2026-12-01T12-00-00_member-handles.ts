import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// Unique member handles for @mentions: one handle names exactly one person. Made from the name
// by a trigger on insert (see sql/discussions/member-handle.v1.sql), so registration and every
// other insert get one without knowing; existing members get theirs here, oldest first.
const functions = readFileSync(new URL('./sql/discussions/member-handle.v1.sql', import.meta.url), 'utf8')

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table members add column handle text`.execute(db)
  await sql.raw(functions).execute(db)
  await sql`
    do $$
    declare r record;
    begin
      for r in select id, name from members order by id loop
        update members set handle = members_free_handle(r.name, r.id) where id = r.id;
      end loop;
    end
    $$
  `.execute(db)
  await sql`alter table members alter column handle set not null`.execute(db)
  await sql`create unique index members_handle_key on members (lower(handle))`.execute(db)
  await sql`
    create trigger members_handle before insert on members
    for each row execute function members_set_handle()
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists members_handle on members`.execute(db)
  await sql`alter table members drop column if exists handle`.execute(db)
  await sql`drop function if exists members_set_handle()`.execute(db)
  await sql`drop function if exists members_free_handle(text, integer)`.execute(db)
  await sql`drop function if exists members_handle_base(text)`.execute(db)
}
