-- Threads per category, version 1 (2026-12-02T11-00-00_category-thread-counts.ts).
-- The home page shows each Themenraum's number of threads; counting them per request grows with
-- the forum. category_thread_counts keeps the number, moved by triggers on threads in the same
-- transaction as the change: a thread inserted, deleted (account deletion) or moved to another
-- category. Concurrent writers queue on the category's counter row (the upsert locks it until
-- commit), so the count is exact under concurrency. Rows are locked in category order, so two
-- statements touching several categories never deadlock over them.

create or replace function category_thread_counts_add() returns trigger
language plpgsql as $$
begin
  insert into category_thread_counts as c (category_id, threads)
    select category_id, count(*) from inserted group by category_id order by category_id
  on conflict (category_id) do update set threads = c.threads + excluded.threads;
  return null;
end
$$;

create or replace function category_thread_counts_remove() returns trigger
language plpgsql as $$
begin
  update category_thread_counts c set threads = c.threads - d.threads
  from (select category_id, count(*)::int as threads from deleted group by category_id order by category_id) d
  where c.category_id = d.category_id;
  return null;
end
$$;

create or replace function category_thread_counts_move() returns trigger
language plpgsql as $$
begin
  if old.category_id < new.category_id then
    update category_thread_counts set threads = threads - 1 where category_id = old.category_id;
    insert into category_thread_counts as c (category_id, threads) values (new.category_id, 1)
      on conflict (category_id) do update set threads = c.threads + 1;
  else
    insert into category_thread_counts as c (category_id, threads) values (new.category_id, 1)
      on conflict (category_id) do update set threads = c.threads + 1;
    update category_thread_counts set threads = threads - 1 where category_id = old.category_id;
  end if;
  return null;
end
$$;

create or replace function category_thread_counts_clear() returns trigger
language plpgsql as $$
begin
  delete from category_thread_counts;
  return null;
end
$$;
