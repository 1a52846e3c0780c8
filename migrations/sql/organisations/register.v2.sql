-- Organisation register, version 2: organisation_register_apply() keeps a name that a
-- moderator or admin set (organisations.name_kept_at). Everything else of version 1 (folding,
-- search names, search context) stands as it was; only this function is replaced.
--
-- Which name wins: the moderator's, as long as the register's own name of the organisation
-- (official_name) stays the same; the official name itself, kind, keys, population and parents
-- are always written from the register. When the register renames the organisation (a merger,
-- a new town name), the register's new name is taken and the mark is cleared: the
-- moderator's name was a better name for the old one, not for the new one.

-- Applies one extract: `records` is a JSON array of register records (see
-- src/features/organisations/register-file.ts: key, kind, officialKind, name, officialName, ags,
-- ars, parentKey, land, population, postcode, latitude, longitude), `stand` its date.
-- Matches existing organisations by official key (a Gemeinde entered by hand with its 8-digit
-- AGS or 12-digit ARS too), so they keep their ids, members and domains; adds the new ones;
-- renames; marks the organisations of the register that the extract no longer lists (in the
-- Länder it lists) as historical (never deletes them), with the nearest organisation of the same level that this
-- extract added or changed as the suggested successor. Every row is written once, and only
-- when something changed (register_extract: the extract it was last written from): a second
-- run of the same extract, or a newer one without changes, writes nothing.
create or replace function organisation_register_apply(records json, stand text)
returns table (listed integer, added integer, renamed integer, changed integer, restored integer,
  historical integer, unchanged integer)
language plpgsql as $$
declare
  n_listed integer;
  n_added integer;
  n_renamed integer;
  n_changed integer;
  n_restored integer;
  n_historical integer;
