// One Postgres for the whole run (embedded unless TEST_DATABASE_URL is set) and one migrated
// template database; every test file clones its own database from the template.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { installJobQueue } from '../src/core/jobs/job-queue.ts'
import { databaseUrlFor } from '../src/db/database.ts'
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { freePort } from '../src/lib/free-port.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    dbServerUrl: string
    templateDatabase: string
  }
}

export default async function setup(project: TestProject) {
  let serverUrl = process.env.TEST_DATABASE_URL
  let stopEmbedded: (() => Promise<void>) | undefined
  let folder: string | undefined
  if (!serverUrl) {
    const base = path.join(os.tmpdir(), 'vertrauensraum-test')
    mkdirSync(base, { recursive: true, mode: 0o755 })
    folder = mkdtempSync(path.join(base, 'pg-'))
    rmSync(folder, { recursive: true })
    const embedded = await startEmbeddedPostgres({
      directory: path.join(folder, 'data'),
      port: await freePort(),
      ephemeral: true,
    })
    serverUrl = embedded.url
    stopEmbedded = embedded.stop
  }

  const template = `vr_template_${process.pid}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`drop database if exists ${template}`)
  await admin.query(`create database ${template}`)
  const templateUrl = databaseUrlFor(serverUrl, template)
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: templateUrl }) }),
  })
  await migrateToLatest(db)
  await db.destroy()
  await installJobQueue(templateUrl)
  await admin.end()

  project.provide('dbServerUrl', serverUrl)
  project.provide('templateDatabase', template)

  return async () => {
    if (stopEmbedded) {
      await stopEmbedded()
      if (folder) rmSync(folder, { recursive: true, force: true })
      return
    }
    const cleanup = new pg.Client({ connectionString: serverUrl })
    await cleanup.connect()
    const { rows } = await cleanup.query(
      `select datname from pg_database where datname like $1 or datname = $2`,
      [`vr_test_${process.pid}_%`, template],
    )
    for (const row of rows) await cleanup.query(`drop database if exists "${row.datname}" with (force)`)
    await cleanup.end()
  }
}
