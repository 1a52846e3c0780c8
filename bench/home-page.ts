// `npm run bench:home`: does the home page cost the same in a forum of 1,000 posts and in one
// of 1,000,000? (Issue 16: it used to count every thread of every category per request.)
//
// Seeds two scratch databases on one PostgreSQL, set-based with generate_series: the same
// forum at two sizes, 50 and 50,000 threads of 20 posts each (1k and 1M posts), threads
// started at the same rate (45 a day, the newest now) in the 7 categories (one of them quiet for
// most of the time), the reader having read every third thread. Then starts the real server (src/server.ts) on each and measures,
// the two sizes alternating in halves so that a change in the machine's load hits both alike:
//   * server CPU per request (from /proc), the steady figure on a shared machine, first;
//   * database time per request: the home page's statements by EXPLAIN ANALYZE (execution time
//     inside PostgreSQL), pg_stat_database.active_time of the scratch database (time its
//     backends spent running statements, waiting for a CPU included) and, with the embedded
//     PostgreSQL, the cluster's CPU from /proc;
//   * requests per second and p99 at 10 connections.
// Target: the 1M-post home page within 1.5× of the 1k-post one, for CPU and database time.
// Results: stdout and bench/results/home-page.{json,md}, with the load average of the run.
//
// BENCH_DATABASE_URL: a PostgreSQL server (scratch databases are created and dropped on it),
// else an embedded PostgreSQL in a temporary folder. BENCH_SECONDS (default 6): length of each
// rate measurement. bench/thread-page.ts (`npm run bench`) runs this too, via runHomePageBench().
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { type Db, databaseUrlFor } from '../src/db/database.ts'
import type { Database } from '../src/db/schema.ts'
import { freePort } from '../src/lib/free-port.ts'
import { browserCookie, cpuPerRequest, startServer, statisticsReported, stopProcesses } from './helpers.ts'
import { scratchDatabase, signIn } from './seed.ts'

const postsPerThread = 20
const sizes = { small: 50, large: 50_000 } as const
type Size = keyof typeof sizes
const target = 1.5

const loadAverage = () => os.loadavg().map((n) => Math.round(n * 100) / 100)
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits

