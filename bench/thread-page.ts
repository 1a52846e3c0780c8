// `npm run bench`: how fast is the thread page of the real server?
//
// Seeds a scratch database with a realistic forum (10,000 threads, ~200,000 posts, one thread
// with 200 nested posts and one with 1,000), starts the real server (src/server.ts) against
// it, signs in as a member, and measures with autocannon: the 200-post thread page, the
// 1,000-post thread page and a category's thread list, at 50 connections (throughput) and at
// 10 connections (latency). In the same run it measures a ceiling: a bare Fastify route that
// renders the same 200 posts from one query with a precompiled Handlebars template, without
// session, access check or anything else. Results: stdout and bench/results/thread-page.{json,md}.
//
// Uses BENCH_DATABASE_URL (a Postgres server; a scratch database is created and dropped on it)
// or else an ephemeral embedded Postgres in a temp folder. BENCH_DURATION (seconds, default 10)
// sets the length of each measurement; BENCH_LOG_LEVEL the server's log level (default info,
// as in production).
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import Handlebars from 'handlebars'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Db } from '../src/db/database.ts'
import type { Database } from '../src/db/schema.ts'
import { freePort } from '../src/lib/free-port.ts'
import { scratchDatabase, seed, sessionSecret, signIn } from './seed.ts'

const root = path.resolve(import.meta.dirname, '..')
const duration = Number(process.env.BENCH_DURATION ?? 10)

// ---------------------------------------------------------------------------------------
// The ceiling: a bare page in its own process (run as `node bench/thread-page.ts --ceiling`)

const ceilingTemplate = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>{{title}}</title></head>
<body><main><h1>{{title}}</h1><ol>{{#each posts}}<li id="post-{{id}}"><article><header><strong>{{authorName}}</strong> <span>{{authorJob}} · {{authorOrg}}</span> <a href="#post-{{id}}"><time datetime="{{createdIso}}">{{createdLabel}}</time></a></header>
<div class="md">{{{bodyHtml}}}</div></article></li>{{/each}}</ol></main></body></html>`

async function runCeiling(): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  const template = Handlebars.compile(ceilingTemplate)
  const threadId = Number(process.env.THREAD_ID)
  const app = Fastify({ logger: false })
  app.get('/healthz', async () => ({ ok: true }))
  app.get('/thread', async (_request, reply) => {
    const { rows } = await pool.query(
      `select p.id, m.name as "authorName", m.job_title as "authorJob", o.name as "authorOrg", p.body_html as "bodyHtml",
         to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdIso",
         to_char(p.created_at at time zone 'Europe/Berlin', 'DD.MM.YYYY, HH24:MI') as "createdLabel"
       from posts p join members m on m.id = p.author_id join organisations o on o.id = m.organisation_id
       where p.thread_id = $1 order by p.path`,
      [threadId],
    )
    reply.type('text/html; charset=utf-8')
    return template({ title: 'Thema', posts: rows })
  })
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
}

// ---------------------------------------------------------------------------------------
// Processes and measurements

const children: ChildProcess[] = []

function start(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(child)
  return child
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`process for ${url} exited with ${child.exitCode}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  throw new Error(`${url} did not become ready`)
}

async function stopChildren(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
        }),
    ),
  )
}

interface Measurement {
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
}

/** Halves of one measurement: mean rate and median, the worse p99, all errors. */
function combine(parts: Measurement[]): Measurement {
  const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10
  return {
    requestsPerSecond: mean(parts.map((p) => p.requestsPerSecond)),
    p50: mean(parts.map((p) => p.p50)),
    p99: Math.max(...parts.map((p) => p.p99)),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
  }
}

interface TargetResult {
  name: string
  url: string
  bytes: number
  queriesPerRequest: number | null
  cpuMsPerRequest: number | null
  databaseCpuMsPerRequest: number | null
  throughput: Measurement
  latency: Measurement
  ratioToCeiling?: number
}

async function measure(
  url: string,
  cookie: string | undefined,
  connections: number,
  seconds: number,
): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: cookie ? { cookie } : {},
    timeout: 10,
  })
  return {
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  }
}

