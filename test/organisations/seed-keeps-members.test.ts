// The register seed on a database that already has organisations: a database migrated up to
// just before it (the 2018 Länder/Kreise seed, moderators' entries), then to the latest.
// Existing organisations are matched by key and keep their ids, members and domains; a
// Gemeinde a moderator had entered by hand with its AGS becomes that register Gemeinde.
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { databaseUrlFor } from '../../src/db/database.ts'
import { migrationsFolder } from '../../src/db/migrator.ts'
import type { Database } from '../../src/db/schema.ts'
import { createMember } from '../helpers/factories.ts'

const name = `vr_seed_keeps_${randomBytes(5).toString('hex')}`
let db: Kysely<Database>

async function onServer(statement: string) {
  const client = new pg.Client({ connectionString: inject('dbServerUrl') })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

const migrator = () =>
  new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder }),
    allowUnorderedMigrations: true,
  })

beforeAll(async () => {
  await onServer(`create database ${name}`)
  db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: databaseUrlFor(inject('dbServerUrl'), name), max: 2 }),
    }),
  })
  const before = await migrator().migrateTo('2026-12-01T18-10-00_organisation-register-functions')
  if (before.error) throw before.error
}, 300_000)
afterAll(async () => {
  await db?.destroy()
  await onServer(`drop database if exists ${name} with (force)`)
})

const organisation = (id: number) =>
  db
    .selectFrom('organisations')
    .select([
      'id',
      'name',
      'kind',
      'official_key',
      'ags',
      'ars',
      'parent_id',
      'official_kind',
      'register_extract',
    ])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

it('keeps ids, members and domains of the organisations it finds by key', async () => {
  const kreis = await db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('official_key', '=', '05566')
    .executeTakeFirstOrThrow()
  const byHand = await db
    .insertInto('organisations')
    .values({
      name: 'Gemeinde Wettringen (von Hand)',
      kind: 'gemeinde',
      official_key: '05566096',
      land: '05',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('organisation_domains')
    .values({ domain: 'wettringen.de', organisation_id: byHand.id })
    .execute()
  const atKreis = await createMember(db, { organisationId: kreis.id })
  const atGemeinde = await createMember(db, { organisationId: byHand.id })

  const result = await migrator().migrateToLatest()
  expect(result.error).toBeUndefined()

  const kreisAfter = await organisation(kreis.id)
  expect(kreisAfter).toMatchObject({
    kind: 'landkreis',
    ags: '05566',
    ars: '05566',
    register_extract: '2020-12-31',
  })
  const gemeinde = await organisation(byHand.id)
  expect(gemeinde).toMatchObject({
    kind: 'gemeinde',
    ags: '05566096',
    ars: '055660096096',
    official_kind: 'Gemeinde',
    register_extract: '2020-12-31',
  })
  expect(gemeinde.parent_id).not.toBeNull()
  // No second Wettringen beside the one entered by hand.
  const namesakes = await db.selectFrom('organisations').select('id').where('ags', '=', '05566096').execute()
  expect(namesakes.map((row) => row.id)).toEqual([byHand.id])

  const members = await db
    .selectFrom('members')
    .select(['id', 'organisation_id'])
    .where('id', 'in', [atKreis.id, atGemeinde.id])
    .orderBy('id')
    .execute()
  expect(members).toEqual([
    { id: atKreis.id, organisation_id: kreis.id },
    { id: atGemeinde.id, organisation_id: byHand.id },
  ])
  const domains = await db
    .selectFrom('organisation_domains')
    .select('organisation_id')
    .where('domain', '=', 'wettringen.de')
    .execute()
  expect(domains).toEqual([{ organisation_id: byHand.id }])
}, 300_000)
