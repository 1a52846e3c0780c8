// Seeds the whole register from the Destatis Gemeindeverzeichnis (quarterly extract, Stand
// 31.12.2020; © Statistisches Bundesamt (Destatis), GV-ISys, dl-de/by-2-0): 16 Länder, the
// Regierungsbezirke that exist, 401 Kreise and kreisfreie Städte, the Gemeindeverbände and
// every inhabited Gemeinde. Supersedes the Kreise/Länder seed of 2026-11-24 (landkreise-deutschland):
// those rows are matched by key and keep their ids, members and domains.
//
// The data is a frozen, derived copy in seed-data/ (see its "note"), never the extract itself,
// so this migration gives the same result forever. Applied by organisation_register_apply()
// (sql/organisations/register.v1.sql) in one set-based pass.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'

const dataFile = path.join(import.meta.dirname, 'seed-data', '2026-12-01-gemeindeverzeichnis-2020q4.tsv')
const numbers = new Set(['population', 'latitude', 'longitude'])

/** '#' lines (one of them "# Stand: YYYY-MM-DD"), a header, then one record per line, tab-separated. */
function readSeed(): { stand: string; records: Record<string, string | number | null>[] } {
  const lines = readFileSync(dataFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
  const stand = /^# Stand: (\d{4}-\d{2}-\d{2})$/m.exec(lines.join('\n'))?.[1]
  const [header, ...rows] = lines.filter((line) => !line.startsWith('#'))
  if (!stand || !header) throw new Error(`${dataFile}: no stand or header`)
  const columns = header.split('\t')
  const records = rows.map((row) => {
    const fields = row.split('\t')
    return Object.fromEntries(
      columns.map((column, i) => {
        const field = fields[i] ?? ''
        return [column, field === '' ? null : numbers.has(column) ? Number(field) : field]
      }),
    )
  })
  return { stand, records }
}

export async function up(db: Kysely<any>): Promise<void> {
  const { stand, records } = readSeed()
  await sql`select * from organisation_register_apply(${JSON.stringify(records)}::json, ${stand})`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  // The register rows nobody uses go; the ones with members, domains, links or children that
  // stay become plain entries again (the 2018 seed's Länder and Kreise among them).
  await sql`update organisations set parent_id = null, merged_into_id = null where register_extract is not null`.execute(
    db,
  )
  await sql`delete from organisations o
    where o.register_extract is not null
      and not exists (select 1 from members m where m.organisation_id = o.id)
      and not exists (select 1 from organisation_domains d where d.organisation_id = o.id)
      and not exists (select 1 from organisation_municipalities l where o.id in (l.organisation_id, l.municipality_id))
      and length(o.official_key) not in (2, 5)`.execute(db)
  await sql`update organisations set official_name = null, official_kind = null, ags = null, ars = null,
    population = null, postcode = null, latitude = null, longitude = null, register_extract = null,
    historical_at = null`.execute(db)
}
