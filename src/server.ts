// The process: read config, start an embedded Postgres when no DATABASE_URL is given,
// migrate, listen, and shut down gracefully on SIGTERM/SIGINT.
import pino from 'pino'
import { buildApp } from './app.ts'
import { loadConfigOrExit } from './config.ts'
import { createDb } from './db/database.ts'
import { leaveShutdownSignalsToCaller } from './db/embedded-postgres.ts'
import { migrateToLatest } from './db/migrator.ts'
import { type JobRunner, startJobRunner } from './features/mail/job-runner.ts'
import { loggerOptions } from './logger.ts'
import { closeGracefully, openDatabase, sessionSecretFor } from './runtime.ts'

async function main() {
  const config = loadConfigOrExit()
  const log = pino(loggerOptions(config.logLevel))
  const database = await openDatabase(config, log)
  const db = createDb({ connectionString: database.url, logger: log })
  await migrateToLatest(db)
  const app = await buildApp({ config, db, sessionSecret: sessionSecretFor(config) })
  // Mail, digests and notifications; RUN_WORKER=false when `npm run worker` runs them apart.
  let jobRunner: JobRunner | undefined

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      log.error('shutdown took too long, exiting')
      process.exit(1)
    }, 20_000)
    force.unref()
    try {
      await closeGracefully(app) // stops accepting, lets in-flight requests finish
      await jobRunner?.stop() // lets running jobs finish
      await db.destroy()
      await database.embedded?.stop()
      log.info('stopped')
      process.exit(0)
    } catch (error) {
      log.error({ err: error }, 'error during shutdown')
      process.exit(1)
    }
  }
  // From here on this handler stops the embedded Postgres, after the last request has finished.
  leaveShutdownSignalsToCaller()
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))

  await app.listen({ host: config.host, port: config.port })
  if (config.runWorker && !stopping) {
    jobRunner = await startJobRunner({
      config,
      db,
      connectionString: database.url,
      logger: log,
      secret: sessionSecretFor(config),
    })
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  log.info(`Vertrauensraum läuft auf http://localhost:${port}`)
  console.log(`\n  Vertrauensraum läuft auf http://localhost:${port}\n`)
  const admin = await db
    .selectFrom('members')
    .select('id')
    .where('role', '=', 'admin')
    .limit(1)
    .executeTakeFirst()
  if (!admin) {
    console.log(
      '  Noch keine Administration angelegt. In einem zweiten Terminal:\n' +
        "    printf '%s' 'ein-langes-Passwort' | npm run cli -- create-admin --email <adresse> --name '<Name>' --organisation <AGS>\n" +
        '    npm run cli -- demo-data   (Beispieldaten)\n',
    )
  }
}

main().catch((error) => {
  console.error('Start failed:', error instanceof Error ? error.message : error)
  process.exit(1)
})
