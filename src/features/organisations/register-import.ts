// `npm run cli -- import-gemeindeverzeichnis FILE`: a newer Destatis extract of the same layout
// applied to the running directory — new municipalities added, renames and other changes
// written, merged or dissolved ones marked historical (never deleted: their members stay and
// appear in the moderators' list to move). The same database function applies the seed, so
// the import and the migration can never disagree. Idempotent.
import { basename } from 'node:path'
import { sql } from 'kysely'
import { type Db, setLocalTimeouts } from '../../db/database.ts'
import { type RegisterRecord, readRegister } from './register-file.ts'

export interface RegisterImportCounts {
  /** Organisations in the extract (Länder … Gemeinden). */
  listed: number
  added: number
  renamed: number
  /** Other changes: kind, keys, population, postcode, coordinates, parents (renames not counted). */
  changed: number
  /** Historical before, listed again. */
  restored: number
  /** No longer listed: marked historical now. */
  historical: number
  unchanged: number
}

/**
 * The Stand of an extract from its file name: "…2020q4…" is 31.12.2020, "…2021-06-30…" that
 * date. Null when the name says neither.
 */
export function standFromFileName(file: string): string | null {
  const name = basename(file)
  const quarter = /(\d{4})[-_]?q([1-4])/i.exec(name)
  if (quarter) {
    const ends = ['03-31', '06-30', '09-30', '12-31']
    return `${quarter[1]}-${ends[Number(quarter[2]) - 1]}`
  }
  return /(\d{4}-\d{2}-\d{2})/.exec(name)?.[1] ?? null
}

/** Applies the records in one transaction; every change is written once, nothing twice. */
export async function applyRegister(
  db: Db,
  records: RegisterRecord[],
  stand: string,
): Promise<RegisterImportCounts> {
  return db.transaction().execute(async (trx) => {
    await setLocalTimeouts(trx, { statementMs: 600_000, lockMs: 60_000 })
    const { rows } = await sql<RegisterImportCounts>`
      select * from organisation_register_apply(${JSON.stringify(records)}::json, ${stand})`.execute(trx)
    return rows[0]!
  })
}

export async function importRegisterFile(
  db: Db,
  text: string,
  options: { stand: string },
): Promise<RegisterImportCounts> {
  return applyRegister(db, readRegister(text), options.stand)
}

export function describeCounts(counts: RegisterImportCounts, stand: string): string {
  return [
    `Gemeindeverzeichnis, Stand ${stand}: ${counts.listed} Organisationen im Auszug.`,
    `  neu:             ${counts.added}`,
    `  umbenannt:       ${counts.renamed}`,
    `  sonst geändert:  ${counts.changed}`,
    `  wieder gelistet: ${counts.restored}`,
    `  historisch:      ${counts.historical}`,
    `  unverändert:     ${counts.unchanged}`,
  ].join('\n')
}
