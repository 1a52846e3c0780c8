// `npm run bench:search`: how fast are search and similar threads on a forum of a million posts,
// and what does the index cost a write?
//
// Seeds a scratch database (search-seed.ts: ≥ 1M posts in ≥ 50k threads of generated German
// text; BENCH_SEARCH_THREADS etc. for a quicker, smaller run), starts the real server
// (src/server.ts, production settings) against it, signs in as a member and measures at 10
// connections: a common word, a rare word, two words, a phrase, a filtered query and the
// similar-threads lookup of the new-thread form. For each: p50/p95 latency, requests per second,
// and the CPU time per request of the server and of the database (sequential requests, from
// /proc). Then the index size, and the cost of writing a reply with and without the index
// (search triggers off), alternating in the same run. Results: stdout and
// bench/results/search.{json,md}.
//
// BENCH_DATABASE_URL (a server; a scratch database is created and dropped) or else an embedded
// PostgreSQL in a temp folder (shared_buffers 1 GB, as a server for this size would have).
// BENCH_DURATION: seconds per load measurement (default 10). BENCH_SEARCH_KEEP=1 (or a folder)
// keeps the embedded cluster and its seeded database for the next run with the same sizes.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { type Db, databaseUrlFor } from '../src/db/database.ts'
import type { Database } from '../src/db/schema.ts'
import { freePort } from '../src/lib/free-port.ts'
import {
  clusterCpuMillis,
  cpuPerRequest,
  type Machine,
  machineOfRun,
  processCpuMillis,
  startServer,
  stopProcesses,
} from './helpers.ts'
import { benchWords, vocabulary } from './search-corpus.ts'
import {
  type SearchSeed,
  type SearchSeedSizes,
  seedSearchCorpus,
  seedSizes,
  setSearchTriggers,
} from './search-seed.ts'
import { signIn } from './seed.ts'

const root = path.resolve(import.meta.dirname, '..')
const duration = Number(process.env.BENCH_DURATION ?? 10)
const connections = 10

// ---------------------------------------------------------------------------------------
// Database

interface Scratch {
  serverUrl: string
  url: string
  name: string
  dataDirectory: string | undefined
  /** The database was seeded by an earlier run (BENCH_SEARCH_KEEP) and is used again. */
  reused: boolean
  cleanup(): Promise<void>
}

/**
 * Where a kept cluster lives (BENCH_SEARCH_KEEP=1, or a folder): seeding a million posts takes
 * many minutes, so such a cluster and its database stay after the run and the next run with
 * the same sizes uses them again (after running any new migrations).
 */
function keptFolder(): string | undefined {
  const keep = process.env.BENCH_SEARCH_KEEP
  if (!keep || keep === '0') return undefined
  return keep === '1' ? path.join(os.tmpdir(), 'vertrauensraum-bench', 'search-kept') : path.resolve(keep)
}

/** An embedded cluster with the memory a server for this size would have (the default 128 MB suits a laptop's forum). */
async function embeddedCluster(dataDirectory: string) {
  const { startEmbeddedPostgres } = await import('../src/db/embedded-postgres.ts')
  const port = await freePort()
  let embedded = await startEmbeddedPostgres({ directory: dataDirectory, port, ephemeral: true })
  const admin = new pg.Client({ connectionString: embedded.url })
  await admin.connect()
  const current = await admin.query(`select current_setting('shared_buffers') as value`)
  await admin.query(`alter system set shared_buffers = '1GB'`)
  await admin.query(`alter system set work_mem = '16MB'`)
  await admin.end()
  if (current.rows[0].value !== '1GB') {
    await embedded.stop()
    embedded = await startEmbeddedPostgres({ directory: dataDirectory, port, ephemeral: true })
  }
  return embedded
}

async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount === 0) return false
  } finally {
    await admin.end()
  }
  // Seeded to the end: the seed writes its summary last.
  const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, name) })
  await client.connect()
  try {
    const table = await client.query(`select to_regclass('bench_seed_summary') is not null as seeded`)
    return table.rows[0].seeded === true
  } finally {
    await client.end()
  }
}

