// `npm run migrate`: brings the database (DATABASE_URL, or the embedded one) to the latest migration.
// Beside a running `npm start` it uses that server's embedded PostgreSQL.
import pino from 'pino'
import { loadConfigOrExit } from './config.ts'
import { type DatabaseHandle, errorLine, migrate, openDatabase } from './runtime.ts'

const config = loadConfigOrExit()
const log = pino({ level: config.logLevel })
let database: DatabaseHandle | undefined
try {
  database = await openDatabase(config, log, { shareRunning: true })
  const result = await migrate(database.url)
  for (const migration of result.results ?? []) console.log(`${migration.status}: ${migration.migrationName}`)
  console.log('Database is up to date.')
} catch (error) {
  console.error(`Migration failed: ${errorLine(error)}`)
  process.exitCode = 1
} finally {
  await database?.embedded?.stop().catch(() => {})
}
process.exit(process.exitCode ?? 0)