/** Transactions the server ran per request (every query outside a transaction is one). */
async function queriesPerRequest(
  serverUrl: string,
  database: string,
  url: string,
  cookie: string,
): Promise<number> {
  // Read the statistics from another database, so that reading them does not count.
  const monitor = new pg.Client({ connectionString: serverUrl })
  await monitor.connect()
  const read = async () => {
    await monitor.query('select pg_stat_clear_snapshot()')
    const { rows } = await monitor.query(
      'select (xact_commit + xact_rollback)::int as n from pg_stat_database where datname = $1',
      [database],
    )
    return rows[0].n as number
  }
  // Backends report their statistics when idle, at the latest after about ten seconds.
  await sleep(11_000)
  const before = await read()
  const n = 25
  for (let i = 0; i < n; i++) {
    const response = await fetch(url, { headers: { cookie } })
    await response.arrayBuffer()
  }
  await sleep(11_000)
  const after = await read()
  await monitor.end()
  return Math.round(((after - before) / n) * 10) / 10
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
function cpuMillis(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/** CPU time of a Postgres cluster: the postmaster and all its backends (embedded cluster only). */
function clusterCpuMillis(dataDirectory: string | undefined): number | null {
  if (!dataDirectory || process.platform !== 'linux') return null
  const postmaster = Number(readFileSync(path.join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0])
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // The postmaster's own time and that of backends that have exited (cutime, cstime),
      // plus the running backends'.
      if (Number(entry) === postmaster)
        total +=
          ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / 100
      else if (Number(fields[1]) === postmaster)
        total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
    } catch {
      // the process ended meanwhile
    }
  }
  return total
}

/**
 * CPU time per request of the server process and of the database, for sequential requests:
 * unlike requests per second, hardly affected by other load on a shared machine.
 */
async function cpuPerRequest(
  pid: number | undefined,
  dataDirectory: string | undefined,
  url: string,
  cookie: string | undefined,
): Promise<{ server: number | null; database: number | null }> {
  if (pid === undefined || process.platform !== 'linux') return { server: null, database: null }
  const n = 200
  const before = cpuMillis(pid)
  const databaseBefore = clusterCpuMillis(dataDirectory)
  for (let i = 0; i < n; i++) {
    const response = await fetch(url, { headers: cookie ? { cookie } : {} })
    await response.arrayBuffer()
  }
  const databaseAfter = clusterCpuMillis(dataDirectory)
  return {
    server: Math.round(((cpuMillis(pid) - before) / n) * 100) / 100,
    database:
      databaseBefore === null || databaseAfter === null
        ? null
        : Math.round(((databaseAfter - databaseBefore) / n) * 100) / 100,
  }
}

