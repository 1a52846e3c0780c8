-- Search queries, version 2 (2026-12-03T12-00-00_search-query-v2.ts): replaces search_thread_tier,
-- search_newest and search_similar of search-query.v1.sql and adds search_newest_reply_ids and
-- search_recent_reply_ids (everything else there stays as it is).
--
-- 1. A common word with a Themenraum AND a Reifegrad walked the Themenraum's newest threads and
--    threw away the other stages (4 of 5 rows read for nothing, 5–9 ms for "Verwaltung" in KI
--    at Pilot on the bench corpus). The walk now goes along an index of Themenraum, stage and
--    activity when both are asked for, reading only threads of that stage. Its own branches (a
--    generic plan cannot use `(p_stage is null or t.stage = p_stage)` as an index condition).
-- 2. Newest first, replies: the planner's estimate decided between walking the newest 20,000
--    replies and reading every match. It knows only the most common words, and for the prefix
--    of the last word it guesses (1.25 % of all replies), so a word in between walked 20,000
--    replies in vain and then read thousands of matches (30–150 ms); threads likewise. A
--    sample of the newest threads, and of the newest replies (search_newest_reply_ids), decides
--    now.
-- 3. Similar threads read the common words of titles from pg_stats on every call and never
--    used them (see search_similar below); they no longer read them.

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

create or replace function search_newest(
  p_query tsquery, p_category integer, p_stage text, p_tag text, p_author integer,
  p_organisation integer, p_land text, p_from timestamptz, p_to timestamptz, p_needed integer)
returns table (thread_id integer, post_id integer, source text)
language plpgsql stable rows 40
set enable_hashjoin = off set enable_mergejoin = off
as $$
#variable_conflict use_column
declare
  v_walk constant integer := 3000;
  v_sample constant integer := 300;
  v_walk_posts constant integer := 20000;
  v_by_author boolean := p_author is not null or p_organisation is not null or p_land is not null;
  v_threaded boolean := p_category is not null or p_stage is not null or p_tag is not null;
  v_dated boolean := p_from <> '-infinity' or p_to <> 'infinity';
  v_since timestamptz;
  v_thread_ids integer[];
  v_reply_posts integer[];
begin
  -- Threads: walk the newest v_walk when, among the newest v_sample, enough match to expect
  -- twice p_needed in the walk (the planner's estimate guesses for a prefix); else GIN.
  if (select count(*) from (select w.id from threads w order by w.last_activity_at desc, w.id desc limit v_sample) n
      join search_threads s on s.thread_id = n.id where (s.document @@ p_query) is true) * v_walk
      >= 2 * p_needed * v_sample then
    v_since := coalesce((select w.last_activity_at from threads w
      order by w.last_activity_at desc, w.id desc offset v_walk limit 1), '-infinity');
    v_thread_ids := array(
      select t.id from threads t join search_threads s on s.thread_id = t.id
      where t.last_activity_at >= v_since and (s.document @@ p_query) is true
    and (not v_threaded or (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
      and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag)))
    and (not v_dated or t.created_at >= p_from and t.created_at < p_to)
    and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
      order by t.last_activity_at desc, t.id desc
      limit p_needed);
  end if;
  if coalesce(cardinality(v_thread_ids), 0) < p_needed then
    v_thread_ids := array(
      select t.id
      from (select s.thread_id from search_threads s where s.document @@ p_query offset 0) m
      join threads t on t.id = m.thread_id
      where true
    and (not v_threaded or (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
      and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag)))
    and (not v_dated or t.created_at >= p_from and t.created_at < p_to)
    and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
      order by t.last_activity_at desc, t.id desc
      limit p_needed);
  end if;
  -- Replies: for the words alone, search_newest_reply_ids. With filters, a common word (by the
  -- planner's estimate) walks the newest v_walk_posts replies (and stops as soon as enough
  -- match); else, or when that falls short, GIN.
  if not (v_threaded or v_dated or v_by_author) then
    v_reply_posts := search_newest_reply_ids(p_query, p_needed * 3);
  else
    if search_match_estimate(p_query, 'reply')
        >= p_needed * 3 * (select greatest(reltuples, 1) from pg_class where oid = 'search_posts'::regclass) / v_walk_posts then
      v_reply_posts := array(
        select sp.post_id
        from search_posts sp
        join posts p on p.id = sp.post_id
        join threads t on t.id = sp.thread_id
        where sp.post_id >= (select max(w.post_id) from search_posts w) - v_walk_posts
          and (sp.document @@ p_query) is true
        and (not v_threaded or (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag)))
        and (not v_dated or p.created_at >= p_from and p.created_at < p_to)
        and (not v_by_author or search_author_matches(p.author_id, p_author, p_organisation, p_land))
        order by sp.post_id desc
        limit p_needed * 3);
    end if;
    if coalesce(cardinality(v_reply_posts), 0) < p_needed * 3 and (v_threaded or v_dated or v_by_author) then
      v_reply_posts := array(
        select p.id
        from (select sp.post_id from search_posts sp where sp.document @@ p_query offset 0) m
        join posts p on p.id = m.post_id
        join threads t on t.id = p.thread_id
        where true
        and (not v_threaded or (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
          and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag)))
        and (not v_dated or p.created_at >= p_from and p.created_at < p_to)
        and (not v_by_author or search_author_matches(p.author_id, p_author, p_organisation, p_land))
        order by m.post_id desc
        limit p_needed * 3);
    end if;
  end if;
  return query
    select x.thread_id, (array_agg(x.post_id order by x.at desc))[1], (array_agg(x.source order by x.at desc))[1]
    from (
      select t.id as thread_id, t.opening_post_id as post_id, t.last_activity_at as at,
        case when s.title_document @@ p_query then 'title' else 'opening' end as source
        from unnest(v_thread_ids) as a(id) join threads t on t.id = a.id join search_threads s on s.thread_id = t.id
      union all
      select p.thread_id, p.id, p.created_at, 'reply'::text
        from unnest(v_reply_posts) as b(id) join posts p on p.id = b.id
    ) x
    group by x.thread_id
    order by max(x.at) desc, x.thread_id desc
    limit p_needed;
