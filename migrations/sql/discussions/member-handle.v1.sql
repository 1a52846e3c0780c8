-- Member handles (@Erika_Mustermann), version 1 (2026-12-01T12-00-00_member-handles.ts).
-- Every member gets a unique handle when inserted, made from the name: whitespace becomes "_",
-- punctuation and invisible characters are dropped, "_", "." and "-" do not start or end it,
-- at most 40 characters; a handle already taken (case-insensitively) gets "_2", "_3", …
-- The handle does not follow later name changes: a mention written once keeps its person.

create or replace function members_handle_base(p_name text) returns text
language sql immutable as $$
  select coalesce(nullif(btrim(left(btrim(
    regexp_replace(
      regexp_replace(
        regexp_replace(coalesce(p_name, ''), '[\u200B-\u200F\u2060\uFEFF\u202A-\u202E\u2066-\u2069]', '', 'g'),
        '[][!"#$%&''()*+,/:;<=>?@\\^`{|}~]', '', 'g'),
      '\s+', '_', 'g'),
    '_.-'), 40), '_.-'), ''), 'Mitglied')
$$;

create or replace function members_free_handle(p_name text, p_member_id integer) returns text
language plpgsql volatile as $$
declare
  base text := members_handle_base(p_name);
  candidate text := base;
  n integer := 1;
begin
  -- Two registrations with the same name wait for each other here instead of colliding.
  perform pg_advisory_xact_lock(hashtext('members.handle:' || lower(base)));
  while exists (select 1 from members m where lower(m.handle) = lower(candidate) and m.id <> p_member_id) loop
    n := n + 1;
    candidate := base || '_' || n;
  end loop;
  return candidate;
end
$$;

create or replace function members_set_handle() returns trigger
language plpgsql as $$
begin
  if new.handle is null or btrim(new.handle) = '' then
    new.handle := members_free_handle(new.name, new.id);
  end if;
  return new;
end
$$;
