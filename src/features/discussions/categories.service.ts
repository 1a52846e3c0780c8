// Categories (Themenräume): admins create, rename, order and archive them; members browse.

import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import { type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import * as repo from './categories.repository.ts'
import { listThreads } from './discussions.repository.ts'

export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export interface CategoryInput {
  name: string
  slug: string
  description: string
}

/** The domain's checks (slug form and uniqueness) beside the edge's; all errors in one round. */
async function validate(
  db: Db,
  input: CategoryInput,
  edgeErrors: FieldErrors,
  exceptId?: number,
): Promise<CategoryInput> {
  const errors: FieldErrors = { ...edgeErrors }
  const name = input.name.replace(/\s+/g, ' ')
  const slug = input.slug.toLowerCase()
  if (!errors.slug) {
    if (!slugPattern.test(slug)) errors.slug = { key: 'discussions.admin.slugInvalid' }
    else if (await repo.slugTaken(db, slug, exceptId)) errors.slug = { key: 'discussions.admin.slugTaken' }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  return { name, slug, description: input.description }
}

export async function createCategory(
  db: Db,
  input: CategoryInput,
  edgeErrors: FieldErrors = {},
): Promise<number> {
  return db
    .transaction()
    .execute(async (tx) => repo.insertCategory(tx, await validate(tx, input, edgeErrors)))
}

export async function updateCategory(
  db: Db,
  id: number,
  input: CategoryInput,
  edgeErrors: FieldErrors = {},
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (!(await repo.findCategoryById(tx, id, 'all'))) throw new NotFoundError()
    await repo.updateCategory(tx, id, await validate(tx, input, edgeErrors, id))
  })
}

export async function moveCategory(db: Db, id: number, direction: 'up' | 'down'): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const all = await repo.listCategories(tx, { includeArchived: true, visibleTo: 'all' })
    const index = all.findIndex((c) => c.id === id)
    if (index === -1) throw new NotFoundError()
    const other = direction === 'up' ? index - 1 : index + 1
    if (other < 0 || other >= all.length) return
    const ids = all.map((c) => c.id)
    ;[ids[index], ids[other]] = [ids[other]!, ids[index]!]
    await repo.writePositions(tx, ids)
  })
}

export async function archiveCategory(db: Db, id: number, archived: boolean): Promise<void> {
  if (!(await repo.findCategoryById(db, id, 'all'))) throw new NotFoundError()
  await repo.setCategoryArchived(db, id, archived)
}

export async function categoryForEdit(db: Db, id: number) {
  const category = await repo.findCategoryById(db, id, 'all')
  if (!category) throw new NotFoundError()
  return category
}

export async function allCategories(db: Db) {
  return repo.listCategories(db, { includeArchived: true, visibleTo: 'all' })
}

/** A Themenraum the member may see (a closed group's only for its members), or not found. */
export async function findCategory(db: Db, member: CurrentMember, slug: string) {
  const category = slugPattern.test(slug) ? await repo.findCategoryBySlug(db, slug, member.id) : undefined
  if (!category) throw new NotFoundError()
  return category
}

/** The home page: categories with their newest activity, and the most recently active threads. */
export async function homeOverview(db: Db, member: CurrentMember, locale: Locale) {
  // Pinned threads first (moderation's thread tools), then the most recently active others.
  const [categories, pinned, recent] = await Promise.all([
    repo.listCategoryOverview(db, member.id, locale),
    listThreads(db, { memberId: member.id, locale, limit: 5, pinned: true }),
    listThreads(db, { memberId: member.id, locale, limit: 10, pinned: false }),
  ])
  return { categories, recent: [...pinned.slice(0, 5), ...recent.slice(0, 10)] }
}
