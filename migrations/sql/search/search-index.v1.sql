-- Search index, version 1: PostgreSQL full text search with German stemming, kept in step with
-- the discussions tables by triggers (the discussions code does not know about it).
--
-- search_fold(text): what both the index and every query see, so that umlauts and ß are found
-- whether typed or not. First lower case for the umlauts by hand (a cluster initialised with
-- the C locale, like the embedded one, lower-cases only ASCII; other capitals lose their accent
-- in unaccent and are lower-cased by the stemmer), then the "german2" rules of the Snowball
-- project: ae, oe, ue become ä, ö, ü (not in "qu…", not when the u sits between vowels as in
-- "Bauer" or "neue"), ß becomes ss. The configuration vr_german then drops stop words, removes
-- accents and umlauts (unaccent) and stems: "Bürger", "Buerger" and "Burger" meet, and so do
-- "Ämter", "Aemter" and "Amt". (translate() would be shorter but costs more than the stemming.)
create or replace function search_fold(t text) returns text
language sql immutable strict parallel safe as $$
  select replace(replace(replace(replace(replace(replace(
    regexp_replace(
      regexp_replace(
        lower(replace(replace(replace(replace(t, 'Ä', 'ä'), 'Ö', 'ö'), 'Ü', 'ü'), 'ẞ', 'ß')),
        '([aeiouyäöü])([uy])(?=[aeiouyäöü])', '\1' || U&'\E000' || '\2', 'g'),
      '(^|[^q' || U&'\E000' || '])ue', '\1ü', 'g'),
    U&'\E000' || 'u', 'u'), U&'\E000' || 'y', 'y'),
    'ae', 'ä'), 'oe', 'ö'), 'ß', 'ss'), U&'\E000', '')
$$;

do $$ begin
  if not exists (select 1 from pg_ts_config where cfgname = 'vr_german') then
    create text search configuration vr_german (copy = german);
  end if;
end $$;
-- Stop words are dropped before unaccent turns "für" into "fur", which the stemmer would keep.
do $$ begin
  if not exists (select 1 from pg_ts_dict where dictname = 'vr_german_stop') then
    create text search dictionary vr_german_stop (template = simple, stopwords = german, accept = false);
  end if;
end $$;
alter text search configuration vr_german
  alter mapping for word, hword, hword_part with vr_german_stop, unaccent, german_stem;

/** The text search vector of a text, folded, with one weight. */
create or replace function search_vector(body text, weight "char") returns tsvector
language sql stable parallel safe as $$
  select setweight(to_tsvector('vr_german', search_fold(coalesce(body, ''))), weight)
$$;

/** Title and tags, folded and without accents: what trigram similarity compares. */
create or replace function search_title_text(title text, tags text[]) returns text
language sql stable parallel safe as $$
  select unaccent(search_fold(title || coalesce(' ' || array_to_string(tags, ' '), '')))
$$;

-- One row per thread: title (A), tags (B) and opening post (C), and title + tags alone.
create table search_threads (
  thread_id integer primary key references threads (id) on delete cascade,
  document tsvector not null,
  title_document tsvector not null,
  title_text text not null
);

-- One row per readable reply (D). The opening post is part of its thread's row.
create table search_posts (
  post_id integer primary key references posts (id) on delete cascade,
  thread_id integer not null,
  document tsvector not null
);

-- Every word of titles and tags (folded, without accents), for "did you mean": a typed word
-- with a typo is compared by trigrams with this short list, not with every title. Words stay
-- when their threads change (a stale word finds nothing, which is harmless).
create table search_words (word text primary key);

/** Writes the search row of each given thread from its title, tags and readable opening post. */
create or replace function search_refresh_threads(ids integer[]) returns void
language sql volatile as $$
  insert into search_threads (thread_id, document, title_document, title_text)
  select t.id,
    search_vector(t.title, 'A') || search_vector(array_to_string(g.tags, ', '), 'B')
      || search_vector(case when o.deleted_at is null then o.body_source end, 'C'),
    search_vector(t.title, 'A') || search_vector(array_to_string(g.tags, ', '), 'B'),
    search_title_text(t.title, g.tags)
  from threads t
  left join posts o on o.id = t.opening_post_id
  cross join lateral (
    select coalesce(array_agg(x.tag order by x.tag), '{}') as tags from thread_tags x where x.thread_id = t.id
  ) g
  where t.id = any (ids)
  on conflict (thread_id) do update set
    document = excluded.document, title_document = excluded.title_document, title_text = excluded.title_text;
  insert into search_words (word)
  select distinct w from search_threads s, unnest(regexp_split_to_array(s.title_text, '[^a-z0-9]+')) as w
  where s.thread_id = any (ids) and length(w) between 3 and 40
  on conflict do nothing
$$;

create or replace function search_threads_changed() returns trigger
language plpgsql as $$
begin
  perform search_refresh_threads(array[new.id]);
  return null;
end $$;
create trigger search_thread_inserted after insert on threads
  for each row execute function search_threads_changed();
create trigger search_thread_updated after update of title, opening_post_id on threads
  for each row when (old.title is distinct from new.title or old.opening_post_id is distinct from new.opening_post_id)
  execute function search_threads_changed();

create or replace function search_tags_inserted() returns trigger
language plpgsql as $$
begin
  perform search_refresh_threads(array(select distinct thread_id from changed_tags));
  return null;
end $$;
create trigger search_tags_inserted after insert on thread_tags
  referencing new table as changed_tags for each statement execute function search_tags_inserted();
create trigger search_tags_updated after update on thread_tags
  referencing new table as changed_tags for each statement execute function search_tags_inserted();