end $$;

/**
 * The newest p_limit replies matching (post ids, newest first), for the words alone. Decided by
 * a sample, not by the planner's estimate (which knows only the most common words, and for a
 * prefix guesses): the newest v_sample replies are tested one by one. Enough there: done. Many
 * (a common word): the newest v_walk replies are walked the same way. A few (a word in between,
 * where reading every match or walking far cost 30–130 ms): the index's bitmap of the matches,
 * and-ed with the range of the newest post ids, so only the newest matches are read
 * (search_recent_reply_ids). Fewer, or not enough there: every match through GIN (then there
 * are few: about fewer than p_limit in the newest v_walk replies).
 */
create or replace function search_newest_reply_ids(p_query tsquery, p_limit integer)
returns integer[] language plpgsql stable
set enable_hashjoin = off set enable_mergejoin = off
as $$
declare
  v_sample constant integer := 2000;
  v_walk constant integer := 20000;
  v_newest integer := coalesce((select max(w.post_id) from search_posts w), 0);
  v_ids integer[];
begin
  v_ids := array(select sp.post_id from search_posts sp
    where sp.post_id > v_newest - v_sample and (sp.document @@ p_query) is true
    order by sp.post_id desc limit p_limit);
  if cardinality(v_ids) >= p_limit then
    return v_ids;
  end if;
  -- Expected to find twice what is needed in the newest v_walk: walk.
  if cardinality(v_ids) * v_walk >= 2 * p_limit * v_sample then
    v_ids := array(select sp.post_id from search_posts sp
      where sp.post_id > v_newest - v_walk and (sp.document @@ p_query) is true
      order by sp.post_id desc limit p_limit);
    if cardinality(v_ids) >= p_limit then
      return v_ids;
    end if;
  -- Expected to find what is needed in the newest v_walk: read just their matches.
  elsif cardinality(v_ids) * v_walk >= p_limit * v_sample then
    v_ids := search_recent_reply_ids(p_query, v_newest - v_walk, p_limit);
    if cardinality(v_ids) >= p_limit then
      return v_ids;
    end if;
  end if;
  return array(select m.post_id from (select sp.post_id from search_posts sp where sp.document @@ p_query offset 0) m
    order by m.post_id desc limit p_limit);
end $$;

/**
 * The newest p_limit matching replies after post p_after, through bitmaps only: GIN's for the
 * words and the primary key's for the range (index scans off: walking the key backwards would
 * test every reply of the range). Planned with the values each time (EXECUTE), so that the
 * planner sees how narrow the range is.
 */
create or replace function search_recent_reply_ids(p_query tsquery, p_after integer, p_limit integer)
returns integer[] language plpgsql stable
set enable_indexscan = off
as $$
declare
  v_ids integer[];
begin
  execute 'select array(select sp.post_id from search_posts sp where sp.document @@ $1 and sp.post_id > $2
    order by sp.post_id desc limit $3)' into v_ids using p_query, p_after, p_limit;
  return v_ids;
end $$;

/**
 * Candidates for "similar threads" of a title and text, best first (more than the caller
 * shows, for what its visibility rule leaves out): the newest 60 threads sharing a word with
 * the title, ranked by the words of title and text in the whole thread row (title 1.0, tags
 * 0.4, opening post 0.2) plus the trigram likeness of the titles.
 *
 * Version 1 meant to pick candidates by the text's distinctive words first (those in at most
 * 5 % of titles, from pg_stats), but its list of common words held a NULL (the statistics'
 * frequencies are longer than their words), so `<> all` never held and it always took the
 * branch above; reading pg_stats for nothing cost about 1 ms of 2. With the NULL gone the
 * distinctive words cost 2–11 ms (a thread's first lines share rare words with thousands of
 * titles), for the same first five on the bench corpus; so the branch that ran is now the rule.
 */
create or replace function search_similar(p_title text, p_text text, p_except integer, p_limit integer)
returns table (thread_id integer)
language plpgsql stable rows 15 as $$
#variable_conflict use_column
declare
  v_weights constant real[] := '{0.1, 0.2, 0.4, 1.0}';
  v_lexemes text[] := array(
    select lexeme from unnest(tsvector_to_array(to_tsvector('vr_german', search_fold(p_title || ' ' || p_text)))) as lexeme
    where lexeme ~ '^[a-z0-9]{2,}$');
  v_words tsquery := array_to_string(v_lexemes, ' | ')::tsquery;
  v_title_words tsquery := search_any_word_query(p_title);
  v_title text := search_title_text(p_title, '{}');
  v_candidates integer[];
begin
  if cardinality(v_lexemes) = 0 or v_title_words is null then
    return;
  end if;
  v_candidates := array(select t.id from threads t join search_threads s on s.thread_id = t.id
    where (s.title_document @@ v_title_words) is true and t.id <> p_except
    order by t.last_activity_at desc, t.id desc limit 60);
  return query
    select s.thread_id from search_threads s
    where s.thread_id = any (v_candidates)
    order by ts_rank(v_weights, s.document, v_words, 1) + similarity(s.title_text, v_title) desc, s.thread_id desc
    limit p_limit;
end $$;
