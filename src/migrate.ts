// `npm run migrate`: brings the database (DATABASE_URL, or the embedded one) to the latest migration.
import pino from 'pino'
import { loadConfigOrExit } from './config.ts'
import { createDb } from './db/database.ts'
import { migrateToLatest } from './db/migrator.ts'
import { openDatabase } from './runtime.ts'

const config = loadConfigOrExit()
const log = pino({ level: config.logLevel })
const database = await openDatabase(config, log)
const db = createDb({ connectionString: database.url })
try {
  const result = await migrateToLatest(db)
  for (const migration of result.results ?? []) console.log(`${migration.status}: ${migration.migrationName}`)
  console.log('Database is up to date.')
} finally {
  await db.destroy()
  await database.embedded?.stop()
}