create trigger search_tags_deleted after delete on thread_tags
  referencing old table as changed_tags for each statement execute function search_tags_inserted();

create or replace function search_posts_inserted() returns trigger
language plpgsql as $$
begin
  insert into search_posts (post_id, thread_id, document)
  select p.id, p.thread_id, search_vector(p.body_source, 'D')
  from inserted_posts p where p.parent_id is not null and p.deleted_at is null;
  return null;
end $$;
create trigger search_posts_inserted after insert on posts
  referencing new table as inserted_posts for each statement execute function search_posts_inserted();

-- An edit replaces the text in the index, a deletion removes it (the opening post: its thread's row).
create or replace function search_post_updated() returns trigger
language plpgsql as $$
begin
  if new.parent_id is null then
    perform search_refresh_threads(array[new.thread_id]);
  elsif new.deleted_at is not null then
    delete from search_posts where post_id = new.id;
  else
    insert into search_posts (post_id, thread_id, document)
    values (new.id, new.thread_id, search_vector(new.body_source, 'D'))
    on conflict (post_id) do update set document = excluded.document, thread_id = excluded.thread_id;
  end if;
  return null;
end $$;
create trigger search_post_updated after update of body_source, deleted_at, thread_id on posts
  for each row when (old.body_source is distinct from new.body_source
    or old.deleted_at is distinct from new.deleted_at or old.thread_id is distinct from new.thread_id)
  execute function search_post_updated();

-- Queries. The app splits what a member typed into words, "phrases", -exclusions and or/oder
-- and combines the pieces with the tsquery operators; each piece goes through the same folding
-- and configuration as the index. Any input is accepted (at worst the query is empty).
-- They are declared immutable (they are, as long as vr_german stays as it is; a change to it
-- comes with a new version of this file and search_rebuild()), so that the planner computes
-- the query once while planning and sees it: with the statistics of the index it then knows
-- whether a word is common (walk the newest threads until enough match) or rare (use GIN).

/** One word (or hyphenated compound) as typed. */
create or replace function search_word_query(word text) returns tsquery
language sql immutable parallel safe strict as $$
  select plainto_tsquery('vr_german', search_fold(word))
$$;

/** A phrase: its words next to each other, in order. */
create or replace function search_phrase_query(phrase text) returns tsquery
language sql immutable parallel safe strict as $$
  select phraseto_tsquery('vr_german', search_fold(phrase))
$$;

/**
 * The last word, perhaps still being typed: the word itself, or a word beginning with it, or
 * one whose stem the typed letters already run past ("Verwaltun" finds "Verwaltung", whose stem
 * is "verwalt"; up to three letters past a stem of at least five). Words shorter than four
 * letters, stop words and compounds match as typed.
 */
create or replace function search_prefix_query(word text) returns tsquery
language plpgsql immutable parallel safe strict as $$
declare
  whole tsquery := plainto_tsquery('vr_german', search_fold(word));
  bare text := unaccent(search_fold(word));
  result tsquery;
begin
  if numnode(whole) <> 1 or bare !~ '^[a-z0-9]{4,}$' then
    return whole;
  end if;
  result := whole || (bare || ':*')::tsquery;
  for n in greatest(5, length(bare) - 3) .. length(bare) - 1 loop
    result := result || (left(bare, n))::tsquery;
  end loop;
  return result;
end $$;

/**
 * Any of the words of a text that are not common in titles and tags (more than `max_share` of
 * all threads, from the planner's statistics of search_threads): what picks candidates for
 * "similar threads" without ranking every thread that shares a common word.
 */
create or replace function search_distinctive_query(body text, max_share real) returns tsquery
language sql stable parallel safe strict as $$
  select string_agg(lexeme, ' | ')::tsquery
  from unnest(tsvector_to_array(to_tsvector('vr_german', search_fold(body)))) as lexeme
  where lexeme ~ '^[a-z0-9]{2,}$'
    and not exists (
      select 1 from pg_stats st, unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) as m(word, share)
      where st.tablename = 'search_threads' and st.attname = 'title_document' and st.schemaname = current_schema()
        and m.word = lexeme and m.share > max_share)
$$;

/** Any of the words of a text (for "similar threads"): its lexemes joined by "or" (null when none). */
create or replace function search_any_word_query(body text) returns tsquery
language sql immutable parallel safe strict as $$
  select string_agg(lexeme, ' | ')::tsquery
  from unnest(tsvector_to_array(to_tsvector('vr_german', search_fold(body)))) as lexeme
  where lexeme ~ '^[a-z0-9]{2,}$'
$$;


-- Fills the index from scratch and builds its GIN indexes afresh (much faster than adding
-- rows one by one): for the migration, for bulk imports with the triggers switched off, and
-- for a later version of search_fold. Blocks searches while it runs.
create or replace function search_rebuild() returns void
language plpgsql volatile as $$
begin
  drop index if exists search_threads_document, search_threads_title_document,
    search_threads_title_trigrams, search_posts_document, search_posts_by_thread, search_words_trigrams;
  truncate search_threads, search_posts, search_words;
  insert into search_posts (post_id, thread_id, document)
  select p.id, p.thread_id, search_vector(p.body_source, 'D') from posts p
  where p.parent_id is not null and p.deleted_at is null;
  perform search_refresh_threads(array(select id from threads));
  create index search_threads_document on search_threads using gin (document);
  create index search_threads_title_document on search_threads using gin (title_document);
  create index search_posts_document on search_posts using gin (document);
  create index search_posts_by_thread on search_posts (thread_id);
  create index search_words_trigrams on search_words using gin (word gin_trgm_ops);
  analyze search_threads;
  analyze search_posts;
  analyze search_words;
end $$;

-- What is already there when the index arrives.
select search_rebuild();