async function scratchDatabase(sizes: SearchSeedSizes): Promise<Scratch> {
  let serverUrl = process.env.BENCH_DATABASE_URL
  let stop: (() => Promise<void>) | undefined
  let folder: string | undefined
  let dataDirectory: string | undefined
  const kept = keptFolder()
  if (!serverUrl) {
    if (kept) dataDirectory = path.join(kept, 'data')
    else {
      const base = path.join(os.tmpdir(), 'vertrauensraum-bench')
      mkdirSync(base, { recursive: true, mode: 0o755 })
      folder = mkdtempSync(path.join(base, 'search-'))
      rmSync(folder, { recursive: true })
      dataDirectory = path.join(folder, 'data')
    }
    const embedded = await embeddedCluster(dataDirectory)
    serverUrl = embedded.url
    stop = embedded.stop
  }
  const name = kept
    ? `vr_bench_search_${sizes.threads}_${sizes.maxReplies}_${sizes.sentences}_${sizes.vocabulary}`
    : `vr_bench_search_${randomBytes(4).toString('hex')}`
  const reused = kept !== undefined && (await databaseExists(serverUrl, name))
  if (!reused) {
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.query(`create database ${name}`)
    await admin.end()
  }
  return {
    serverUrl,
    url: databaseUrlFor(serverUrl, name),
    name,
    dataDirectory,
    reused,
    cleanup: async () => {
      if (!kept) {
        const client = new pg.Client({ connectionString: serverUrl })
        await client.connect()
        await client.query(`drop database if exists ${name} with (force)`)
        await client.end()
      }
      if (stop) await stop()
      if (folder) rmSync(folder, { recursive: true, force: true })
    },
  }
}

/** Seeds the corpus, or reads what an earlier run seeded into a kept database. */
async function seededCorpus(
  db: Db,
  scratch: Scratch,
  sizes: SearchSeedSizes,
): Promise<SearchSeed & { seedSeconds: number }> {
  if (scratch.reused) {
    const { rows } = await sql<{ summary: SearchSeed & { seedSeconds: number } }>`
      select summary from bench_seed_summary`.execute(db)
    console.log(
      `Reusing the seeded database ${scratch.name} (${scratch.dataDirectory ?? scratch.serverUrl}).`,
    )
    return rows[0]!.summary
  }
  console.log(`Seeding ${sizes.threads} threads …`)
  const seedStart = Date.now()
  const seeded = await seedSearchCorpus(db, sizes, (line) => console.log(line))
  const result = { ...seeded, seedSeconds: Math.round((Date.now() - seedStart) / 1000) }
  await sql`create table bench_seed_summary as select ${JSON.stringify(result)}::jsonb as summary`.execute(db)
  return result
}

// ---------------------------------------------------------------------------------------
// Requests

interface Target {
  name: string
  method: 'GET' | 'POST'
  path: string
  body?: string
  headers: Record<string, string>
}

const agent = new http.Agent({ keepAlive: true, maxSockets: connections })

