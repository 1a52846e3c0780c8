import { readFileSync } from 'node:fs'
import { type Kysely, sql } from 'kysely'

// The number of threads per category, kept by triggers on threads (see
// sql/discussions/category-thread-counts.v1.sql), so the home page reads it instead of counting
// every thread of every category per request. Existing threads are counted once here, with
// threads locked against writers so that none is missed between the count and the triggers.
const functions = readFileSync(
  new URL('./sql/discussions/category-thread-counts.v1.sql', import.meta.url),
  'utf8',
)

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table category_thread_counts (
    category_id integer primary key references categories (id) on delete cascade,
    threads integer not null default 0 check (threads >= 0)
  )`.execute(db)
  await sql.raw(functions).execute(db)
  await sql`lock table threads in share row exclusive mode`.execute(db)
  await sql`insert into category_thread_counts (category_id, threads)
    select category_id, count(*) from threads group by category_id`.execute(db)
  await sql`create trigger threads_counted_in after insert on threads
    referencing new table as inserted for each statement
    execute function category_thread_counts_add()`.execute(db)
  await sql`create trigger threads_uncounted after delete on threads
    referencing old table as deleted for each statement
    execute function category_thread_counts_remove()`.execute(db)
  await sql`create trigger threads_moved after update of category_id on threads
    for each row when (old.category_id is distinct from new.category_id)
    execute function category_thread_counts_move()`.execute(db)
  await sql`create trigger threads_truncated after truncate on threads
    for each statement execute function category_thread_counts_clear()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists threads_truncated on threads`.execute(db)
  await sql`drop trigger if exists threads_moved on threads`.execute(db)
  await sql`drop trigger if exists threads_uncounted on threads`.execute(db)
  await sql`drop trigger if exists threads_counted_in on threads`.execute(db)
  await sql`drop table if exists category_thread_counts`.execute(db)
  await sql`drop function if exists category_thread_counts_add(), category_thread_counts_remove(),
    category_thread_counts_move(), category_thread_counts_clear()`.execute(db)
}
