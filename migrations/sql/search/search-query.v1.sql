-- Search queries, version 1 (2026-12-02T15-00-00_search-query-functions.ts): the work of a
-- search and of "similar threads" as PL/pgSQL functions, so that Postgres keeps their plans
-- (planning the same statements on every request cost more CPU than running them) and a
-- search is one round trip. The index itself is search-index.v1.sql.
--
-- Visibility is NOT decided here: these functions find and rank candidates; the caller's one
-- statement joins them with core/visibility's threadVisibleTo() and postReadableBy() (as the
-- thread page does with discussions_thread_page) and loads the details and passages of the
-- visible ones. The candidates come with their source: 'title' (title or tags matched),
-- 'opening' (the opening post matched: it must be readable) or 'reply' (that reply matched:
-- it must be readable).
--
-- Each set-returning function declares how many rows it returns (ROWS): with the default of
-- 1000 the statement around it hashed all threads to join a page of candidates.
--
-- Rare and common words take different paths, each with its own statement (and so its own
-- cached plan): the planner's own estimate of the matches (search_match_estimate) decides
-- whether a tier walks the newest threads, testing each (`(… @@ q) is true`, which no index can
-- answer, so even a generic plan walks), or fetches every match through GIN.

/**
 * The tsquery of the typed terms (query.ts splits the input): kinds 'word', 'prefix' or
 * 'phrase'; groups > 0 are and-ed, terms of one group or-ed; group 0 are exclusions. Null when
 * the positive part has no searchable word (only stop words).
 */
create or replace function search_query(p_kinds text[], p_texts text[], p_groups integer[])
returns tsquery language plpgsql immutable parallel safe as $$
declare
  v_positive tsquery;
  v_group tsquery;
  v_term tsquery;
  v_excluded tsquery;
  v_current integer := null;
begin
  for i in 1 .. coalesce(array_length(p_kinds, 1), 0) loop
    v_term := case p_kinds[i]
      when 'phrase' then search_phrase_query(p_texts[i])
      when 'prefix' then search_prefix_query(p_texts[i])
      else search_word_query(p_texts[i]) end;
    if p_groups[i] = 0 then
      v_excluded := case when v_excluded is null then !!v_term else v_excluded && !!v_term end;
    elsif p_groups[i] is distinct from v_current then
      if v_current is not null then
        v_positive := case when v_positive is null then v_group else v_positive && v_group end;
      end if;
      v_current := p_groups[i];
      v_group := v_term;
    else
      v_group := v_group || v_term;
    end if;
  end loop;
  if v_current is not null then
    v_positive := case when v_positive is null then v_group else v_positive && v_group end;
  end if;
  if v_positive is null or numnode(v_positive) = 0 then
    return null;
  end if;
  return case when v_excluded is null then v_positive else v_positive && v_excluded end;
end $$;

/** Whether the written-by filters (author, organisation, Land) allow a text by this member. */
create or replace function search_author_matches(
  p_member integer, p_author integer, p_organisation integer, p_land text)
returns boolean language sql stable parallel safe as $$
  select (p_author is null or p_member = p_author)
    and (p_organisation is null and p_land is null or exists (
      select 1 from members w join organisations wo on wo.id = w.organisation_id
      where w.id = p_member and (p_organisation is null or w.organisation_id = p_organisation)
        and (p_land is null or wo.land = p_land)))
$$;

/**
 * One page of candidates (up to p_needed: offset + page + 1, and some to spare for what the
 * caller's visibility rule leaves out), best first. Relevance: tiers title/tags, then opening
 * post, then replies, each ranked by ts_rank (title 1.0, tags 0.4, opening post 0.2, reply
 * 0.1), a tier asked only while the earlier ones hold fewer than p_needed; a thread appears
 * once. Newest: by the date of the newest matching text. Filters: Themenraum, Reifegrad, tag
 * on the thread; author, organisation, Land and the dates (Europe/Berlin, both ends included)
 * on the matching text.
 *
 * Each filter is switched on by a flag (`not v_x or …`), so that a generic plan does not guess
 * from an unknown value (a date range from -infinity made it scan every thread by date).
 */
create or replace function search_hits(
  p_query tsquery, p_category integer, p_stage text, p_tag text, p_author integer,
  p_organisation integer, p_land text, p_from date, p_to date, p_newest boolean, p_needed integer)
returns table (thread_id integer, post_id integer, source text)
language plpgsql stable rows 40 as $$
#variable_conflict use_column
declare
  v_pool integer := greatest(100, p_needed);
  v_threads integer[] := '{}';
  v_posts integer[] := '{}';
  v_sources text[] := '{}';
  v_tier integer[];
  v_tier_posts integer[];
