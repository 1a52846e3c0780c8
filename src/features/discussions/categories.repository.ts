// Queries of the categories (Themenräume).
import { sql } from 'kysely'
import {
  categoryVisibleTo,
  threadVisibleTo,
  type ViewerId,
  wholeCategoryVisibleTo,
} from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import { preparedRows } from '../../db/prepared.ts'
import type { Locale } from '../../db/schema.ts'
import { dateLabel, isoText } from './discussions.repository.ts'

export interface CategoryRow {
  id: number
  name: string
  slug: string
  description: string
  position: number
  archived: boolean
  /** The closed group whose Themenraum this is (shown only to whom the rule shows the category). */
  groupName: string | null
}

/** The name of the group of the category aliased c, or null. */
const groupNameOf = sql<string | null>`(select g.name from group_categories gc
  join groups g on g.id = gc.group_id where gc.category_id = c.id)`

const columns = [
  'id',
  'name',
  'slug',
  'description',
  'position',
  sql<boolean>`archived_at is not null`.as('archived'),
  groupNameOf.as('groupName'),
] as const

/**
 * Whose categories: a viewer sees those the visibility rule opens to them (a closed group's
 * Themenräume only its members); 'all' is for the admins' management and the operator's CLI.
 */
export type CategoriesFor = ViewerId | 'all'

export async function listCategories(
  db: Db,
  options: { includeArchived: boolean; visibleTo: CategoriesFor },
): Promise<CategoryRow[]> {
  let query = db.selectFrom('categories as c').select(columns).orderBy('position').orderBy('id')
  if (!options.includeArchived) query = query.where('archived_at', 'is', null)
  if (options.visibleTo !== 'all') query = query.where(categoryVisibleTo(options.visibleTo, 'c'))
  return query.execute()
}

export async function findCategoryBySlug(
  db: Db,
  slug: string,
  visibleTo: CategoriesFor,
): Promise<CategoryRow | undefined> {
  let query = db.selectFrom('categories as c').select(columns).where('slug', '=', slug)
  if (visibleTo !== 'all') query = query.where(categoryVisibleTo(visibleTo, 'c'))
  return query.executeTakeFirst()
}

export async function findCategoryById(
  db: Db,
  id: number,
  visibleTo: CategoriesFor,
): Promise<CategoryRow | undefined> {
  let query = db.selectFrom('categories as c').select(columns).where('id', '=', id)
  if (visibleTo !== 'all') query = query.where(categoryVisibleTo(visibleTo, 'c'))
  return query.executeTakeFirst()
}

export interface CategoryOverview extends CategoryRow {
  threadCount: number
  latestThreadId: number | null
  latestTitle: string | null
  latestIso: string | null
  latestLabel: string | null
  unreadThreads: number
}

/**
 * How many of a category's most recently active threads (of the last 30 days) the unread count
 * looks at: it costs a bounded number of index probes however busy the forum is, and a badge
 * of "50 Themen mit Neuem" says enough.
 */
const unreadLookback = 50

/**
 * The home page: open categories in order, each with its newest activity and my unread threads.
 * The thread count is kept by triggers (category_thread_counts), not counted per request; it
 * counts every thread of the category, shown when the rule lets the viewer see them all
 * (wholeCategoryVisibleTo: it narrows by category, a closed group's Themenraum is listed only to
 * its members), else 0.
 */
export async function listCategoryOverview(
  db: Db,
  memberId: number,
  locale: Locale,
): Promise<CategoryOverview[]> {
  const visible = threadVisibleTo(memberId, 't')
  const statement = sql<CategoryOverview>`
    select c.id, c.name, c.slug, c.description, c.position, false as archived, ${groupNameOf} as "groupName",
      case when ${wholeCategoryVisibleTo(memberId, 'c')} then coalesce(n.threads, 0) else 0 end as "threadCount",
      l.id as "latestThreadId", l.title as "latestTitle",
      ${isoText(sql`l.last_activity_at`)} as "latestIso",
      ${dateLabel(sql`l.last_activity_at`, locale)} as "latestLabel",
      (select count(*) from (
          select t.id, t.reply_count from threads t
          where t.category_id = c.id and ${visible} and t.last_activity_at > now() - interval '30 days'
          order by t.last_activity_at desc, t.id desc
          limit ${sql.lit(unreadLookback)}
        ) w
        -- A scalar subquery stays one key lookup per thread (PostgreSQL may turn an anti-join
        -- into a scan of every read mark).
        where coalesce((select r.read_post_count from thread_reads r
          where r.member_id = ${memberId} and r.thread_id = w.id), 0) < w.reply_count + 1
      )::int as "unreadThreads"
    from categories c
    left join category_thread_counts n on n.category_id = c.id
    left join lateral (
      -- The category's newest activity comes from its own index (max() with the category fixed):
      -- walking the forum-wide activity index until a quiet category turns up would cost more
      -- the bigger the forum. The visibility rule still decides whether that thread is shown.
      select t.id, t.title, t.last_activity_at from threads t
      where t.category_id = c.id and ${visible}
        and t.last_activity_at = (select max(x.last_activity_at) from threads x where x.category_id = c.id)
      order by t.id desc
      limit 1
    ) l on true
    where c.archived_at is null and ${categoryVisibleTo(memberId, 'c')}
    order by c.position, c.id
  `
  // Prepared: the home page runs it on every view (the lookback's limit is a literal, see db/prepared.ts).
  return preparedRows(db, 'vr_category_overview', statement.compile(db))
}

export async function slugTaken(db: Db, slug: string, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom('categories').select('id').where('slug', '=', slug)
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}

export async function insertCategory(
  db: Db,
  values: { name: string; slug: string; description: string },
): Promise<number> {
  const row = await db
    .insertInto('categories')
    .values({
      ...values,
      position: sql<number>`coalesce((select max(position) from categories), 0) + 1`,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateCategory(
  db: Db,
  id: number,
  values: { name: string; slug: string; description: string },
): Promise<void> {
  await db.updateTable('categories').set(values).where('id', '=', id).execute()
}

export async function setCategoryArchived(db: Db, id: number, archived: boolean): Promise<void> {
  await db
    .updateTable('categories')
    .set({ archived_at: archived ? sql`now()` : null })
    .where('id', '=', id)
    .execute()
}

/** Rewrites positions 1..n in the given order. */
export async function writePositions(db: Db, orderedIds: readonly number[]): Promise<void> {
  if (orderedIds.length === 0) return
  await sql`
    update categories c set position = o.position
    from unnest(${sql.val(orderedIds)}::int[]) with ordinality as o(id, position)
    where c.id = o.id
  `.execute(db)
}
