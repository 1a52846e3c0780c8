// The app's Prometheus metrics (prom-client): one registry per app (tests build many apps in
// one process), plus the process's own figures (CPU, memory, event loop), which exist once per
// process. Labels carry only route patterns, methods, status codes, job task names and mail
// statuses: never a raw URL, a query string, an id or anything about a person.
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { type Db, poolUseOf } from '../../db/database.ts'
import { countJobs, countRecentMail } from './metrics.repository.ts'

let processRegistry: Registry | undefined

/** CPU, memory, handles, event loop delay, GC: collected once per process, whichever app asks first. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export interface AppMetrics {
  /** One answered request: its route pattern ('unmatched' when no route matched). */
  observeRequest(values: { method: string; route: string; status: number; seconds: number }): void
  /** The Prometheus text of everything, the database figures read now. */
  text(): Promise<string>
  readonly contentType: string
}

export function createAppMetrics(db: Db): AppMetrics {
  const registry = new Registry()
  const registers = [registry]

  const requests = new Histogram({
    name: 'vr_http_request_duration_seconds',
    help: 'Time from receiving a request to sending the last byte of its answer, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  })

  const pool = poolUseOf(db)
  if (pool) {
    const waits = new Histogram({
      name: 'vr_db_pool_connection_wait_seconds',
      help: 'Time a query or transaction waited for a connection of the request pool',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 3],
      registers,
    })
    pool.onWait = (seconds) => waits.observe(seconds)
    gauge(
      registers,
      'vr_db_pool_connections',
      'Open connections of the request pool',
      () => pool.pool.totalCount,
    )
    gauge(
      registers,
      'vr_db_pool_connections_idle',
      'Idle connections of the request pool',
      () => pool.pool.idleCount,
    )
    gauge(
      registers,
      'vr_db_pool_connections_max',
      'Most connections the request pool opens',
      () => pool.pool.options.max,
    )
    gauge(
      registers,
      'vr_db_pool_waiting',
      'Queries and transactions waiting for a connection right now',
      () => pool.pool.waitingCount,
    )
    gauge(
      registers,
      'vr_db_transactions_waiting',
      'Transactions waiting for one of the limited transaction slots right now',
      () => pool.transactionsWaiting(),
    )
  }

  const databaseUp = new Gauge({
    name: 'vr_metrics_database_up',
    help: '1 when the job and mail figures could be read at this scrape, 0 when the database did not answer',
    registers,
  })
  const jobs = new Gauge({
    name: 'vr_jobs',
    help: 'Jobs in the queue by task and state (waiting, scheduled, running, retrying, failed = gave up)',
    labelNames: ['task', 'state'] as const,
    registers,
  })
  const mail = new Gauge({
    name: 'vr_mail_messages_24h',
    help: 'Mail queued in the last 24 hours by delivery status (queued, sending, sent, uncertain, dropped)',
    labelNames: ['status'] as const,
    registers,
  })

  async function readDatabaseFigures() {
    try {
      const [jobCounts, mailCounts] = await Promise.all([countJobs(db), countRecentMail(db)])
      jobs.reset()
      for (const row of jobCounts) jobs.set({ task: row.task, state: row.state }, row.jobs)
      mail.reset()
      for (const status of ['queued', 'sending', 'sent', 'uncertain', 'dropped']) mail.set({ status }, 0)
      for (const row of mailCounts) mail.set({ status: row.status }, row.messages)
      databaseUp.set(1)
    } catch {
      databaseUp.set(0)
    }
  }

  return {
    contentType: registry.contentType,
    observeRequest({ method, route, status, seconds }) {
      const label = { method: knownMethods.has(method) ? method : 'other', route, status: String(status) }
      requests.observe(label, seconds)
    },
    async text() {
      await readDatabaseFigures()
      const parts = await Promise.all([registry.metrics(), processMetrics().metrics()])
      return parts.join('\n')
    },
  }
}

function gauge(registers: Registry[], name: string, help: string, read: () => number) {
  return new Gauge({
    name,
    help,
    registers,
    collect() {
      this.set(read())
    },
  })
}
