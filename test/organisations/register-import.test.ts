// The update import: a newer extract (test fixture: the Saarland of the 2020q4 extract, in which
// Nalbach and Saarwellingen merged into the new Gemeinde Nalbach-Saarwellingen and Bous became
// a Stadt) adds, renames and marks merged ones historical; members stay; a second run changes
// nothing. Run through the real command line too.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importRegisterFile } from '../../src/features/organisations/register-import.ts'
import { runCli } from '../foundation/process-helpers.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember } from '../helpers/factories.ts'

const fixture = path.join(import.meta.dirname, 'fixtures', 'gv-saarland-2021q4.csv')
let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

const byKey = (key: string) =>
  database.db
    .selectFrom('organisations')
    .select(['id', 'name', 'official_kind', 'historical_at', 'merged_into_id'])
    .where('official_key', '=', key)
    .executeTakeFirst()

describe('import-gemeindeverzeichnis', () => {
  it('adds the new Gemeinde, renames, marks the merged ones historical and keeps their members', async () => {
    const nalbach = (await byKey('10044113'))!
    const member = await createMember(database.db, { organisationId: nalbach.id, status: 'verified' })
    const counts = await importRegisterFile(database.db, readFileSync(fixture, 'utf8'), {
      stand: '2021-12-31',
    })
    expect(counts).toEqual({
      listed: 58,
      added: 1,
      renamed: 1,
      changed: 0,
      restored: 0,
      historical: 2,
      unchanged: 56,
    })

    const merged = (await byKey('10044130'))!
    expect(merged.name).toBe('Nalbach-Saarwellingen')
    expect((await byKey('10044122'))?.name).toBe('Stadt Bous')
    expect((await byKey('10044122'))?.official_kind).toBe('Stadt')
    for (const key of ['10044113', '10044116']) {
      const gone = (await byKey(key))!
      expect(gone.historical_at, key).not.toBeNull()
      expect(gone.merged_into_id, key).toBe(merged.id)
    }
    const kept = await database.db
      .selectFrom('members')
      .select('organisation_id')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(kept.organisation_id).toBe(nalbach.id)
    // Other Länder are untouched by an extract that does not list them.
    expect((await byKey('05566096'))?.historical_at).toBeNull()
  })

  it('is idempotent: the same extract again changes nothing, also through the command line', async () => {
    const again = await importRegisterFile(database.db, readFileSync(fixture, 'utf8'), {
      stand: '2021-12-31',
    })
    expect(again).toEqual({
      listed: 58,
      added: 0,
      renamed: 0,
      changed: 0,
      restored: 0,
      historical: 0,
      unchanged: 58,
    })
    const { code, stdout, stderr } = await runCli({ DATABASE_URL: database.url }, [
      'import-gemeindeverzeichnis',
      fixture,
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toContain('Gemeindeverzeichnis, Stand 2021-12-31: 58 Organisationen im Auszug.')
    expect(stdout).toMatch(/neu: +0/)
    expect(stdout).toMatch(/unverändert: +58/)
  })
})