function request(base: URL, target: Target): Promise<{ status: number; body: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: target.method,
        path: target.path,
        headers: {
          ...target.headers,
          ...(target.body ? { 'content-length': Buffer.byteLength(target.body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            // name=value of each cookie set (the CSRF secret comes as a cookie with the first form).
            cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (target.body) req.write(target.body)
    req.end()
  })
}

interface Load {
  requestsPerSecond: number
  p50: number
  p95: number
  p99: number
  errors: number
  requests: number
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/**
 * `connections` requests in flight for `seconds` (a closed loop, like autocannon, whose
 * results have no 95th percentile; these are exact, from every request's latency).
 */
async function load(base: URL, target: Target, seconds: number): Promise<Load> {
  const latencies: number[] = []
  let errors = 0
  const end = performance.now() + seconds * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now()
        try {
          const response = await request(base, target)
          if (response.status !== 200) errors++
        } catch {
          errors++
        }
        latencies.push(performance.now() - t0)
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 10) / 10
  return {
    requestsPerSecond: round(latencies.length / elapsed),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    errors,
    requests: latencies.length,
  }
}

function cpuOf(base: URL, target: Target, pid: number, dataDirectory: string | undefined) {
  return cpuPerRequest(pid, dataDirectory, () => request(base, target))
}

// ---------------------------------------------------------------------------------------
// Writing replies with and without the index

/** A cookie header with the cookies a response set replacing those of the same name. */
export function mergeCookies(header: string, set: string[]): string {
  const cookies = new Map(header.split('; ').map((c) => [c.split('=')[0]!, c] as const))
  for (const c of set) cookies.set(c.split('=')[0]!, c)
  return [...cookies.values()].join('; ')
}

interface Form {
  action: string
  fields: Record<string, string>
  cookie: string
}

/**
 * The form with this action on a page, as a member's browser sees it: its hidden fields (the
 * CSRF token among them) and the cookies the page set (the CSRF secret comes with the first form).
 */
async function formOn(base: URL, page: string, action: string, cookie: string): Promise<Form> {
  const response = await request(base, { name: 'page', method: 'GET', path: page, headers: { cookie } })
  const form = [...response.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].find((m) =>
    m[1]!.includes(`action="${action}"`),
  )
  if (!form) throw new Error(`no form for ${action} on ${page} (status ${response.status})`)
  const fields: Record<string, string> = {}
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/g)) {
    const name = /\sname="([^"]+)"/.exec(input[0])?.[1]
    const type = /\stype="([^"]+)"/.exec(input[0])?.[1]
    if (name && type === 'hidden')
      fields[name] = (/\svalue="([^"]*)"/.exec(input[0])?.[1] ?? '')
        .replace(/&#x3D;/g, '=')
        .replace(/&amp;/g, '&')
  }
  return { action, fields, cookie: mergeCookies(cookie, response.cookies) }
}

/** The reply form of a thread page. */
const replyForm = (base: URL, threadId: number, cookie: string) =>
  formOn(base, `/t/${threadId}`, `/t/${threadId}/posts`, cookie)

