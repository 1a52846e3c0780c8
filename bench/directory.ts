// `npm run bench:directory`: the organisation search (registration picker) over the whole
// directory, through the real server, at 10 connections.
//
// A scratch database (bench/seed.ts: an embedded PostgreSQL in a temp folder, or a scratch
// database on BENCH_DATABASE_URL) is migrated, which seeds the full Destatis register
// (~12,400 organisations), and gets official domains on 2,000 of them. The real server
// (bench/helpers.ts) answers GET /organisations/search as the picker asks while one types
// (htmx fragment): prefixes of names as typed keystroke by keystroke, umlauts, namesakes with
// their Kreis, AGS, postcodes and an e-mail domain. Each request comes from another client
// address (X-Forwarded-For, TRUST_PROXY=127.0.0.1), so the public route's rate limit (60 a
// minute per address) does not cut the load short; its bookkeeping is part of what is measured.
//
// Measured: p50/p95 latency and requests per second of the mixed load (BENCH_DURATION seconds,
// default 15); CPU time per request of the server and of the whole database cluster
// (sequential requests, from /proc; embedded cluster only); and, per query, the database's
// own time for the statements of each search (EXPLAIN ANALYZE of exactly the statements the
// app sends: planning + execution, median of 15), and the cluster CPU per search without the
// server (the statements alone, no rate limit). Targets (issue 11): p95 < 20 ms, database time
// per search < 2 ms.
// Results: stdout and bench/results/directory.{json,md}.
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { createDb, type Db } from '../src/db/database.ts'
import type { Database } from '../src/db/schema.ts'
import { searchOrganisations } from '../src/features/organisations/directory-search.ts'
import { freePort } from '../src/lib/free-port.ts'
import { cpuPerRequest, startServer, stopProcesses } from './helpers.ts'
import { scratchDatabase } from './seed.ts'

const root = path.resolve(import.meta.dirname, '..')
const duration = Number(process.env.BENCH_DURATION ?? 15)
const connections = 10
/** What the picker receives beyond the shown results (one more: "more than 20"). */
const pickerLimit = 21

/** Typed the way people type: keystroke by keystroke, then the other ways in. */
const queries: string[] = [
  'we',
  'wet',
  'wett',
  'wettr',
  'wettringen',
  'gö',
  'gött',
  'göttingen',
  'koeln',
  'köln',
  'muen',
  'münchen',
  'neustadt',
  'neustadt hol',
  'neustadt an der',
  'bad',
  'bad sal',
  'sankt',
  'frankfurt am',
  'halle saale',
  'amt süd',
  'verbandsgemeinde',
  'kreis stein',
  'landkreis',
  '05566',
  '05566096',
  '48493',
  '8',
  '01',
]