async function main(): Promise<void> {
  const started = Date.now()
  const loadAtStart = Math.round(os.loadavg()[0]! * 10) / 10
  console.log('Setting up a scratch database …')
  const scratch = await scratchDatabase()
  try {
    const pool = new pg.Pool({ connectionString: scratch.url, max: 4 })
    pool.on('error', () => {}) // the scratch database is dropped at the end
    const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const { migrateToLatest } = await import('../src/db/migrator.ts')
    await migrateToLatest(db)
    const seedStart = Date.now()
    const { thread200, thread1000, memberId } = await seed(db)
    const counts = await sql<{ threads: number; posts: number }>`
      select (select count(*) from threads)::int as threads, (select count(*) from posts)::int as posts
    `.execute(db)
    const { threads, posts } = counts.rows[0]!
    console.log(
      `Seeded ${threads} threads and ${posts} posts in ${((Date.now() - seedStart) / 1000).toFixed(1)} s.`,
    )
    const cookie = await signIn(db, memberId)
    await db.destroy()

    const serverPort = await freePort()
    const ceilingPort = await freePort()
    const server = start(['src/server.ts'], {
      NODE_ENV: 'production',
      DATABASE_URL: scratch.url,
      HOST: '127.0.0.1',
      PORT: String(serverPort),
      BASE_URL: `http://127.0.0.1:${serverPort}`,
      SESSION_SECRET: sessionSecret,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      RUN_WORKER: 'false',
      // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/profiles" to profile the server
      NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? '',
    })
    const ceiling = start([path.join('bench', 'thread-page.ts'), '--ceiling'], {
      DATABASE_URL: scratch.url,
      PORT: String(ceilingPort),
      THREAD_ID: String(thread200),
    })
    const base = `http://127.0.0.1:${serverPort}`
    await Promise.all([
      waitFor(`${base}/readyz`, server),
      waitFor(`http://127.0.0.1:${ceilingPort}/healthz`, ceiling),
    ])

    const targets = [
      {
        name: 'ceiling: bare page, 200 posts',
        url: `http://127.0.0.1:${ceilingPort}/thread`,
        cookie: undefined,
        pid: ceiling.pid,
      },
      { name: 'thread page, 200 posts', url: `${base}/t/${thread200}`, cookie, pid: server.pid },
      { name: 'thread page, 1,000 posts', url: `${base}/t/${thread1000}`, cookie, pid: server.pid },
      { name: 'category thread list (25 of ~1,430)', url: `${base}/c/ki`, cookie, pid: server.pid },
    ]
    const results: TargetResult[] = []
    for (const target of targets) {
      const first = await fetch(target.url, {
        headers: target.cookie ? { cookie: target.cookie } : {},
        redirect: 'manual',
      })
      const html = await first.text()
      if (first.status !== 200) throw new Error(`${target.url} answered ${first.status}`)
      if (target.cookie && !html.includes('action="/logout"')) throw new Error(`${target.url}: not signed in`)
      const queries =
        target.cookie && !process.env.BENCH_SKIP_QUERIES
          ? await queriesPerRequest(scratch.serverUrl, scratch.name, target.url, target.cookie)
          : null
      await measure(target.url, target.cookie, 10, 3).catch(() => undefined) // warm-up
      const cpu = await cpuPerRequest(target.pid, scratch.dataDirectory, target.url, target.cookie)
      console.log(
        `\n${target.name}: ${Buffer.byteLength(html)} bytes, CPU per request: ${cpu.server} ms server, ${cpu.database} ms database${queries === null ? '' : `, ${queries} queries per request`}`,
      )
      results.push({
        name: target.name,
        url: new URL(target.url).pathname,
        bytes: Buffer.byteLength(html),
        queriesPerRequest: queries,
        cpuMsPerRequest: cpu.server,
        databaseCpuMsPerRequest: cpu.database,
        throughput: { requestsPerSecond: 0, p50: 0, p99: 0, errors: 0 },
        latency: { requestsPerSecond: 0, p50: 0, p99: 0, errors: 0 },
      })
    }
    if (process.env.BENCH_ONLY_CPU) return
    // The ceiling and the 200-post page alternate (two halves each), so that a change in the
    // load of a shared machine affects both alike; the others are measured once.
    const halves = [0, 1, 0, 1]
    const parts: Measurement[][] = [[], []]
    for (const index of halves) {
      const target = targets[index]!
      parts[index]!.push(await measure(target.url, target.cookie, 50, duration / 2))
    }
    results[0]!.throughput = combine(parts[0]!)
    results[1]!.throughput = combine(parts[1]!)
    for (const [index, target] of targets.entries()) {
      const result = results[index]!
      if (index > 1) result.throughput = await measure(target.url, target.cookie, 50, duration)
      result.latency = await measure(target.url, target.cookie, 10, duration)
      console.log(`\n${target.name}`)
      for (const [label, m] of [
        ['50 connections', result.throughput],
        ['10 connections', result.latency],
      ] as const) {
        console.log(
          `  ${label}: ${m.requestsPerSecond} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}`,
        )
      }
    }
    const ceilingRps = results[0]!.throughput.requestsPerSecond
    for (const result of results)
      result.ratioToCeiling = Math.round((result.throughput.requestsPerSecond / ceilingRps) * 1000) / 1000

    const page200 = results[1]!
    const checks = [
      {
        target: '200-post page ≥ 40 % of the ceiling (50 connections)',
        ok: (page200.ratioToCeiling ?? 0) >= 0.4,
        value: `${Math.round((page200.ratioToCeiling ?? 0) * 100)} %`,
      },
      {
        target: '200-post page without errors',
        ok: page200.throughput.errors + page200.latency.errors === 0,
        value: String(page200.throughput.errors + page200.latency.errors),
      },
      {
        target: '200-post page p99 < 100 ms at 10 connections',
        ok: page200.latency.p99 < 100,
        value: `${page200.latency.p99} ms`,
      },
      {
        target: '200-post page HTML < 250 KB',
        ok: page200.bytes < 250 * 1024,
        value: `${(page200.bytes / 1024).toFixed(1)} KB`,
      },
      {
        target: 'queries per thread page do not grow with posts',
        ok: results[1]!.queriesPerRequest === results[2]!.queriesPerRequest,
        value: `${results[1]!.queriesPerRequest} (200 posts) vs ${results[2]!.queriesPerRequest} (1,000 posts)`,
      },
    ]

    const report = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: Math.round(os.loadavg()[0]! * 10) / 10,
      },
      data: { threads, posts },
      durationSeconds: duration,
      serverLogLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
      results,
      checks,
    }
    mkdirSync(path.join(root, 'bench', 'results'), { recursive: true })
    writeFileSync(
      path.join(root, 'bench', 'results', 'thread-page.json'),
      `${JSON.stringify(report, null, 2)}\n`,
    )
    writeFileSync(path.join(root, 'bench', 'results', 'thread-page.md'), markdown(report))
    console.log(`\n${markdown(report)}`)
    console.log(
      `Done in ${Math.round((Date.now() - started) / 1000)} s. Results in bench/results/thread-page.{json,md}.`,
    )
    if (checks.some((c) => !c.ok)) process.exitCode = 1
  } catch (error) {
    console.error('Benchmark failed:', error)
    process.exitCode = 2
  } finally {
    await stopChildren()
    await scratch.cleanup()
  }
}

