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
-- Rare and common words take different paths, each with its own statement (and so its own
-- cached plan): a rare word (fewer raw matches than the pool) is fetched through GIN and ranked
-- in full; a common one is ranked among its newest matches, found by walking the newest
-- threads or posts and testing each (the test is written `(… @@ q) is true`, which no index
-- can answer, so even a generic plan walks instead of collecting every match through GIN).

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

/** The Themenraum, Reifegrad and tag filters on a thread. */
create or replace function search_thread_matches(
  p_thread threads, p_category integer, p_stage text, p_tag text)
returns boolean language sql stable parallel safe as $$
  select (p_category is null or p_thread.category_id = p_category)
    and (p_stage is null or p_thread.stage = p_stage)
    and (p_tag is null or exists (select 1 from thread_tags g where g.thread_id = p_thread.id and g.tag = p_tag))
$$;

/**
 * One page of candidates (up to p_needed: offset + page + 1, and some to spare for what the
 * caller's visibility rule leaves out), best first. Relevance: tiers title/tags, then opening
 * post, then replies, each ranked by ts_rank (title 1.0, tags 0.4, opening post 0.2, reply
 * 0.1), a tier asked only while the earlier ones hold fewer than p_needed; a thread appears
 * once. Newest: by the date of the newest matching text. Filters: Themenraum, Reifegrad, tag
 * on the thread; author, organisation, Land and the dates (Europe/Berlin, both ends included)
 * on the matching text.
 */
create or replace function search_hits(
  p_query tsquery, p_category integer, p_stage text, p_tag text, p_author integer,
  p_organisation integer, p_land text, p_from date, p_to date, p_newest boolean, p_needed integer)
