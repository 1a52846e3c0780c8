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

/** The register's rows: the guests' one organisation (features/guests, no key) is not part of it. */
const registerRows = () => database.db.selectFrom('organisations').where('official_key', 'is not', null)

const countByKind = () =>
  registerRows()
    .select(['kind', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('kind')
    .orderBy('kind')
    .execute()

describe('the seeded organisation directory (Destatis Gemeindeverzeichnis, Stand 31.12.2020)', () => {
  it('holds 16 Länder, 19 Regierungsbezirke, 401 Kreise, the Verbände and every inhabited Gemeinde', async () => {
    expect(await countByKind()).toEqual([
      { kind: 'gemeinde', count: 10_689 },
      { kind: 'gemeindeverband', count: 1_171 },
      { kind: 'kreisfreie_stadt', count: 107 },
      { kind: 'land', count: 16 },
      { kind: 'landkreis', count: 294 },
      { kind: 'regierungsbezirk', count: 19 },
    ])
    // 11,004 Gemeinde records less 208 uninhabited gemeindefreie Gebiete; a kreisfreie Stadt is
    // one organisation with its Gemeinde.
    expect(10_689 + 107).toBe(11_004 - 208)
  })

  it('gives every row a valid key for its kind and the Land of its first two digits', async () => {
    const rows = await registerRows().selectAll().execute()
    for (const row of rows) {
      expect(checkOfficialKey(row.kind, row.official_key ?? ''), `${row.name} ${row.official_key}`).toBeNull()
      expect(row.land).toBe(row.official_key?.slice(0, 2))
      expect(row.auto_approve).toBe(false)
      expect(row.historical_at).toBeNull()
    }
    const laender = rows.filter((row) => row.kind === 'land')
    expect(Object.fromEntries(laender.map((row) => [row.official_key, row.name]))).toEqual(landNames)
    const population = laender.reduce((sum, row) => sum + (row.population ?? 0), 0)
    expect(population).toBe(83_166_711)
  })

  it.each([
    [
      '09162',
      'Landeshauptstadt München',
      'München, Landeshauptstadt',
      'kreisfreie_stadt',
      'kreisfreie Stadt',
    ],
    ['09184', 'Landkreis München', 'München', 'landkreis', 'Landkreis'],
    ['05315', 'Stadt Köln', 'Köln, Stadt', 'kreisfreie_stadt', 'kreisfreie Stadt'],
    ['08111', 'Landeshauptstadt Stuttgart', 'Stuttgart, Landeshauptstadt', 'kreisfreie_stadt', 'Stadtkreis'],
    ['05334', 'Städteregion Aachen', 'Städteregion Aachen', 'landkreis', 'Kreis'],
    ['10041', 'Regionalverband Saarbrücken', 'Regionalverband Saarbrücken', 'landkreis', 'Regionalverband'],
    ['05566', 'Kreis Steinfurt', 'Steinfurt', 'landkreis', 'Kreis'],
    ['05566096', 'Wettringen', 'Wettringen', 'gemeinde', 'Gemeinde'],
    ['05754008', 'Stadt Gütersloh', 'Gütersloh, Stadt', 'gemeinde', 'Stadt'],
    ['09171133', 'Markt Tüßling', 'Tüßling, M', 'gemeinde', 'Markt'],
    ['010515163', 'Amt Burg-St. Michaelisdonn', 'Burg-St. Michaelisdonn', 'gemeindeverband', 'Amt'],
    [
      '03351501',
      'Gemeindefreier Bezirk Lohheide',
      'Lohheide, gemfr. Bezirk',
      'gemeinde',
      'gemeindefreies Gebiet',
    ],
    ['16', 'Thüringen', 'Thüringen', 'land', 'Land'],
  ])('has %s %s', async (key, name, officialName, kind, officialKind) => {
    const row = await database.db
      .selectFrom('organisations')
      .select(['name', 'official_name', 'kind', 'official_kind'])
      .where('official_key', '=', key)
      .executeTakeFirst()
    expect(row).toEqual({ name, official_name: officialName, kind, official_kind: officialKind })
  })

  it('links each level to the one above, without Verbände for verbandsfreie Gemeinden', async () => {
    const parentKey = async (key: string) =>
      (
        await database.db
          .selectFrom('organisations as o')
          .leftJoin('organisations as p', 'p.id', 'o.parent_id')
          .select('p.official_key')
          .where('o.official_key', '=', key)
          .executeTakeFirstOrThrow()
      ).official_key
    expect(await parentKey('05566096')).toBe('05566') // verbandsfrei: straight to the Kreis
    expect(await parentKey('05566')).toBe('055') // Kreis → Regierungsbezirk Münster
    expect(await parentKey('055')).toBe('05')
    expect(await parentKey('01051003')).toBe('010515163') // Averlak → Amt
    expect(await parentKey('010515163')).toBe('01051')
    expect(await parentKey('03151')).toBe('03') // no Regierungsbezirke in Niedersachsen today
    expect(await parentKey('16063051')).toBe('16063003') // Leimbach → erfüllende Gemeinde Bad Salzungen
    const sachsenwald = await database.db
      .selectFrom('organisations')
      .select('id')
      .where('official_key', '=', '01053105')
      .executeTakeFirst()
    expect(sachsenwald).toBeUndefined() // uninhabited gemeindefreies Gebiet
  })

  it('invents no e-mail domains', async () => {
    const domains = await database.db.selectFrom('organisation_domains').selectAll().execute()
    expect(domains).toEqual([])
  })

  it('is not disturbed by the superseded 2018 seed running again, and leaves edited rows alone', async () => {
    const before = (await countByKind()).reduce((sum, row) => sum + row.count, 0)
    await database.db
      .updateTable('organisations')
      .set({ name: 'Köln' })
      .where('official_key', '=', '05315')
      .execute()
    await up(database.db as unknown as Parameters<typeof up>[0])
    expect((await countByKind()).reduce((sum, row) => sum + row.count, 0)).toBe(before)
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
