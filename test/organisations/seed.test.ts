import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { up } from '../../migrations/2026-11-24T11-00-00_seed-organisations.ts'
import { landNames } from '../../src/features/organisations/lands.ts'
import { checkOfficialKey } from '../../src/features/organisations/organisations.validation.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

const countByKind = () =>
  database.db
    .selectFrom('organisations')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('kind')
    .orderBy('kind')
    .execute()

describe('the seeded organisation directory', () => {
  it('holds the 16 Länder and the 401 Kreise (294 Landkreise, 107 kreisfreie Städte)', async () => {
    expect(await countByKind()).toEqual([
      { kind: 'kreisfreie_stadt', count: 107 },
      { kind: 'land', count: 16 },
      { kind: 'landkreis', count: 294 },
    ])
  })

  it('gives every row a valid key for its kind and the Land of its first two digits', async () => {
    const rows = await database.db.selectFrom('organisations').selectAll().execute()
    for (const row of rows) {
      expect(checkOfficialKey(row.kind, row.official_key ?? ''), `${row.name} ${row.official_key}`).toBeNull()
      expect(row.land).toBe(row.official_key?.slice(0, 2))
      expect(row.auto_approve).toBe(false)
    }
    const laender = rows.filter((row) => row.kind === 'land')
    expect(Object.fromEntries(laender.map((row) => [row.official_key, row.name]))).toEqual(landNames)
  })

  it.each([
    ['09162', 'München, Landeshauptstadt', 'kreisfreie_stadt', '09'],
    ['09184', 'München', 'landkreis', '09'],
    ['05315', 'Köln, Stadt', 'kreisfreie_stadt', '05'],
    ['08111', 'Stuttgart', 'kreisfreie_stadt', '08'],
    ['05334', 'Städteregion Aachen', 'landkreis', '05'],
    ['10041', 'Regionalverband Saarbrücken', 'landkreis', '10'],
    ['11000', 'Berlin, Stadt', 'kreisfreie_stadt', '11'],
    ['16', 'Thüringen', 'land', '16'],
  ])('has %s %s', async (key, name, kind, land) => {
    const row = await database.db
      .selectFrom('organisations')
      .select(['name', 'kind', 'land'])
      .where('official_key', '=', key)
      .executeTakeFirst()
    expect(row).toEqual({ name, kind, land })
  })

  it('invents no e-mail domains', async () => {
    const domains = await database.db.selectFrom('organisation_domains').selectAll().execute()
    expect(domains).toEqual([])
  })

  it('is idempotent and leaves edited rows alone', async () => {
    await database.db
      .updateTable('organisations')
      .set({ name: 'Köln' })
      .where('official_key', '=', '05315')
      .execute()
    await up(database.db as unknown as Parameters<typeof up>[0])
    expect((await countByKind()).reduce((sum, row) => sum + row.count, 0)).toBe(417)
    const cologne = await database.db
      .selectFrom('organisations')
      .select('name')
      .where('official_key', '=', '05315')
      .executeTakeFirstOrThrow()
    expect(cologne.name).toBe('Köln')
  })

  // The copy is frozen on purpose; this only documents where it came from while that version is installed.
  const packageVersion = (
    JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, '../../node_modules/landkreise-deutschland/package.json'),
        'utf8',
      ),
    ) as { version: string }
  ).version
  it.skipIf(packageVersion !== '3.0.0')('is a faithful copy of the package data it was taken from', () => {
    const frozen = JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, '../../migrations/seed-data/2026-11-24-kreise-destatis-2018.json'),
        'utf8',
      ),
    ) as { districts: { ags: string; type: string; name: string }[] }
    const source = JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, '../../node_modules/landkreise-deutschland/data/districts.json'),
        'utf8',
      ),
    ) as { AGS: string | number; type: string; name: string }[]
    expect(frozen.districts).toEqual(
      source.map((district) => ({
        ags: String(district.AGS).padStart(5, '0'),
        type: district.type,
        name: district.name,
      })),
    )
  })
})