function markdown(report: {
  date: string
  machine: { cpus: number; model: string; node: string; loadAverageAtStart: number; loadAverageAtEnd: number }
  data: { threads: number; posts: number }
  durationSeconds: number
  serverLogLevel: string
  results: TargetResult[]
  checks: { target: string; ok: boolean; value: string }[]
}): string {
  const rows = report.results.map(
    (r) =>
      `| ${r.name} | ${r.throughput.requestsPerSecond} | ${r.throughput.p50} / ${r.throughput.p99} | ${r.latency.requestsPerSecond} | ${r.latency.p50} / ${r.latency.p99} | ${r.throughput.errors + r.latency.errors} | ${(r.bytes / 1024).toFixed(1)} KB | ${r.queriesPerRequest ?? '–'} | ${r.cpuMsPerRequest ?? '–'} / ${r.databaseCpuMsPerRequest ?? '–'} | ${Math.round((r.ratioToCeiling ?? 0) * 100)} % |`,
  )
  return [
    `Thread page benchmark, ${report.date.slice(0, 16).replace('T', ' ')} UTC: ${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}; ${report.data.threads} threads, ${report.data.posts} posts; ${report.durationSeconds} s per measurement, server log level ${report.serverLogLevel}; load generator on the same machine; load average ${report.machine.loadAverageAtStart} at the start, ${report.machine.loadAverageAtEnd} at the end.`,
    '',
    '| page | req/s (50 conn.) | p50 / p99 ms (50) | req/s (10 conn.) | p50 / p99 ms (10) | errors | HTML | queries | CPU ms/req: server / database | of ceiling |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '| target | result | |',
    '| --- | --- | --- |',
    ...report.checks.map((c) => `| ${c.target} | ${c.value} | ${c.ok ? 'met' : 'MISSED'} |`),
    '',
  ].join('\n')
}

if (process.argv.includes('--ceiling')) {
  await runCeiling()
} else {
  await main()
}