function openDb(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  pool.on('error', () => {}) // the scratch databases are dropped at the end
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

/**
 * The forum, set-based. Triggers are off while seeding (session_replication_role = replica:
 * the search index of a million posts is not what the home page reads, and it would take
 * minutes); the kept thread counts are then written as the triggers would have.
 */
async function seedForum(db: Db, threads: number): Promise<{ readerId: number; posts: number }> {
  await sql`set session_replication_role = replica`.execute(db)
  await sql`
    insert into organisations (kind, name, official_key, land)
    select 'gemeinde', 'Stadt Benchheim ' || n, null, 'Hessen' from generate_series(1, 50) n`.execute(db)
  await sql`
    insert into members (email, name, handle, job_title, organisation_id, password_hash, status, email_confirmed_at, verified_at, verified_until)
    select 'home' || n || '@bench.example', 'Mitglied ' || n, 'Mitglied_' || n, 'CDO',
      (select min(id) from organisations) + n % 50, 'x', 'verified', now(), now(), now() + interval '1 year'
    from generate_series(1, 200) n`.execute(db)
  const { rows } = await sql<{ id: number }>`
    insert into members (email, name, handle, job_title, organisation_id, password_hash, status, email_confirmed_at, verified_at, verified_until)
    values ('leserin@bench.example', 'Bench Leserin', 'Bench_Leserin', 'CDO', (select min(id) from organisations), 'x',
      'verified', now(), now(), now() + interval '1 year')
    returning id`.execute(db)
  const readerId = rows[0]!.id
  const firstMember = readerId - 200
  // 45 threads a day, the newest now; 7 categories in turn, but the first one has been quiet
  // for the last 90 % of the forum's life (its newest thread is old: finding it must stay cheap).
  await sql`
    insert into threads (id, category_id, author_id, title, stage, created_at, last_activity_at, reply_count,
      opening_post_id, last_post_id)
    select t, case when t % 7 = 0 and t > ${threads} / 10 then c.ids[2] else c.ids[1 + t % cardinality(c.ids)] end,
      ${firstMember} + t % 200, 'Thema ' || t || ': Erfahrungen mit der E-Akte',
      (array['idea','concept','pilot','in_use','dropped'])[1 + t % 5],
      now() - make_interval(mins => (${threads} - t) * 32 + 30), now() - make_interval(mins => (${threads} - t) * 32),
      ${postsPerThread - 1}, (t - 1) * ${postsPerThread} + 1, t * ${postsPerThread}
    from generate_series(1, ${threads}) t,
      (select array_agg(id order by position, id) as ids from categories where archived_at is null) c`.execute(
    db,
  )
  await sql`
    insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at)
    select o + k, t, ${firstMember} + (t * 7 + k) % 200,
      case when k = 0 then null else o end,
      case when k = 0 then array[o] else array[o, o + k] end,
      case when k = 0 then 0 else 1 end,
      'Beitrag ' || k || ' zum Thema ' || t || '. Wir haben gute Erfahrungen gemacht.',
      '<p>Beitrag ' || k || ' zum Thema ' || t || '. Wir haben gute Erfahrungen gemacht.</p>',
      now() - make_interval(mins => (${threads} - t) * 32 + 30 - k)
    from generate_series(1, ${threads}) t, lateral (select (t - 1) * ${postsPerThread} + 1 as o) base,
      generate_series(0, ${postsPerThread - 1}) k`.execute(db)
  // The reader has read every third thread to the end.
  await sql`
    insert into thread_reads (member_id, thread_id, last_read_post_id, read_post_count)
    select ${readerId}, t, t * ${postsPerThread}, ${postsPerThread} from generate_series(3, ${threads}, 3) t`.execute(
    db,
  )
  await sql`
    insert into notifications (member_id, kind, thread_id, post_id, actor_id)
    select ${readerId}, 'reply', t, t * ${postsPerThread}, ${firstMember} from generate_series(1, 5) t`.execute(
    db,
  )
  await sql`insert into category_thread_counts (category_id, threads)
    select category_id, count(*) from threads group by category_id
    on conflict (category_id) do update set threads = excluded.threads`.execute(db)
  await sql`set session_replication_role = origin`.execute(db)
  await sql`select setval(pg_get_serial_sequence('threads', 'id'), (select max(id) from threads))`.execute(db)
  await sql`select setval(pg_get_serial_sequence('posts', 'id'), (select max(id) from posts))`.execute(db)
  await sql`vacuum analyze`.execute(db)
  // Write the seed's dirty pages now, not while the pages are measured.
  await sql`checkpoint`.execute(db)
  const count = await sql<{ n: number }>`select count(*)::int as n from posts`.execute(db)
  return { readerId, posts: count.rows[0]!.n }
}

interface Site {
  size: Size
  url: string
  databaseUrl: string
  readerId: number
  db: Db
  databaseName: string
  cookie: string
  posts: number
  threads: number
  seedSeconds: number
  pid?: number
}

/** Milliseconds the database's backends have spent running statements so far (after stats are flushed). */
async function activeMillis(db: Db, name: string): Promise<number> {
  // 1.1 s here once let the load's time fall into the next sample (4.4× "active time" at 1M posts).
  await statisticsReported()
  const { rows } = await sql<{ ms: number }>`
    select active_time as ms from pg_stat_database where datname = ${name}`.execute(db)
  return Number(rows[0]?.ms ?? 0)
}

async function getHome(site: Site): Promise<void> {
  const response = await fetch(`${site.url}/`, { headers: { cookie: site.cookie }, redirect: 'manual' })
  const body = await response.text()
  if (response.status !== 200 || !body.includes('category-list')) {
    throw new Error(`home page of the ${site.size} forum answered ${response.status}`)
  }
}

/**
 * Database time of the home page's own statements by EXPLAIN ANALYZE (execution time as the
 * server measures it, no client or queueing in it): the statements the home page's service
 * (overview, recent threads) and the bell run for the reader, captured once, each explained
 * `rounds` times; the median of the sums.
 */
async function explainedMillis(url: string, readerId: number, rounds = 15): Promise<number> {
  const captured: { sql: string; parameters: readonly unknown[] }[] = []
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  pool.on('error', () => {})
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters })
    },
  })
  try {
    const { homePage } = await import('../src/features/discussions/discussions.service.ts')
    const { unreadCount } = await import('../src/features/discussions/notifications.service.ts')
    const { loadCurrentMember } = await import('../src/core/members/current-member.ts')
    const member = (await loadCurrentMember(db, readerId))!
    captured.length = 0
    await homePage(db, member, 'de')
    await unreadCount(db, member)
    const sums: number[] = []
    for (let i = 0; i < rounds; i++) {
      let sum = 0
      for (const statement of captured) {
        const { rows } = await pool.query(`explain (analyze, format json) ${statement.sql}`, [
          ...statement.parameters,
        ])
        sum += Number(rows[0]['QUERY PLAN'][0]['Execution Time'])
      }
      sums.push(sum)
    }
    sums.sort((x, y) => x - y)
    return round(sums[Math.floor(sums.length / 2)]!, 3)
  } finally {
    await db.destroy()
  }
}