function rounded(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

const loadAverage = () => os.loadavg().map((n) => rounded(n, 1))

/**
 * Official domains for 2,000 organisations, so that the domain search has something to find;
 * adds a domain being typed, a whole address and an address on a subdomain to the queries.
 */
async function addDomains(db: Db): Promise<void> {
  await sql`
    insert into organisation_domains (domain, organisation_id)
    select case when o.kind = 'gemeinde' then 'gemeinde' else 'stadt' end || '-domain-' || row_number() over (order by o.id) || '.de', o.id
    from (select id, kind from organisations where historical_at is null order by id limit 2000) o
    on conflict do nothing`.execute(db)
  const { rows } = await sql<{ domain: string }>`
    select domain::text as domain from organisation_domains order by domain limit 1 offset 700`.execute(db)
  const domain = rows[0]!.domain
  queries.push(domain.slice(0, -1), `erika@${domain}`, `erika.muster@rathaus.${domain}`)
}

const searchPath = (query: string) => `/organisations/search?q=${encodeURIComponent(query)}`
let clientNumber = 0
/** Another client address for every request (the rate limit counts per address). */
function nextClientAddress(): string {
  clientNumber++
  return `10.${(clientNumber >> 16) & 255}.${(clientNumber >> 8) & 255}.${clientNumber & 255}`
}

interface LoadResult {
  requests: number
  perSecond: number
  p50: number
  p95: number
  p99: number
  non2xx: number
  errors: number
  /** Each query's latencies within the mixed load (which of them make the tail). */
  perQuery: { query: string; p50: number; p95: number; requests: number }[]
}

/** The mixed load: every connection cycles through the queries, as many pickers at once. */
async function mixedLoad(base: string): Promise<LoadResult> {
  const times: number[] = []
  const instance = autocannon({
    url: base,
    connections,
    duration,
    headers: { 'hx-request': 'true' },
    requests: queries.map((query) => ({
      method: 'GET',
      path: searchPath(query),
      setupRequest: (request: { headers: Record<string, string> }) => {
        request.headers = { ...request.headers, 'x-forwarded-for': nextClientAddress() }
        return request
      },
    })),
  } as Parameters<typeof autocannon>[0]) as unknown as ReturnType<typeof autocannon> & {
    on(
      event: 'response',
      listener: (client: unknown, status: number, bytes: number, ms: number) => void,
    ): void
  }
  const byPath = new Map<string, number[]>()
  instance.on('response', (client, _status, _bytes, ms) => {
    times.push(ms)
    const path = (client as { requestIterator?: { currentRequest?: { path?: string } } }).requestIterator
      ?.currentRequest?.path
    if (path) byPath.set(path, [...(byPath.get(path) ?? []), ms])
  })
  const result = await instance
  times.sort((a, b) => a - b)
  const perQuery = queries.map((query) => {
    const list = (byPath.get(searchPath(query)) ?? []).sort((a, b) => a - b)
    return {
      query,
      p50: rounded(percentile(list, 50)),
      p95: rounded(percentile(list, 95)),
      requests: list.length,
    }
  })
  return {
    requests: result.requests.total,
    perSecond: rounded(result.requests.average, 0),
    p50: rounded(percentile(times, 50)),
    p95: rounded(percentile(times, 95)),
    p99: rounded(percentile(times, 99)),
    non2xx: result.non2xx,
    errors: result.errors,
    perQuery,
  }
}

/** The statements searchOrganisations sends for a query (the domain lookup, the search), as the app compiles them. */
async function compiledSearch(url: string, query: string): Promise<CompiledQuery[]> {
  const captured: CompiledQuery[] = []
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  const db: Db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query)
    },
  })
  try {
    await searchOrganisations(db, query, { limit: pickerLimit })
  } finally {
    await db.destroy()
  }
  return captured
}

/** The database's own time for that statement: median execution (and planning) time of 15 runs. */
async function statementTime(client: pg.Client, compiled: CompiledQuery) {
  const execution: number[] = []
  const planning: number[] = []
  for (let i = 0; i < 17; i++) {
    const { rows } = await client.query(`explain (analyze, format json) ${compiled.sql}`, [
      ...compiled.parameters,
    ])
    const plan = rows[0]['QUERY PLAN'][0]
    if (i < 2) continue // warm-up
    execution.push(plan['Execution Time'])
    planning.push(plan['Planning Time'])
  }
  execution.sort((a, b) => a - b)
  planning.sort((a, b) => a - b)
  return {
    executionMs: rounded(percentile(execution, 50), 3),
    planningMs: rounded(percentile(planning, 50), 3),
  }
}

async function perQueryTimes(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const rows: {
      query: string
      statements: number
      executionMs: number
      planningMs: number
      totalMs: number
      hits: number
    }[] = []
    for (const query of queries) {
      const statements = await compiledSearch(url, query)
      let executionMs = 0
      let planningMs = 0
      let hits = 0
      for (const compiled of statements) {
        hits = (await client.query(compiled.sql, [...compiled.parameters])).rowCount ?? 0
        const time = await statementTime(client, compiled)
        executionMs += time.executionMs
        planningMs += time.planningMs
      }
      rows.push({
        query,
        statements: statements.length,
        executionMs: rounded(executionMs, 3),
        planningMs: rounded(planningMs, 3),
        totalMs: rounded(executionMs + planningMs, 3),
        hits,
      })
    }
    return rows
  } finally {
    await client.end()
  }
}

