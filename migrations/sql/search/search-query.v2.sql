-- Search queries, version 2 (2026-12-03T12-00-00_search-query-v2.ts): replaces search_thread_tier
-- of search-query.v1.sql (everything else there stays as it is).
--
-- A common word with a Themenraum AND a Reifegrad walked the Themenraum's newest threads and
-- threw away the other stages (4 of 5 rows read for nothing, 5–9 ms for "Verwaltung" in KI at
-- Pilot on the bench corpus). The walk now goes along an index of Themenraum, stage and
-- activity when both are asked for, reading only threads of that stage. Its own branches (a
-- generic plan cannot use `(p_stage is null or t.stage = p_stage)` as an index condition).

create index if not exists threads_by_category_stage_activity
  on threads (category_id, stage, last_activity_at desc, id desc);

create or replace function search_thread_tier(
  p_query tsquery, p_opening boolean, p_except integer[], p_category integer, p_stage text, p_tag text,
  p_author integer, p_organisation integer, p_land text, p_from date, p_to date, p_pool integer, p_limit integer)
returns integer[] language plpgsql stable
-- The walks must stop early: row by row along the index (a generic plan expects thousands of
-- rows and would rather hash the whole search_threads table, testing every thread).
set enable_hashjoin = off set enable_mergejoin = off
as $$
declare
  v_weights constant real[] := '{0.1, 0.2, 0.4, 1.0}';
  v_walk constant integer := 3000;
  v_from timestamptz := p_from::timestamp at time zone 'Europe/Berlin';
  v_to timestamptz := (p_to + 1)::timestamp at time zone 'Europe/Berlin';
  v_dated boolean := p_from is not null or p_to is not null;
  v_by_author boolean := p_author is not null or p_organisation is not null or p_land is not null;
  -- Walk when at least p_pool of the newest v_walk threads can be expected to match.
  v_common boolean := search_match_estimate(p_query, case when p_opening then 'thread' else 'title' end)
    >= p_pool * (select greatest(reltuples, 1) from pg_class where oid = 'search_threads'::regclass) / v_walk;
  v_found integer[];
  v_since timestamptz;
begin
  -- The walk covers the newest v_walk threads (of the Themenraum): from this date on.
  if v_common and p_category is not null then
    v_since := coalesce((select w.last_activity_at from threads w where w.category_id = p_category
      order by w.category_id, w.last_activity_at desc, w.id desc offset v_walk limit 1), '-infinity');
  elsif v_common then
    v_since := coalesce((select w.last_activity_at from threads w
      order by w.last_activity_at desc, w.id desc offset v_walk limit 1), '-infinity');
  end if;
  if v_common and not p_opening and p_category is not null and p_stage is not null then
    v_found := array(
      select c.id from (
        select t.id, s.title_document as document
        from threads t join search_threads s on s.thread_id = t.id
        where t.category_id = p_category and t.stage = p_stage and t.last_activity_at >= v_since
          and (s.title_document @@ p_query) is true
          and t.id <> all (p_except)
          and (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag))
          and (not v_dated or t.created_at >= coalesce(v_from, '-infinity') and t.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
        order by t.last_activity_at desc, t.id desc
        limit p_pool) c
      order by ts_rank(v_weights, c.document, p_query, 1) desc, c.id desc);
  elsif v_common and p_category is not null and p_stage is not null then
    v_found := array(
      select c.id from (
        select t.id, s.document as document
        from threads t join search_threads s on s.thread_id = t.id
        where t.category_id = p_category and t.stage = p_stage and t.last_activity_at >= v_since
          and (s.document @@ p_query) is true
          and t.id <> all (p_except)
          and (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag))
          and (not v_dated or t.created_at >= coalesce(v_from, '-infinity') and t.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
        order by t.last_activity_at desc, t.id desc
        limit p_pool) c
      order by ts_rank(v_weights, c.document, p_query, 1) desc, c.id desc);
  elsif v_common and not p_opening and p_category is not null then
    v_found := array(
      select c.id from (
        select t.id, s.title_document as document
        from threads t join search_threads s on s.thread_id = t.id
        where t.category_id = p_category and t.last_activity_at >= v_since
          and (s.title_document @@ p_query) is true
          and t.id <> all (p_except)
          and (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag))
          and (not v_dated or t.created_at >= coalesce(v_from, '-infinity') and t.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
        order by t.last_activity_at desc, t.id desc
        limit p_pool) c
      order by ts_rank(v_weights, c.document, p_query, 1) desc, c.id desc);
  elsif v_common and not p_opening then
    v_found := array(
      select c.id from (
        select t.id, s.title_document as document
        from threads t join search_threads s on s.thread_id = t.id
        where t.last_activity_at >= v_since
          and (s.title_document @@ p_query) is true
          and t.id <> all (p_except)
          and (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag))
          and (not v_dated or t.created_at >= coalesce(v_from, '-infinity') and t.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
        order by t.last_activity_at desc, t.id desc
        limit p_pool) c
      order by ts_rank(v_weights, c.document, p_query, 1) desc, c.id desc);
  elsif v_common and p_category is not null then
    v_found := array(
      select c.id from (
        select t.id, s.document as document
        from threads t join search_threads s on s.thread_id = t.id
        where t.category_id = p_category and t.last_activity_at >= v_since
          and (s.document @@ p_query) is true
          and t.id <> all (p_except)
          and (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag))
          and (not v_dated or t.created_at >= coalesce(v_from, '-infinity') and t.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
        order by t.last_activity_at desc, t.id desc
        limit p_pool) c
      order by ts_rank(v_weights, c.document, p_query, 1) desc, c.id desc);
  elsif v_common then
    v_found := array(
      select c.id from (
        select t.id, s.document as document
        from threads t join search_threads s on s.thread_id = t.id
        where t.last_activity_at >= v_since
          and (s.document @@ p_query) is true
          and t.id <> all (p_except)
          and (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag))
          and (not v_dated or t.created_at >= coalesce(v_from, '-infinity') and t.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
        order by t.last_activity_at desc, t.id desc
        limit p_pool) c
      order by ts_rank(v_weights, c.document, p_query, 1) desc, c.id desc);
  end if;
  if cardinality(v_found) >= p_pool then
    return v_found[1:p_limit];
  end if;
  if not p_opening then
    return array(
      select c.id from (select t.id
      from (select s.thread_id from search_threads s where s.title_document @@ p_query offset 0) m
      join threads t on t.id = m.thread_id
      where true
          and t.id <> all (p_except)
          and (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag))
          and (not v_dated or t.created_at >= coalesce(v_from, '-infinity') and t.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
      order by t.id desc
      limit p_pool) c
      join search_threads s on s.thread_id = c.id
      order by ts_rank(v_weights, s.title_document, p_query, 1) desc, c.id desc
      limit p_limit);
  end if;
    return array(
      select c.id from (select t.id
      from (select s.thread_id from search_threads s where s.document @@ p_query offset 0) m
      join threads t on t.id = m.thread_id
      where true
          and t.id <> all (p_except)
          and (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag))
          and (not v_dated or t.created_at >= coalesce(v_from, '-infinity') and t.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
      order by t.id desc
      limit p_pool) c
      join search_threads s on s.thread_id = c.id
      order by ts_rank(v_weights, s.document, p_query, 1) desc, c.id desc
      limit p_limit);
end $$;

