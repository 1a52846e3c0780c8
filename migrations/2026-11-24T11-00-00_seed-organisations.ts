// Seeds the organisation directory with real data: the 16 Länder and the 401 Landkreise and
// kreisfreie Städte (Destatis, Stand 31.12.2018, CC BY 4.0, via the npm package
// `landkreise-deutschland` 3.0.0).
//
// The district list is a copy in migrations/seed-data/ rather than a read from node_modules: a
// migration must give the same result forever, and a later version of the package (new
// Kreisreform, renamed fields) must not change what this old migration inserts.
// Idempotent: rows whose official key already exists are left alone. No domains are invented.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'

const dataFile = path.join(import.meta.dirname, 'seed-data', '2026-11-24-kreise-destatis-2018.json')

const laender: [string, string][] = [
  ['01', 'Schleswig-Holstein'],
  ['02', 'Hamburg'],
  ['03', 'Niedersachsen'],
  ['04', 'Bremen'],
  ['05', 'Nordrhein-Westfalen'],
  ['06', 'Hessen'],
  ['07', 'Rheinland-Pfalz'],
  ['08', 'Baden-Württemberg'],
  ['09', 'Bayern'],
  ['10', 'Saarland'],
  ['11', 'Berlin'],
  ['12', 'Brandenburg'],
  ['13', 'Mecklenburg-Vorpommern'],
  ['14', 'Sachsen'],
  ['15', 'Sachsen-Anhalt'],
  ['16', 'Thüringen'],
]

// Destatis calls a Kreis "Kreis", "Landkreis" or (Saarbrücken) "Regionalverband"; the
// kreisfreien Städte are "Kreisfreie Stadt" or, in Baden-Württemberg, "Stadtkreis".
const kindOfType: Record<string, 'landkreis' | 'kreisfreie_stadt'> = {
  Landkreis: 'landkreis',
  Kreis: 'landkreis',
  Regionalverband: 'landkreis',
  'Kreisfreie Stadt': 'kreisfreie_stadt',
  Stadtkreis: 'kreisfreie_stadt',
}

interface District {
  ags: string
  type: string
  name: string
}

export async function up(db: Kysely<any>): Promise<void> {
  const { districts } = JSON.parse(readFileSync(dataFile, 'utf8')) as { districts: District[] }
  const rows = [
    ...laender.map(([key, name]) => ({ kind: 'land', name, official_key: key, land: key })),
    ...districts.map((district) => {
      const kind = kindOfType[district.type]
      if (!kind || !/^\d{5}$/.test(district.ags)) {
        throw new Error(`unexpected district in seed data: ${JSON.stringify(district)}`)
      }
      return { kind, name: district.name, official_key: district.ags, land: district.ags.slice(0, 2) }
    }),
  ]
  await db
    .insertInto('organisations')
    .values(rows)
    .onConflict((conflict) => conflict.column('official_key').doNothing())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  // Only the seeded rows that nobody has touched since and that no member points at.
  const { districts } = JSON.parse(readFileSync(dataFile, 'utf8')) as { districts: District[] }
  const keys = [...laender.map(([key]) => key), ...districts.map((district) => district.ags)]
  await db
    .deleteFrom('organisations')
    .where('official_key', 'in', keys)
    .where('updated_at', '=', sql.ref('created_at'))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('members').select('id').whereRef('members.organisation_id', '=', 'organisations.id'),
        ),
      ),
    )
    .execute()
}
