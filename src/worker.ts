// `npm run worker`: the job runner on its own (mail, digests, notifications), for setups that
// keep web and worker processes apart (then start the web process with RUN_WORKER=false).
import pino from 'pino'
import { loadConfigOrExit } from './config.ts'
import { createDb } from './db/database.ts'
import { migrateToLatest } from './db/migrator.ts'
import { startJobRunner } from './features/mail/job-runner.ts'
import { loggerOptions } from './logger.ts'
import { openDatabase, sessionSecretFor } from './runtime.ts'

async function main() {
  const config = loadConfigOrExit()
  const log = pino(loggerOptions(config.logLevel))
  const database = await openDatabase(config, log)
  const db = createDb({ connectionString: database.url, logger: log })
  await migrateToLatest(db)
  const runner = await startJobRunner({
    config,
    db,
    connectionString: database.url,
    logger: log,
    secret: sessionSecretFor(config),
  })

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'worker shutting down')
    const force = setTimeout(() => {
      log.error('worker shutdown took too long, exiting')
      process.exit(1)
    }, 20_000)
    force.unref()
    try {
      await runner.stop() // lets running jobs finish
      await db.destroy()
      await database.embedded?.stop()
      process.exit(0)
    } catch (error) {
      log.error({ err: error }, 'error during worker shutdown')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((error) => {
  console.error('Worker start failed:', error instanceof Error ? error.message : error)
  process.exit(1)
})
