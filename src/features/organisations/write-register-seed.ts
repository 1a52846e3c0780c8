// Writes the frozen seed of a register migration from a Destatis extract (run once, by hand):
//   node src/features/organisations/write-register-seed.ts FILE.csv OUT.tsv STAND
// The migration reads only OUT.tsv (committed), never the extract: a migration gives the same
// result forever. Running instances take a newer extract with `npm run cli -- import-gemeindeverzeichnis`.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { type RegisterRecord, readRegister } from './register-file.ts'

export const seedColumns = [
  'key',
  'kind',
  'officialKind',
  'name',
  'officialName',
  'ags',
  'ars',
  'parentKey',
  'land',
  'population',
  'postcode',
  'latitude',
  'longitude',
] as const satisfies readonly (keyof RegisterRecord)[]

/**
 * The seed as text: '#' lines for source, licence and stand, then a header and one record per
 * line, fields separated by tabs, empty for none (names never contain tabs or line breaks).
 */
export function registerSeed(records: RegisterRecord[], source: { file: string; stand: string }): string {
  const lines = [
    `# Source: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys, quarterly extract ${source.file}`,
    '# Licence: Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0), https://www.govdata.de/dl-de/by-2-0',
    '# Attribution: © Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys',
    `# Stand: ${source.stand}`,
    '# Derived by src/features/organisations/write-register-seed.ts (readRegister): one line per organisation of',
    '# the register; population of the levels above the Gemeinden is the sum of their Gemeinden;',
    '# uninhabited gemeindefreie Gebiete left out.',
    seedColumns.join('\t'),
  ]
  for (const record of records) {
    const fields = seedColumns.map((column) => String(record[column] ?? ''))
    if (fields.some((field) => /[\t\r\n]/.test(field))) throw new Error(`tab or line break in ${record.key}`)
    lines.push(fields.join('\t'))
  }
  return `${lines.join('\n')}\n`
}

if (import.meta.main) {
  const [file, out, stand] = process.argv.slice(2)
  if (!file || !out || !/^\d{4}-\d{2}-\d{2}$/.test(stand ?? '')) {
    console.error('usage: node src/features/organisations/write-register-seed.ts FILE.csv OUT.tsv YYYY-MM-DD')
    process.exit(2)
  }
  const records = readRegister(readFileSync(file, 'utf8'))
  writeFileSync(out, registerSeed(records, { file: path.basename(file), stand: stand! }))
  console.log(`${records.length} organisations written to ${out}`)
}