returns table (thread_id integer, post_id integer, source text)
language plpgsql stable as $$
#variable_conflict use_column
declare
  v_weights constant real[] := '{0.1, 0.2, 0.4, 1.0}';
  v_pool integer := greatest(100, p_needed);
  v_from timestamptz := coalesce(p_from::timestamp at time zone 'Europe/Berlin', '-infinity');
  v_to timestamptz := coalesce((p_to + 1)::timestamp at time zone 'Europe/Berlin', 'infinity');
  v_by_author boolean := p_author is not null or p_organisation is not null or p_land is not null;
  v_threaded boolean := p_category is not null or p_stage is not null or p_tag is not null;
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
      p_organisation, p_land, v_from, v_to, p_needed);
    return;
  end if;

  -- Tier 1: title and tags.
  if (select count(*) from (select 1 from search_threads s where s.title_document @@ p_query limit v_pool) x) < v_pool then
    v_tier := array(
      select m.thread_id
      from (select s.thread_id, s.title_document from search_threads s where s.title_document @@ p_query offset 0) m
      join threads t on t.id = m.thread_id
      where (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
        and t.created_at >= v_from and t.created_at < v_to
        and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
      order by ts_rank(v_weights, m.title_document, p_query, 1) desc, m.thread_id desc
      limit p_needed);
  else
    v_tier := array(
      select c.thread_id
      from (select s.thread_id, s.title_document
        from threads t join search_threads s on s.thread_id = t.id
        where (s.title_document @@ p_query) is true
          and (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
          and t.created_at >= v_from and t.created_at < v_to
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
        order by t.last_activity_at desc, t.id desc
        limit v_pool) c
      order by ts_rank(v_weights, c.title_document, p_query, 1) desc, c.thread_id desc
      limit p_needed);
  end if;
  v_threads := v_tier;
  v_posts := array_fill(null::integer, array[cardinality(v_tier)]);
  v_sources := array_fill('title'::text, array[cardinality(v_tier)]);
  if cardinality(v_threads) >= p_needed then
    return query select * from unnest(v_threads, v_posts, v_sources);
    return;
  end if;

  -- Tier 2: the opening post (title and tags did not match).
  if (select count(*) from (select 1 from search_threads s where s.document @@ p_query limit v_pool) x) < v_pool then
    select array_agg(r.id order by r.n), array_agg(r.opening_post_id order by r.n) into v_tier, v_tier_posts
    from (select t.id, t.opening_post_id, row_number() over (
        order by ts_rank(v_weights, m.document, p_query, 1) desc, m.thread_id desc) as n
      from (select s.thread_id, s.document from search_threads s where s.document @@ p_query offset 0) m
      join threads t on t.id = m.thread_id
      where t.id <> all (v_threads)
        and (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
        and t.created_at >= v_from and t.created_at < v_to
        and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
      order by n limit p_needed - cardinality(v_threads)) r;
  else
    select array_agg(r.id order by r.n), array_agg(r.opening_post_id order by r.n) into v_tier, v_tier_posts
    from (select c.id, c.opening_post_id, row_number() over (
        order by ts_rank(v_weights, c.document, p_query, 1) desc, c.id desc) as n
      from (select t.id, t.opening_post_id, s.document
        from threads t join search_threads s on s.thread_id = t.id
        where (s.document @@ p_query) is true and t.id <> all (v_threads)
          and (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
          and t.created_at >= v_from and t.created_at < v_to
          and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
        order by t.last_activity_at desc, t.id desc
        limit v_pool) c
      order by n limit p_needed - cardinality(v_threads)) r;
  end if;
  v_threads := v_threads || coalesce(v_tier, '{}');
  v_posts := v_posts || coalesce(v_tier_posts, '{}');
  v_sources := v_sources || array_fill('opening'::text, array[coalesce(cardinality(v_tier), 0)]);
  if cardinality(v_threads) >= p_needed then
    return query select * from unnest(v_threads, v_posts, v_sources);
    return;
  end if;

  -- Tier 3: replies, the best of each thread not found above.
  if (select count(*) from (select 1 from search_posts sp where sp.document @@ p_query limit v_pool * 3) x) < v_pool * 3 then
    select array_agg(r.thread_id order by r.n), array_agg(r.post_id order by r.n) into v_tier, v_tier_posts
    from (select b.thread_id, b.post_id, row_number() over (order by b.rank desc, b.thread_id desc) as n
      from (select distinct on (m.thread_id) m.thread_id, m.post_id, ts_rank(v_weights, m.document, p_query, 1) as rank
        from (select sp.thread_id, sp.post_id, sp.document from search_posts sp where sp.document @@ p_query offset 0) m
        join posts p on p.id = m.post_id
        join threads t on t.id = m.thread_id
        where m.thread_id <> all (v_threads)
          and (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
          and p.created_at >= v_from and p.created_at < v_to
          and (not v_by_author or search_author_matches(p.author_id, p_author, p_organisation, p_land))
        order by m.thread_id, rank desc, m.post_id) b
      order by n limit p_needed - cardinality(v_threads)) r;
  else
    select array_agg(r.thread_id order by r.n), array_agg(r.post_id order by r.n) into v_tier, v_tier_posts
    from (select b.thread_id, b.post_id, row_number() over (order by b.rank desc, b.thread_id desc) as n
      from (select distinct on (c.thread_id) c.thread_id, c.post_id, ts_rank(v_weights, c.document, p_query, 1) as rank
        from (select sp.thread_id, sp.post_id, sp.document
          from search_posts sp
          join posts p on p.id = sp.post_id
          join threads t on t.id = sp.thread_id
          where (sp.document @@ p_query) is true and sp.thread_id <> all (v_threads)
            and (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
            and p.created_at >= v_from and p.created_at < v_to
            and (not v_by_author or search_author_matches(p.author_id, p_author, p_organisation, p_land))
          order by sp.post_id desc
          limit v_pool * 3) c
        order by c.thread_id, rank desc, c.post_id) b
      order by n limit p_needed - cardinality(v_threads)) r;
  end if;
  v_threads := v_threads || coalesce(v_tier, '{}');
  v_posts := v_posts || coalesce(v_tier_posts, '{}');
  v_sources := v_sources || array_fill('reply'::text, array[coalesce(cardinality(v_tier), 0)]);
  return query select * from unnest(v_threads, v_posts, v_sources);
end $$;

/**
 * Newest first: threads by their newest matching text (a thread's own row by its last
 * activity, a reply by its date). Both streams walk newest first and stop early (a rare word's
 * matches come through GIN instead).
 */
create or replace function search_newest(
  p_query tsquery, p_category integer, p_stage text, p_tag text, p_author integer,
  p_organisation integer, p_land text, p_from timestamptz, p_to timestamptz, p_needed integer)
returns table (thread_id integer, post_id integer, source text)
language plpgsql stable as $$
#variable_conflict use_column
declare
  v_by_author boolean := p_author is not null or p_organisation is not null or p_land is not null;
  v_threaded boolean := p_category is not null or p_stage is not null or p_tag is not null;
  v_thread_ids integer[];
  v_thread_posts integer[];
  v_thread_at timestamptz[];
  v_reply_threads integer[];
  v_reply_posts integer[];
  v_reply_at timestamptz[];
begin
  if (select count(*) from (select 1 from search_threads s where s.document @@ p_query limit p_needed) x) < p_needed then
    select array_agg(t.id order by t.last_activity_at desc), array_agg(t.opening_post_id order by t.last_activity_at desc),
      array_agg(t.last_activity_at order by t.last_activity_at desc)
      into v_thread_ids, v_thread_posts, v_thread_at
    from (select s.thread_id from search_threads s where s.document @@ p_query offset 0) m
    join threads t on t.id = m.thread_id
    where (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
      and t.created_at >= p_from and t.created_at < p_to
      and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land));
  else
    select array_agg(c.id order by c.n), array_agg(c.opening_post_id order by c.n), array_agg(c.last_activity_at order by c.n)
      into v_thread_ids, v_thread_posts, v_thread_at
    from (select t.id, t.opening_post_id, t.last_activity_at, row_number() over (order by t.last_activity_at desc, t.id desc) as n
      from threads t join search_threads s on s.thread_id = t.id
      where (s.document @@ p_query) is true
        and (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
        and t.created_at >= p_from and t.created_at < p_to
        and (not v_by_author or search_author_matches(t.author_id, p_author, p_organisation, p_land))
      order by t.last_activity_at desc, t.id desc
      limit p_needed) c;
  end if;
  if (select count(*) from (select 1 from search_posts sp where sp.document @@ p_query limit p_needed * 3) x) < p_needed * 3 then
    select array_agg(p.thread_id order by p.created_at desc), array_agg(p.id order by p.created_at desc),
      array_agg(p.created_at order by p.created_at desc)
      into v_reply_threads, v_reply_posts, v_reply_at
    from (select sp.post_id from search_posts sp where sp.document @@ p_query offset 0) m
    join posts p on p.id = m.post_id
    join threads t on t.id = p.thread_id
    where (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
      and p.created_at >= p_from and p.created_at < p_to
      and (not v_by_author or search_author_matches(p.author_id, p_author, p_organisation, p_land));
  else
    select array_agg(c.thread_id order by c.n), array_agg(c.id order by c.n), array_agg(c.created_at order by c.n)
      into v_reply_threads, v_reply_posts, v_reply_at
    from (select p.thread_id, p.id, p.created_at, row_number() over (order by sp.post_id desc) as n
      from search_posts sp
      join posts p on p.id = sp.post_id
      join threads t on t.id = sp.thread_id
      where (sp.document @@ p_query) is true
        and (not v_threaded or search_thread_matches(t, p_category, p_stage, p_tag))
        and p.created_at >= p_from and p.created_at < p_to
        and (not v_by_author or search_author_matches(p.author_id, p_author, p_organisation, p_land))
      order by sp.post_id desc
      limit p_needed * 3) c;
  end if;
  return query
    select x.thread_id, (array_agg(x.post_id order by x.at desc))[1], (array_agg(x.source order by x.at desc))[1]
    from (
      select a.thread_id, a.post_id, a.at, 'opening'::text as source
        from unnest(v_thread_ids, v_thread_posts, v_thread_at) as a(thread_id, post_id, at)
      union all
      select b.thread_id, b.post_id, b.at, 'reply'::text
        from unnest(v_reply_threads, v_reply_posts, v_reply_at) as b(thread_id, post_id, at)
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
language plpgsql stable as $$
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
begin
  if cardinality(v_lexemes) = 0 then
    return;
  end if;
  select string_agg(l.lexeme, ' | ')::tsquery into v_distinctive
  from unnest(v_lexemes) as l(lexeme)
  where not exists (
    select 1 from pg_stats st, unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) as m(word, share)
    where st.tablename = 'search_threads' and st.attname = 'title_document' and st.schemaname = current_schema()
      and m.word = l.lexeme and m.share > 0.05);
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