begin
  if p_query is null or p_needed < 1 then
    return;
  end if;
  if p_newest then
    return query select * from search_newest(p_query, p_category, p_stage, p_tag, p_author,
      p_organisation, p_land, coalesce(p_from::timestamp at time zone 'Europe/Berlin', '-infinity'),
      coalesce((p_to + 1)::timestamp at time zone 'Europe/Berlin', 'infinity'), p_needed);
    return;
  end if;
  v_tier := search_thread_tier(p_query, false, v_threads, p_category, p_stage, p_tag, p_author,
    p_organisation, p_land, p_from, p_to, v_pool, p_needed);
  v_threads := v_tier;
  v_posts := array_fill(null::integer, array[cardinality(v_tier)]);
  v_sources := array_fill('title'::text, array[cardinality(v_tier)]);
  if cardinality(v_threads) < p_needed then
    v_tier := search_thread_tier(p_query, true, v_threads, p_category, p_stage, p_tag, p_author,
      p_organisation, p_land, p_from, p_to, v_pool, p_needed - cardinality(v_threads));
    v_threads := v_threads || v_tier;
    v_posts := v_posts || array(select t.opening_post_id from unnest(v_tier) with ordinality as x(id, n)
      join threads t on t.id = x.id order by x.n);
    v_sources := v_sources || array_fill('opening'::text, array[cardinality(v_tier)]);
  end if;
  if cardinality(v_threads) < p_needed then
    select coalesce(array_agg(r.thread_id order by r.n), '{}'), coalesce(array_agg(r.post_id order by r.n), '{}')
      into v_tier, v_tier_posts
    from search_reply_tier(p_query, v_threads, p_category, p_stage, p_tag, p_author, p_organisation,
      p_land, p_from, p_to, v_pool * 3, p_needed - cardinality(v_threads)) with ordinality as r(thread_id, post_id, n);
    v_threads := v_threads || v_tier;
    v_posts := v_posts || v_tier_posts;
    v_sources := v_sources || array_fill('reply'::text, array[cardinality(v_tier)]);
  end if;
  return query select * from unnest(v_threads, v_posts, v_sources);
end $$;

/**
 * How many rows of search_threads (p_source 'title': title_document, 'thread': document) or
 * search_posts ('reply') the planner expects to match, from its statistics of the index
 * columns (the most common words and their frequencies, prefixes included): planning one
 * tiny statement costs far less than counting the matches of a common word.
 */
create or replace function search_match_estimate(p_query tsquery, p_source text)
returns integer language plpgsql volatile as $$
declare
  v_plan json;
begin
  execute format('explain (format json) select 1 from %s where %s @@ %L::tsquery',
    case when p_source = 'reply' then 'search_posts' else 'search_threads' end,
    case when p_source = 'title' then 'title_document' else 'document' end,
    p_query::text) into v_plan;
  return (v_plan -> 0 -> 'Plan' ->> 'Plan Rows')::integer;
end $$;

/**
 * Tier 1 (p_opening false: title and tags) or tier 2 (true: the whole thread row), threads
 * already found left out: the best p_limit thread ids. Fewer than p_pool matches (a capped
 * count through GIN): all of them, ranked. Else the newest v_walk threads (of the Themenraum,
 * when one is asked for, along its index) are tested one by one; when p_pool of them match,
 * those are ranked (a common word: its newest matches); when not, all matches are fetched
 * through GIN and ranked after all (a word between rare and common, or a narrow filter).
 */
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
  if v_common and not p_opening and p_category is not null then
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

/**
 * Tier 3: the best reply of each thread not found above, the best p_limit threads, from the
 * newest p_pool matching replies: fewer matches than that (a capped count through GIN), all of
 * them; else the newest v_walk replies tested one by one, and when fewer than p_pool of them
 * match, all matches through GIN, the newest p_pool taken (before the joins when nothing but
 * the word is asked for).
 */
create or replace function search_reply_tier(
  p_query tsquery, p_except integer[], p_category integer, p_stage text, p_tag text, p_author integer,
  p_organisation integer, p_land text, p_from date, p_to date, p_pool integer, p_limit integer)
returns table (thread_id integer, post_id integer) language plpgsql stable rows 30
set enable_hashjoin = off set enable_mergejoin = off
as $$
#variable_conflict use_column
declare
  v_weights constant real[] := '{0.1, 0.2, 0.4, 1.0}';
  v_from timestamptz := p_from::timestamp at time zone 'Europe/Berlin';
  v_to timestamptz := (p_to + 1)::timestamp at time zone 'Europe/Berlin';
  v_dated boolean := p_from is not null or p_to is not null;
  v_by_author boolean := p_author is not null or p_organisation is not null or p_land is not null;
  v_threaded boolean := p_category is not null or p_stage is not null or p_tag is not null;
  v_ids integer[];
