// `npm run worker`: the job runner on its own (mail, digests, notifications), for setups that
// keep web and worker processes apart (then start the web process with RUN_WORKER=false).
import { startJobRunner } from './jobs.ts'
import { failedToStart, sessionSecretFor, startProcess, stopOnSignals } from './runtime.ts'

async function main() {
  const { config, log, database, db } = await startProcess()
  const runner = await startJobRunner({
    config,
    db,
    connectionString: database.url,
    logger: log,
    secret: sessionSecretFor(config),
  })
  stopOnSignals(log, async () => {
    await runner.stop() // lets running jobs finish
    await db.destroy()
    await database.embedded?.stop()
  })
}

main().catch((error) => failedToStart('Worker start', error))
