import type { CurrentMember } from '../../src/core/members/current-member.ts'
import type { Db } from '../../src/db/database.ts'
import type { OrganisationKind } from '../../src/db/schema.ts'
import { replyToPost, type Stage, startThread } from '../../src/features/discussions/discussions.service.ts'
import { clock } from '../discussions/helpers.ts'
import { createOrganisation } from '../helpers/factories.ts'

// The signed-in set-up is the discussions tests' own.
export { asCurrent, htmx, signedInMember as signedIn } from '../discussions/helpers.ts'

async function categoryId(db: Db, slug: string): Promise<string> {
  const row = await db
    .selectFrom('categories')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow()
  return String(row.id)
}

export async function createThread(
  db: Db,
  author: CurrentMember,
  values: { title?: string; stage?: Stage; tags?: string; confidential?: boolean; body?: string } = {},
): Promise<{ threadId: number; openingPostId: number }> {
  const written = await startThread(db, clock, author, {
    title: values.title ?? 'Eine Idee für die Verwaltung',
    category: await categoryId(db, 'ki'),
    stage: values.stage ?? 'idea',
    tags: values.tags ?? '',
    confidential: values.confidential ? 'on' : '',
    body: values.body ?? 'Der erste Beitrag.',
    formKey: '',
  })
  return { threadId: written.threadId, openingPostId: written.postId }
}

export async function reply(db: Db, author: CurrentMember, threadId: number, body = 'Eine Antwort.') {
  const result = await replyToPost(db, clock, author, threadId, { parent: '', body, formKey: '' })
  return result.postId
}

/**
 * A small piece of the register: Land → Kreis → Verband → Gemeinde (with keys and population),
 * made the way the directory stores it (parent ids, AGS and ARS).
 */
export async function createRegisterChain(
  db: Db,
  values: { land?: string; suffix: string; population?: number; gemeindeName?: string },
) {
  const land = values.land ?? '05'
  const existingLand = await db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('kind', '=', 'land')
    .where('ars', '=', land)
    .executeTakeFirst()
  const landRow =
    existingLand ?? (await place(db, { name: `Land ${land}`, kind: 'land', ars: land, ags: land, land }))
  // Kreis keys ${land}090 … ${land}099 exist in no Land: the register's real Kreise never clash.
  if (!/^9\d$/.test(values.suffix)) throw new Error('suffix: two digits from 90 to 99')
  const kreisKey = `${land}0${values.suffix}`
  const kreis = await place(db, {
    name: `Kreis ${values.suffix}`,
    kind: 'landkreis',
    ars: kreisKey,
    ags: kreisKey,
    land,
    parentId: landRow.id,
    population: 200_000,
  })
  const verband = await place(db, {
    name: `Amt ${values.suffix}`,
    kind: 'gemeindeverband',
    ars: `${kreisKey}0001`,
    ags: null,
    land,
    parentId: kreis.id,
    population: 12_000,
  })
  const gemeinde = await place(db, {
    name: values.gemeindeName ?? `Gemeinde ${values.suffix}`,
    kind: 'gemeinde',
    ars: `${kreisKey}0001001`,
    ags: `${kreisKey}001`,
    land,
    parentId: verband.id,
    population: values.population ?? 4_000,
  })
  return { land: landRow, kreis, verband, gemeinde }
}

async function place(
  db: Db,
  values: {
    name: string
    kind: OrganisationKind
    ars: string | null
    ags: string | null
    land: string
    parentId?: number
    population?: number
  },
) {
  const org = await createOrganisation(db, { name: values.name, kind: values.kind })
  return db
    .updateTable('organisations')
    .set({
      ars: values.ars,
      ags: values.ags,
      land: values.land,
      parent_id: values.parentId ?? null,
      population: values.population ?? null,
    })
    .where('id', '=', org.id)
    .returning(['id', 'name', 'ars', 'ags'])
    .executeTakeFirstOrThrow()
}