function markdown(report: Report): string {
  const lines = [
    '# Directory search benchmark',
    '',
    `Run ${report.at}: ${report.organisations} organisations, ${connections} connections, ${duration} s;`,
    `load average before ${report.loadBefore.join(' ')}, after ${report.loadAfter.join(' ')} (${os.cpus().length} cores).`,
    '',
    '| measure | value | target |',
    '| --- | --- | --- |',
    `| p50 latency | ${report.load.p50} ms | |`,
    `| p95 latency | ${report.load.p95} ms | < 20 ms |`,
    `| p99 latency | ${report.load.p99} ms | |`,
    `| requests per second | ${report.load.perSecond} | |`,
    `| server CPU per request | ${report.cpu.server ?? 'n/a'} ms | |`,
    `| database cluster CPU per request through the server (search and rate limit) | ${report.cpu.database ?? 'n/a'} ms | |`,
    `| database cluster CPU per search, its statements alone (no server, no rate limit) | ${report.directDatabaseCpu ?? 'n/a'} ms | < 2 ms |`,
    `| database time per search, planning + execution (median of the queries) | ${report.statementMedianMs} ms | < 2 ms |`,
    `| database time per search, slowest query | ${report.statementMaxMs} ms | |`,
    '',
    '| query | statements | execution ms | planning ms | rows | in the mixed load: p50 / p95 ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.queries.map((row) => {
      const load = report.load.perQuery.find((q) => q.query === row.query)
      return `| \`${row.query}\` | ${row.statements} | ${row.executionMs} | ${row.planningMs} | ${row.hits} | ${load ? `${load.p50} / ${load.p95}` : '–'} |`
    }),
    '',
  ]
  return lines.join('\n')
}

interface Report {
  at: string
  organisations: number
  loadBefore: number[]
  loadAfter: number[]
  load: LoadResult
  cpu: { server: number | null; database: number | null }
  directDatabaseCpu: number | null
  statementMedianMs: number
  statementMaxMs: number
  queries: Awaited<ReturnType<typeof perQueryTimes>>
}

async function main(): Promise<void> {
  const loadBefore = loadAverage()
  console.log(`Setting up a scratch database (load average ${loadBefore.join(' ')}) …`)
  const scratch = await scratchDatabase()
  try {
    // A pool like the server's (createDb), so the direct searches run prepared as the server's do.
    const db: Db = createDb({ connectionString: scratch.url, max: 2 })
    const { migrateToLatest } = await import('../src/db/migrator.ts')
    await migrateToLatest(db)
    await addDomains(db)
    await sql`analyze organisations`.execute(db)
    await sql`analyze organisation_domains`.execute(db)
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from organisations`.execute(db)
    const organisations = rows[0]!.n
    let next = 0
    const searchDirectly = () =>
      searchOrganisations(db, queries[next++ % queries.length]!, { limit: pickerLimit })
    for (let i = 0; i < 100; i++) await searchDirectly()
    const direct = await cpuPerRequest(process.pid, scratch.dataDirectory, searchDirectly, 310)
    await db.destroy()
    console.log(`${organisations} organisations. Per query, the database's time for the search statement …`)
    const perQuery = await perQueryTimes(scratch.url)

    process.env.TRUST_PROXY = '127.0.0.1'
    const port = await freePort()
    const server = await startServer(scratch.url, port)
    const base = `http://127.0.0.1:${port}`
    const send = async () => {
      const query = queries[clientNumber % queries.length]!
      const response = await fetch(base + searchPath(query), {
        headers: { 'hx-request': 'true', 'x-forwarded-for': nextClientAddress() },
      })
      if (!response.ok) throw new Error(`${query}: ${response.status}`)
      await response.text()
    }
    for (let i = 0; i < 100; i++) await send() // warm-up
    console.log('CPU per request (sequential) …')
    const cpu = await cpuPerRequest(server.pid, scratch.dataDirectory, send, 310)
    console.log(`Mixed load, ${connections} connections, ${duration} s …`)
    const load = await mixedLoad(base)
    const executions = perQuery.map((row) => row.totalMs).sort((a, b) => a - b)
    const report: Report = {
      at: new Date().toISOString(),
      organisations,
      loadBefore,
      loadAfter: loadAverage(),
      load,
      cpu,
      directDatabaseCpu: direct.database,
      statementMedianMs: rounded(percentile(executions, 50), 3),
      statementMaxMs: rounded(executions.at(-1) ?? 0, 3),
      queries: perQuery,
    }
    const text = markdown(report)
    console.log(text)
    writeFileSync(path.join(root, 'bench/results/directory.json'), `${JSON.stringify(report, null, 2)}\n`)
    writeFileSync(path.join(root, 'bench/results/directory.md'), text)
  } finally {
    await stopProcesses()
    await scratch.cleanup()
  }
}

await main()