begin
  -- Built in two statements rather than updated row by row: temporary tables live in
  -- temp_buffers (8 MB by default), and every update would write the rows again.
  drop table if exists pg_temp.register_listed, pg_temp.register_incoming, pg_temp.register_parents,
    pg_temp.register_gone;
  create temp table register_listed on commit drop as
  with recursive listed as (
    select * from json_to_recordset(records) as r(key text, kind text, "officialKind" text, name text,
      "officialName" text, ags text, ars text, "parentKey" text, land text, population integer,
      postcode text, latitude double precision, longitude double precision)
  ), down(key, own, context) as (
    -- Top down: a row's context is its parent's folded name, then the parent's context.
    select key, organisation_fold(name), '' from listed where "parentKey" is null
    union all
    select c.key, organisation_fold(c.name), ' ' || d.own || d.context
    from down d join listed c on c."parentKey" = d.key
  )
  select listed.*, coalesce(nullif(down.context, '') || ' ', '') as search_context,
    coalesce(by_key.id, by_hand.id) as existing_id
  from listed
  left join down on down.key = listed.key
  left join organisations by_key on by_key.official_key = listed.key
  -- A Gemeinde entered by hand before, with its AGS or ARS as the key.
  left join lateral (
    select o.id from organisations o
    where listed.kind = 'gemeinde' and by_key.id is null and o.official_key in (listed.ags, listed.ars)
      and not exists (select 1 from listed other where other.key = o.official_key)
    order by o.id limit 1
  ) by_hand on true;
  select count(*) into n_listed from register_listed;
  if (select count(distinct key) from register_listed) <> n_listed then
    raise exception 'register: a key occurs twice';
  end if;
  if (select count(distinct existing_id) from register_listed) <>
     (select count(existing_id) from register_listed) then
    raise exception 'register: two keys match one organisation';
  end if;
  create unique index on register_listed (key);
  analyze register_listed;

  create temp table register_incoming on commit drop as
  select i.*, coalesce(i.existing_id, nextval(pg_get_serial_sequence('organisations', 'id'))) as id,
    i.existing_id is null as is_new
  from register_listed i;
  create unique index on register_incoming (key);
  create unique index on register_incoming (id);
  analyze register_incoming;

  create temp table register_parents on commit drop as
  select i.id, p.id as parent_id from register_incoming i left join register_incoming p on p.key = i."parentKey";
  create unique index on register_parents (id);
  analyze register_parents;

  -- Keys that belong to another organisation now (a reused AGS, a key typed by hand before)
  -- are freed first: ags and ars are unique.
  update organisations o set ags = null, ars = null
  where not exists (select 1 from register_incoming i where i.id = o.id)
    and (o.ags in (select ags from register_incoming) or o.ars in (select ars from register_incoming));

  select count(*) filter (where o.official_name is distinct from i."officialName" and o.official_name is not null),
         count(*) filter (where o.historical_at is not null)
    into n_renamed, n_restored
  from register_incoming i join organisations o on o.id = i.id;

  insert into organisations (id, kind, name, official_key, official_name, official_kind, ags, ars, land,
    population, postcode, latitude, longitude, parent_id, search_context, register_extract)
  select i.id, kind, name, key, "officialName", "officialKind", ags, ars, land, population, postcode,
    latitude, longitude, p.parent_id, search_context, stand
  from register_incoming i join register_parents p on p.id = i.id where is_new;
  get diagnostics n_added = row_count;

  with changed as (
    update organisations o set kind = i.kind, name = kept.name, name_kept_at = kept.kept_at,
      official_key = i.key,
      official_name = i."officialName", official_kind = i."officialKind", ags = i.ags, ars = i.ars,
      land = i.land, population = i.population, postcode = i.postcode, latitude = i.latitude,
      longitude = i.longitude, parent_id = p.parent_id, search_context = i.search_context,
      historical_at = null, merged_into_id = null, register_extract = stand, updated_at = now()
    from register_incoming i join register_parents p on p.id = i.id
      join organisations current on current.id = i.id
      cross join lateral (
        select case when current.name_kept_at is not null
                     and current.official_name is not distinct from i."officialName"
                    then current.name else i.name end as name,
               case when current.official_name is not distinct from i."officialName"
                    then current.name_kept_at end as kept_at
      ) kept
    where o.id = i.id and not i.is_new
      and (o.kind, o.name, o.official_key, o.official_name, o.official_kind, o.ags, o.ars, o.land,
           o.population, o.postcode, o.latitude, o.longitude, o.parent_id, o.search_context,
           o.historical_at is null)
        is distinct from (i.kind, kept.name, i.key, i."officialName", i."officialKind", i.ags, i.ars, i.land,
           i.population, i.postcode, i.latitude, i.longitude, p.parent_id, i.search_context, true)
    returning o.id
  )
  select count(*) into n_changed from changed;

  create temp table register_gone on commit drop as
  with gone as (
    update organisations o set historical_at = now(), updated_at = now()
    where o.register_extract is not null and o.historical_at is null
      and not exists (select 1 from register_incoming i where i.id = o.id)
      -- Only in the Länder the extract covers: a cut-off or regional file never dissolves the rest.
      and o.land in (select i.land from register_incoming i where i.kind = 'land')
    returning o.id, o.kind, o.land, o.latitude, o.longitude
  )
  select * from gone;
  get diagnostics n_historical = row_count;
  if n_historical > 0 then
    update organisations o set merged_into_id = (
      select i.id from register_incoming i join organisations now_listed on now_listed.id = i.id
      where now_listed.updated_at = now() and i.land = gone.land
        and (i.kind = gone.kind or (i.kind in ('gemeinde', 'kreisfreie_stadt')
                                    and gone.kind in ('gemeinde', 'kreisfreie_stadt')))
      order by (i.latitude - gone.latitude) ^ 2 + (i.longitude - gone.longitude) ^ 2 nulls last, i.id
      limit 1)
    from register_gone gone where o.id = gone.id;
  end if;

  return query select n_listed, n_added, n_renamed, n_changed - n_renamed, n_restored, n_historical,
    n_listed - n_added - n_changed;
end $$;
