import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { createDb, type Db, databaseUrlFor } from '../../src/db/database.ts'

export interface TestDatabase {
  db: Db
  url: string
  name: string
  drop(): Promise<void>
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('dbServerUrl') })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A fresh, migrated database of this test file's own, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabase')
  // Named after the run (its template), so that a run cleans up only its own databases.
  const name = `${template.replace('vr_template_', 'vr_test_')}_${randomBytes(6).toString('hex')}`
  await admin((client) => client.query(`create database ${name} template ${template}`))
  const url = databaseUrlFor(inject('dbServerUrl'), name)
  // The server's request pool: its timeouts and its share of connections for transactions.
  const db = createDb({ connectionString: url, max: 5, kind: 'web' })
  return {
    db,
    url,
    name,
    drop: async () => {
      await db.destroy()
      await admin((client) => client.query(`drop database if exists ${name} with (force)`))
    },
  }
}