begin
  if v_threaded or v_dated or v_by_author then
      v_ids := array(
        select m.post_id
        from (select sp.thread_id, sp.post_id from search_posts sp where sp.document @@ p_query offset 0) m
        join posts p on p.id = m.post_id
        join threads t on t.id = m.thread_id
        where m.thread_id <> all (p_except)
          and (not v_threaded or (p_category is null or t.category_id = p_category) and (p_stage is null or t.stage = p_stage)
            and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = t.id and g.tag = p_tag)))
          and (not v_dated or p.created_at >= coalesce(v_from, '-infinity') and p.created_at < coalesce(v_to, 'infinity'))
          and (not v_by_author or search_author_matches(p.author_id, p_author, p_organisation, p_land))
        order by m.post_id desc
        limit p_pool);
    else
      v_ids := array(
        select m.post_id
        from (select sp.thread_id, sp.post_id from search_posts sp where sp.document @@ p_query offset 0) m
        where m.thread_id <> all (p_except)
        order by m.post_id desc
        limit p_pool);
    end if;
  return query
    select b.thread_id, b.post_id from (
      select distinct on (sp.thread_id) sp.thread_id, sp.post_id, ts_rank(v_weights, sp.document, p_query, 1) as rank
      from search_posts sp where sp.post_id = any (v_ids)
      order by sp.thread_id, rank desc, sp.post_id) b
    order by b.rank desc, b.thread_id desc
    limit p_limit;
end $$;

/**
 * Newest first: threads by their newest matching text (a thread's own row by its last
 * activity, a reply by its date). Threads: a common word (by the planner's estimate) walks the
 * newest v_walk threads, replies the newest v_walk_posts replies, else (or when that walk
 * falls short) GIN, for replies with the newest taken before the joins when nothing but the
 * word is asked for. A thread's own match is
 * 'title' when its title or tags match (then it is shown whatever its opening post), else
 * 'opening'.
 */
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
  v_walk_posts constant integer := 20000;
  v_by_author boolean := p_author is not null or p_organisation is not null or p_land is not null;
  v_threaded boolean := p_category is not null or p_stage is not null or p_tag is not null;
  v_dated boolean := p_from <> '-infinity' or p_to <> 'infinity';
  v_since timestamptz;
  v_thread_ids integer[];
  v_reply_posts integer[];
begin
  if search_match_estimate(p_query, 'thread')
      >= p_needed * (select greatest(reltuples, 1) from pg_class where oid = 'search_threads'::regclass) / v_walk then
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
  -- Replies: a common word walks the newest v_walk_posts replies (and stops as soon as enough
  -- match); else, or when that falls short, GIN.
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
  elsif coalesce(cardinality(v_reply_posts), 0) < p_needed * 3 then
    v_reply_posts := array(
      select m.post_id from (select sp.post_id from search_posts sp where sp.document @@ p_query offset 0) m
      order by m.post_id desc
      limit p_needed * 3);
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
 * Candidates for "similar threads" of a title and text, best first (more than the caller
 * shows, for what its visibility rule leaves out). Candidates share a distinctive word (one in
 * at most 5 % of titles and tags, by the planner's statistics) with the title or text, or,
 * when there is none, are the newest threads sharing any word with the title. They are ranked
 * by the words of title and text in the whole thread row (title 1.0, tags 0.4, opening post
 * 0.2) plus the trigram likeness of the titles.
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
  v_distinctive tsquery;
  v_title_words tsquery := search_any_word_query(p_title);
  v_title text := search_title_text(p_title, '{}');
  v_candidates integer[];
  v_common text[];
begin
  if cardinality(v_lexemes) = 0 then
    return;
  end if;
  -- The common words once (not once per word of the text: that read the statistics 40 times).
  v_common := array(
    select m.word from pg_stats st, unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) as m(word, share)
    where st.tablename = 'search_threads' and st.attname = 'title_document' and st.schemaname = current_schema()
      and m.share > 0.05);
  select string_agg(l.lexeme, ' | ')::tsquery into v_distinctive
  from unnest(v_lexemes) as l(lexeme)
  where l.lexeme <> all (v_common);
  if v_distinctive is not null then
    v_candidates := array(select s.thread_id from search_threads s
      where s.title_document @@ v_distinctive and s.thread_id <> p_except
      order by ts_rank(s.title_document, v_words) desc, s.thread_id desc limit 60);
  elsif v_title_words is not null then
    v_candidates := array(select t.id from threads t join search_threads s on s.thread_id = t.id
      where (s.title_document @@ v_title_words) is true and t.id <> p_except
      order by t.last_activity_at desc, t.id desc limit 60);
  else
    return;
  end if;
  return query
    select s.thread_id from search_threads s
    where s.thread_id = any (v_candidates)
    order by ts_rank(v_weights, s.document, v_words, 1) + similarity(s.title_text, v_title) desc, s.thread_id desc
    limit p_limit;
end $$;

/**
 * For a search that found (almost) nothing, in case of a typo: each typed word replaced by the
 * most alike word of all titles and tags (trigrams over the short word list search_words), as
 * a query for titles with all of them. Null when no word is left.
 */
create or replace function search_typo_query(p_words text[])
returns tsquery language plpgsql stable as $$
declare
  v_text text;
begin
  select string_agg(coalesce(c.word, typed.w), ' ' order by typed.n) into v_text
  from (select search_title_text(w, '{}') as w, n from unnest(p_words) with ordinality as x(w, n)) typed
  left join lateral (
    select sw.word from search_words sw where sw.word % typed.w
    order by similarity(sw.word, typed.w) desc, sw.word limit 1
  ) c on true;
  if v_text is null then
    return null;
  end if;
  return plainto_tsquery('vr_german', search_fold(v_text));
end $$;