interface Sample {
  serverCpuMs: number | null
  databaseCpuMs: number | null
  databaseActiveMs: number
}

async function sampleCosts(site: Site, dataDirectory: string | undefined, n: number): Promise<Sample> {
  const before = await activeMillis(site.db, site.databaseName)
  const cpu = await cpuPerRequest(site.pid, dataDirectory, () => getHome(site), n)
  const after = await activeMillis(site.db, site.databaseName)
  return {
    serverCpuMs: cpu.server,
    databaseCpuMs: cpu.database,
    databaseActiveMs: round((after - before) / n, 3),
  }
}

async function rate(site: Site, seconds: number) {
  const result = await autocannon({
    url: `${site.url}/`,
    connections: 10,
    duration: seconds,
    headers: { cookie: site.cookie },
    timeout: 10,
  })
  return {
    requestsPerSecond: round(result.requests.average, 1),
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  }
}

const mean = (values: (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null)
  return known.length === values.length ? round(known.reduce((a, b) => a + b, 0) / known.length, 3) : null
}
const ratio = (large: number | null, small: number | null) =>
  large !== null && small ? round(large / small) : null

export interface HomePageBenchResult {
  loadAverage: { start: number[]; end: number[] }
  sizes: Record<
    Size,
    {
      threads: number
      posts: number
      seedSeconds: number
      serverCpuMs: number | null
      databaseCpuMs: number | null
      databaseActiveMs: number | null
      /** The home page's statements by EXPLAIN ANALYZE (sum of execution times, median). */
      explainedMs: number | null
      requestsPerSecond: number
      p99: number
      errors: number
    }
  >
  ratios: {
    serverCpu: number | null
    databaseCpu: number | null
    databaseActive: number | null
    explained: number | null
    rate: number | null
  }
  targetMet: boolean
}