async function writeReplies(
  base: URL,
  forms: Form[],
  count: number,
  pid: number,
  dataDirectory: string | undefined,
  words: string[],
  offset: number,
) {
  const latencies: number[] = []
  const before = processCpuMillis(pid)
  const databaseBefore = clusterCpuMillis(dataDirectory)
  for (let i = 0; i < count; i++) {
    const form = forms[(offset + i) % forms.length]!
    const text = Array.from(
      { length: 60 },
      (_, k) => words[(offset * 7919 + i * 131 + k * 37) % words.length],
    ).join(' ')
    const body = new URLSearchParams({ ...form.fields, body: `${text}.` }).toString()
    const t0 = performance.now()
    const response = await request(base, {
      name: 'reply',
      method: 'POST',
      path: form.action,
      body,
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    })
    latencies.push(performance.now() - t0)
    if (response.status !== 303)
      throw new Error(`reply answered ${response.status}: ${response.body.slice(0, 200)}`)
  }
  const databaseAfter = clusterCpuMillis(dataDirectory)
  latencies.sort((a, b) => a - b)
  return {
    serverMs: (processCpuMillis(pid) - before) / count,
    databaseMs:
      databaseBefore === null || databaseAfter === null ? null : (databaseAfter - databaseBefore) / count,
    p50: percentile(latencies, 50),
  }
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now()
  const loadAtStart = os.loadavg().map((n) => Math.round(n * 10) / 10)
  const sizes = seedSizes()
  console.log(`Setting up a scratch database (load average ${loadAtStart.join(' ')}) …`)
  const scratch = await scratchDatabase(sizes)
  try {
    const pool = new pg.Pool({ connectionString: scratch.url, max: 4 })
    pool.on('error', () => {})
    const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const { migrateToLatest } = await import('../src/db/migrator.ts')
    await migrateToLatest(db)
    const seeded = await seededCorpus(db, scratch, sizes)
    const seedSeconds = seeded.seedSeconds
    console.log(`Seeded ${seeded.threads} threads and ${seeded.posts} posts in ${seedSeconds} s.`)
    const sizeRows = await sql<{ name: string; bytes: string }>`
      select c.relname as name, pg_total_relation_size(c.oid)::text as bytes from pg_class c
      where c.relname in ('search_threads', 'search_posts', 'search_words', 'posts', 'threads') and c.relkind = 'r'
    `.execute(db)
    const sizesByTable = Object.fromEntries(sizeRows.rows.map((r) => [r.name, Number(r.bytes)]))
    const indexBytes =
      (sizesByTable.search_threads ?? 0) + (sizesByTable.search_posts ?? 0) + (sizesByTable.search_words ?? 0)

    // Members: the reader, and writers (the posting limit allows 60 posts per member and 15 minutes;
    // chosen at random, so that a run soon after another on a kept database meets fresh limits).
    const cookie = await signIn(db, seeded.memberId)
    const writers = (
      await sql<{
        id: number
      }>`select id from members where status = 'verified' and id <> ${seeded.memberId} order by random() limit 12`.execute(
        db,
      )
    ).rows
    const writerCookies = await Promise.all(writers.map((w) => signIn(db, w.id)))
    const writeThread = (
      await sql<{ id: number }>`select id from threads order by id desc limit 1`.execute(db)
    ).rows[0]!.id

    const port = await freePort()
    const server = await startServer(scratch.url, port)
    const base = new URL(`http://127.0.0.1:${port}`)
    const serverPid = server.pid!

    const signedIn = await request(base, {
      name: 'page',
      method: 'GET',
      path: '/search',
      headers: { cookie },
    })
    if (!signedIn.body.includes('action="/logout"'))
      throw new Error(`not signed in (status ${signedIn.status})`)
    const similarThread =
      (
        await sql<{
          id: number
        }>`select id from threads where title like 'Chatbot %' order by id limit 1`.execute(db)
      ).rows[0]?.id ?? writeThread
    const words = vocabulary(sizes.vocabulary)
    // The new-thread form's hidden fields and CSRF token, as the browser has them.
    const newThread = await formOn(base, '/t/new', '/t', cookie)
    const draft = {
      title: 'Chatbot für Bürgeranfragen',
      body: 'Wir überlegen, einen Chatbot für häufige Bürgeranfragen im Bürgerbüro einzusetzen. Wer hat Erfahrungen?',
    }
    const rare = words[words.length - 1_000]!
    const q = (text: string, extra = '') => `/search?q=${encodeURIComponent(text)}${extra}`
    const get = (name: string, p: string): Target => ({ name, method: 'GET', path: p, headers: { cookie } })
    const targets: Target[] = [
      // A page of the forum that is not search, as a yardstick for this machine's load today.
      get('reference: category thread list (/c/ki)', '/c/ki'),
      get(`common word ("${benchWords.common}")`, q(benchWords.common)),
      get(`rare word ("${rare}")`, q(rare)),
      get(
        `two words ("${benchWords.twoWords.join(' ').toLowerCase()}")`,
        q(benchWords.twoWords.join(' ').toLowerCase()),
      ),
      get(`phrase ("\\"${benchWords.phrase}\\"")`, q(`"${benchWords.phrase}"`)),
      get(
        `filtered ("${benchWords.common}", Themenraum KI, Pilot)`,
        q(benchWords.common, '&category=ki&stage=pilot'),
      ),
      // What the new-thread form asks while one types (htmx, with the page's CSRF token).
      {
        name: `similar threads while writing ("${draft.title}")`,
        method: 'POST',
        path: '/search/similar',
        body: new URLSearchParams({ ...newThread.fields, title: draft.title, body: draft.body }).toString(),
        headers: {
          cookie: newThread.cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'hx-request': 'true',
          origin: base.origin,
          'sec-fetch-site': 'same-origin',
        },
      },
      get('similar threads of a thread page (about chatbots)', `/search/similar/${similarThread}`),
    ]
    const results = []
    for (const target of targets) {
      const first = await request(base, target)
      if (first.status !== 200) {
        // The yardstick is another feature's page: say so and go on with the searches.
        if (target.name.startsWith('reference')) {
          console.log(`${target.name}: answered ${first.status}, left out`)
          continue
        }
        throw new Error(`${target.name}: ${first.status} ${first.body.slice(0, 300)}`)
      }
      const hits = (first.body.match(/<h3><a href="\/t\//g) ?? first.body.match(/<li><a href="\/t\//g) ?? [])
        .length
      await load(base, target, 2) // warm-up
      const cpu = await cpuOf(base, target, serverPid, scratch.dataDirectory)
      const measured = await load(base, target, duration)
      console.log(
        `${target.name}: ${hits} hits, p50 ${measured.p50} ms, p95 ${measured.p95} ms, ${measured.requestsPerSecond} req/s, errors ${measured.errors}; CPU/request ${cpu.server} ms server, ${cpu.database} ms database`,
      )
      results.push({
        name: target.name,
        path: target.path,
        hits,
        bytes: Buffer.byteLength(first.body),
        ...measured,
        cpu,
      })
    }

    // Writing replies: with and without the search triggers, alternating halves.
    const forms = await Promise.all(writerCookies.map((c) => replyForm(base, writeThread, c)))
    const perHalf = Math.min(60, Number(process.env.BENCH_WRITES ?? 60))
    const halves: { index: boolean; serverMs: number; databaseMs: number | null; p50: number }[] = []
    let offset = 0
    await writeReplies(base, forms, 10, serverPid, scratch.dataDirectory, words, 999) // warm-up
    for (const index of [true, false, true, false, true, false]) {
      await setSearchTriggers(db, index)
      const written = await writeReplies(
        base,
        forms,
        perHalf,
        serverPid,
        scratch.dataDirectory,
        words,
        offset,
      )
      offset += perHalf
      halves.push({ index, ...written })
    }
    await setSearchTriggers(db, true)
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
    const side = (index: boolean) => {
      const part = halves.filter((h) => h.index === index)
      return {
        serverMs: Math.round(mean(part.map((h) => h.serverMs)) * 100) / 100,
        databaseMs:
          part[0]!.databaseMs === null ? null : Math.round(mean(part.map((h) => h.databaseMs!)) * 100) / 100,
        p50: Math.round(mean(part.map((h) => h.p50)) * 10) / 10,
      }
    }
    const withIndex = side(true)
    const withoutIndex = side(false)
    const total = (s: { serverMs: number; databaseMs: number | null }) => s.serverMs + (s.databaseMs ?? 0)
    const writeCost = Math.round((total(withIndex) / total(withoutIndex) - 1) * 1000) / 10
    console.log(
      `reply with index: ${withIndex.serverMs} + ${withIndex.databaseMs} ms CPU, p50 ${withIndex.p50} ms; without: ${withoutIndex.serverMs} + ${withoutIndex.databaseMs} ms CPU, p50 ${withoutIndex.p50} ms → ${writeCost} %`,
    )

    const search = results.filter((r) => !r.name.startsWith('similar') && !r.name.startsWith('reference'))
    const similar = results.filter((r) => r.name.startsWith('similar'))
    const checks = [
      {
        target: 'search p95 < 100 ms (10 connections)',
        ok: search.every((r) => r.p95 < 100),
        value: search.map((r) => r.p95).join(' / '),
      },
      {
        target: 'search p50 < 30 ms (10 connections)',
        ok: search.every((r) => r.p50 < 30),
        value: search.map((r) => r.p50).join(' / '),
      },
      {
        target: 'similar threads p95 < 50 ms (10 connections)',
        ok: similar.every((r) => r.p95 < 50),
        value: similar.map((r) => r.p95).join(' / '),
      },
      {
        target: 'writing a reply costs ≤ 20 % more CPU with the index',
        ok: writeCost <= 20,
        value: `${writeCost} %`,
      },
      {
        target: 'no errors',
        ok: results.every((r) => r.errors === 0),
        value: String(results.reduce((n, r) => n + r.errors, 0)),
      },
    ]
    const report = {
      date: new Date().toISOString(),
      machine: {
        ...machineOfRun(loadAtStart),
        database: process.env.BENCH_DATABASE_URL
          ? 'BENCH_DATABASE_URL'
          : 'embedded PostgreSQL 18, shared_buffers 1 GB',
      },
      data: { threads: seeded.threads, posts: seeded.posts, seedSeconds, ...seeded.seconds },
      indexBytes,
      tableBytes: sizesByTable,
      connections,
      durationSeconds: duration,
      results,
      writes: { perHalf, halves, withIndex, withoutIndex, extraCpuPercent: writeCost },
      checks,
      seconds: Math.round((Date.now() - started) / 1000),
    }
    mkdirSync(path.join(root, 'bench', 'results'), { recursive: true })
    writeFileSync(path.join(root, 'bench', 'results', 'search.json'), `${JSON.stringify(report, null, 2)}\n`)
    writeFileSync(path.join(root, 'bench', 'results', 'search.md'), markdown(report))
    console.log(`\n${markdown(report)}`)
    if (checks.some((c) => !c.ok)) process.exitCode = 1
  } catch (error) {
    console.error('Benchmark failed:', error)
    process.exitCode = 2
  } finally {
    agent.destroy()
    await stopProcesses()
    await scratch.cleanup()
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

function markdown(report: {
  date: string
  machine: Machine & { database: string }
  data: { threads: number; posts: number; seedSeconds: number }
  indexBytes: number
  tableBytes: Record<string, number>
  durationSeconds: number
  results: {
    name: string
    hits: number
    p50: number
    p95: number
    requestsPerSecond: number
    errors: number
    cpu: { server: number | null; database: number | null }
  }[]
  writes: {
    withIndex: { serverMs: number; databaseMs: number | null; p50: number }
    withoutIndex: { serverMs: number; databaseMs: number | null; p50: number }
    extraCpuPercent: number
    perHalf: number
  }
  checks: { target: string; ok: boolean; value: string }[]
}): string {
  const w = report.writes
  return [
    `Search benchmark, ${report.date.slice(0, 16).replace('T', ' ')} UTC: ${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}, ${report.machine.database}; ${report.data.threads} threads, ${report.data.posts} posts (seeded in ${report.data.seedSeconds} s); ${connections} connections, ${report.durationSeconds} s per measurement, load generator on the same machine; load average (1/5/15 min) ${report.machine.loadAverageAtStart.join(' / ')} at the start, ${report.machine.loadAverageAtEnd.join(' / ')} at the end.`,
    '',
    '| query | hits on page 1 | p50 ms | p95 ms | req/s | errors | CPU ms/req: server / database |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.results.map(
      (r) =>
        `| ${r.name} | ${r.hits} | ${r.p50} | ${r.p95} | ${r.requestsPerSecond} | ${r.errors} | ${r.cpu.server ?? '–'} / ${r.cpu.database ?? '–'} |`,
    ),
    '',
    `Index: ${mb(report.indexBytes)} (search_posts ${mb(report.tableBytes.search_posts ?? 0)}, search_threads ${mb(report.tableBytes.search_threads ?? 0)}, search_words ${mb(report.tableBytes.search_words ?? 0)}, tables with their indexes), beside posts ${mb(report.tableBytes.posts ?? 0)}.`,
    '',
    `Writing a reply (${w.perHalf} per half, three halves each, alternating): with the index ${w.withIndex.serverMs} ms server + ${w.withIndex.databaseMs ?? '–'} ms database CPU (p50 ${w.withIndex.p50} ms), without ${w.withoutIndex.serverMs} + ${w.withoutIndex.databaseMs ?? '–'} ms (p50 ${w.withoutIndex.p50} ms): ${w.extraCpuPercent} % more.`,
    '',
    '| target | result | |',
    '| --- | --- | --- |',
    ...report.checks.map((c) => `| ${c.target} | ${c.value} | ${c.ok ? 'met' : 'MISSED'} |`),
    '',
  ].join('\n')
}

await main()
