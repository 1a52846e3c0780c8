// The process: read config, start an embedded Postgres when no DATABASE_URL is given,
// migrate, listen, and shut down gracefully on SIGTERM/SIGINT.
import { buildApp } from './app.ts'
import { createDb } from './db/database.ts'
import { type JobRunner, startJobRunner } from './jobs.ts'
import {
  announce,
  closeGracefully,
  failedToStart,
  sessionSecretFor,
  startProcess,
  stopOnSignals,
} from './runtime.ts'

// Set once the signal handlers are in place: a start step cut short by a shutdown is no failure.
let isStopping: () => boolean = () => false

async function main() {
  const { config, log, logStream, database, db } = await startProcess({ kind: 'web' })
  const app = await buildApp({
    config,
    db,
    sessionSecret: sessionSecretFor(config),
    loggerStream: logStream.stream,
  })
  // Mail, digests and notifications; RUN_WORKER=false when `npm run worker` runs them apart.
  // Jobs have a pool of their own (longer timeouts), so they never take the requests' connections.
  const jobsDb = config.runWorker
    ? createDb({ connectionString: database.url, logger: log, max: 6 })
    : undefined
  let jobRunner: JobRunner | undefined

  const stopping = stopOnSignals(log, async () => {
    await closeGracefully(app) // stops accepting, lets in-flight requests finish
    await jobRunner?.stop() // lets running jobs finish
    await jobsDb?.destroy()
    await db.destroy()
    await database.embedded?.stop()
  })
  isStopping = stopping

  // Asked before listening, so that the address and the first-admin hint are printed together.
  const admin = await db
    .selectFrom('members')
    .select('id')
    .where('role', '=', 'admin')
    .limit(1)
    .executeTakeFirst()
  await app.listen({ host: config.host, port: config.port })
  if (jobsDb && !stopping()) {
    jobRunner = await startJobRunner({
      config,
      db: jobsDb,
      connectionString: database.url,
      logger: log,
      secret: sessionSecretFor(config),
    })
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  announce(log, logStream, [`Vertrauensraum läuft auf http://localhost:${port}`])
  if (!admin) {
    announce(log, logStream, [
      'Noch keine Administration angelegt. In einem zweiten Terminal:',
      `  printf '%s' 'ein-langes-Passwort' | npm run cli -- create-admin --email <adresse> --name '<Name>' --organisation <AGS>`,
      'Beispieldaten: npm run cli -- demo-data',
    ])
  }
}

main().catch((error) => {
  if (!isStopping()) failedToStart('Start', error)
})