/** Seeds both forums, measures, writes bench/results/home-page.{json,md}, returns the figures. */
export async function runHomePageBench(options: { seconds?: number } = {}): Promise<HomePageBenchResult> {
  const seconds = options.seconds ?? Number(process.env.BENCH_SECONDS ?? 6)
  const loadAtStart = loadAverage()
  console.log(`home page bench: load average ${loadAtStart.join(' ')}; seeding 1k and 1M posts …`)
  const scratch = await scratchDatabase()
  const smallName = `${scratch.name}_small`
  const sites: Site[] = []
  try {
    const admin = new pg.Client({ connectionString: scratch.serverUrl })
    await admin.connect()
    await admin.query(`create database ${smallName}`)
    await admin.end()
    const { migrateToLatest } = await import('../src/db/migrator.ts')
    for (const size of ['small', 'large'] as const) {
      const databaseName = size === 'small' ? smallName : scratch.name
      const url = size === 'small' ? databaseUrlFor(scratch.serverUrl, smallName) : scratch.url
      const db = openDb(url)
      await migrateToLatest(db)
      const started = Date.now()
      const { readerId, posts } = await seedForum(db, sizes[size])
      const seedSeconds = round((Date.now() - started) / 1000, 1)
      console.log(`  ${size}: ${sizes[size]} threads, ${posts} posts seeded in ${seedSeconds} s`)
      const session = await signIn(db, readerId)
      const port = await freePort()
      const server = await startServer(url, port)
      const cookie = await browserCookie(`http://127.0.0.1:${port}/`, session)
      sites.push({
        size,
        url: `http://127.0.0.1:${port}`,
        databaseUrl: url,
        readerId,
        db,
        databaseName,
        cookie,
        posts,
        threads: sizes[size],
        seedSeconds,
        pid: server.pid,
      })
    }
    for (const site of sites) for (let i = 0; i < 100; i++) await getHome(site) // warm up

    const explained: Record<Size, number[]> = { small: [], large: [] }
    const samples: Record<Size, Sample[]> = { small: [], large: [] }
    const rates: Record<Size, Awaited<ReturnType<typeof rate>>[]> = { small: [], large: [] }
    for (let half = 0; half < 2; half++) {
      for (const site of sites) samples[site.size].push(await sampleCosts(site, scratch.dataDirectory, 200))
      for (const site of sites)
        explained[site.size].push(await explainedMillis(site.databaseUrl, site.readerId))
      for (const site of sites) rates[site.size].push(await rate(site, seconds / 2))
    }

    const result = {} as HomePageBenchResult['sizes']
    for (const site of sites) {
      const s = samples[site.size]
      const r = rates[site.size]
      result[site.size] = {
        threads: site.threads,
        posts: site.posts,
        seedSeconds: site.seedSeconds,
        serverCpuMs: mean(s.map((x) => x.serverCpuMs)),
        databaseCpuMs: mean(s.map((x) => x.databaseCpuMs)),
        databaseActiveMs: mean(s.map((x) => x.databaseActiveMs)),
        explainedMs: mean(explained[site.size]),
        requestsPerSecond: round((r[0]!.requestsPerSecond + r[1]!.requestsPerSecond) / 2, 1),
        p99: Math.max(r[0]!.p99, r[1]!.p99),
        errors: r[0]!.errors + r[1]!.errors,
      }
    }
    const ratios = {
      serverCpu: ratio(result.large.serverCpuMs, result.small.serverCpuMs),
      databaseCpu: ratio(result.large.databaseCpuMs, result.small.databaseCpuMs),
      databaseActive: ratio(result.large.databaseActiveMs, result.small.databaseActiveMs),
      explained: ratio(result.large.explainedMs, result.small.explainedMs),
      rate: ratio(result.small.requestsPerSecond, result.large.requestsPerSecond),
    }
    const measured = [ratios.serverCpu, ratios.databaseCpu, ratios.databaseActive, ratios.explained].filter(
      (v): v is number => v !== null,
    )
    const outcome: HomePageBenchResult = {
      loadAverage: { start: loadAtStart, end: loadAverage() },
      sizes: result,
      ratios,
      targetMet: measured.length > 0 && measured.every((v) => v <= target),
    }
    report(outcome)
    return outcome
  } finally {
    await stopProcesses()
    await Promise.all(sites.map((site) => site.db.destroy()))
    const admin = new pg.Client({ connectionString: scratch.serverUrl })
    await admin.connect()
    await admin.query(`drop database if exists ${smallName} with (force)`)
    await admin.end()
    await scratch.cleanup()
  }
}

function report(outcome: HomePageBenchResult): void {
  const rows = (['small', 'large'] as const).map((size) => {
    const s = outcome.sizes[size]
    return `| ${s.posts.toLocaleString('en')} posts (${s.threads.toLocaleString('en')} threads) | ${s.serverCpuMs ?? '–'} | ${s.explainedMs ?? '–'} | ${s.databaseActiveMs ?? '–'} | ${s.databaseCpuMs ?? '–'} | ${s.requestsPerSecond} | ${s.p99} | ${s.errors} | ${s.seedSeconds} |`
  })
  const r = outcome.ratios
  const markdown = [
    '# Home page at 1k and 1M posts',
    '',
    `Load average ${outcome.loadAverage.start.join(' ')} at the start, ${outcome.loadAverage.end.join(' ')} at the end (${os.cpus().length} cores).`,
    '',
    '| forum | server CPU ms/request | database ms/request (EXPLAIN ANALYZE) | database active ms/request | database CPU ms/request | requests/s (10 connections) | p99 ms | errors | seed s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `1M / 1k: server CPU ${r.serverCpu ?? '–'}×, database by EXPLAIN ANALYZE ${r.explained ?? '–'}×, database active time ${r.databaseActive ?? '–'}×, database CPU ${r.databaseCpu ?? '–'}×, requests/s ${r.rate ?? '–'}× fewer. Target ≤ ${target}×: ${outcome.targetMet ? 'met' : 'missed'}.`,
    '',
  ].join('\n')
  console.log(markdown)
  const folder = path.resolve(import.meta.dirname, 'results')
  writeFileSync(path.join(folder, 'home-page.json'), `${JSON.stringify(outcome, null, 2)}\n`)
  writeFileSync(path.join(folder, 'home-page.md'), markdown)
}

if (import.meta.main) {
  runHomePageBench().then(
    (outcome) => process.exit(outcome.targetMet ? 0 : 1),
    async (error) => {
      console.error(error)
      await stopProcesses()
      process.exit(2)
    },
  )
}
