// `npm run bench`: how fast is the thread page of the real server, measured against two ceilings?
//
// Seeds a scratch database with a realistic forum (10,000 threads, ~205,000 posts; measured
// threads of 10, 100 and 5,000 posts with random reply trees), starts the real server
// (src/server.ts) against it, signs in a reader and two writers, and measures, CPU per request
// (from /proc, server and database) first, because on a shared 2-core machine it is the steady
// figure:
//   * the 100-post thread page, and two bare pages of the same 100 posts in their own process
//     (Fastify + pg + precompiled Handlebars, no session, no access check): "same markup" renders
//     the real post partials (views/discussions/_post.hbs, same bytes per post), "light" a
//     lighter markup (the first ceiling, kept to compare with earlier runs);
//   * the 5,000-post thread's first window (its size and CPU against the 100-post page);
//   * an htmx reply in the 5,000-post thread against one in the 10-post thread;
//   * requests per second at 50 connections, the three 100-post pages alternating in halves,
//     so that a change in the machine's load affects them alike; p99 at 10 connections;
//   * the home page at 1k and 1M posts (bench/home-page.ts, the "ops" bench; BENCH_HOME=0 skips
//     it, it seeds a million posts and takes about as long again).
// Results: stdout and bench/results/thread-page.{json,md}, with the load average of the run.
//
// BENCH_DATABASE_URL: a Postgres server (a scratch database is created and dropped on it), else
// an embedded Postgres in a temp folder. BENCH_SECONDS (default 6) is the length of each rate
// measurement (a run takes about 2 minutes without the home page, most of it seeding). BENCH_QUERIES=1 also counts
// the transactions per page (22 s more per page). BENCH_LOG_LEVEL: the server's log level.
// BENCH_DUMP: a folder to write each measured page's HTML to (to see where its bytes go).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import Handlebars from 'handlebars'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Db } from '../src/db/database.ts'
import type { Database } from '../src/db/schema.ts'
import { freePort } from '../src/lib/free-port.ts'
import {
  browserCookie,
  type CpuPerRequest,
  cpuPerRequest,
  type Machine,
  machineOfRun,
  startProcess,
  startServer,
  statisticsReported,
  stopProcesses,
  waitForReady,
} from './helpers.ts'
import { type HomePageBenchResult, runHomePageBench } from './home-page.ts'
import { scratchDatabase, seed, signIn } from './seed.ts'

const root = path.resolve(import.meta.dirname, '..')
const seconds = Number(process.env.BENCH_SECONDS ?? process.env.BENCH_DURATION ?? 6)
const loadAverage = () => os.loadavg().map((n) => Math.round(n * 100) / 100)

// ---------------------------------------------------------------------------------------
// The ceilings: bare pages in their own process (run as `node bench/thread-page.ts --ceiling`)

const lightTemplate = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>{{title}}</title></head>
<body><main><h1>{{title}}</h1><ol>{{#each posts}}<li id="post-{{id}}"><article><header><strong>{{authorName}}</strong> <span>{{authorJob}} · {{authorOrg}}</span> <a href="#post-{{id}}"><time datetime="{{createdIso}}">{{createdLabel}}</time></a></header>
<div class="md">{{{bodyHtml}}}</div></article></li>{{/each}}</ol></main></body></html>`

const sameTemplate = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>{{title}}</title></head>
<body><main><h1>{{title}}</h1><form id="pf" method="post"></form><div class="thread"><ol id="replies">{{#each replies}}{{> discussions/_post}}{{/each}}</ol></div></main></body></html>`

/** A post and its replies, as postList prints them. */
const postTemplate = `<li id="post-{{id}}">{{> discussions/_article}}{{#if children.length}}<details open><summary>{{> discussions/_answer-count}}</summary><ol>{{#each children}}{{> discussions/_post}}{{/each}}</ol></details>{{/if}}</li>`

/** What the real page prints for these labels (discussions.messages.ts, German). */
const labels = {
  helpful: 'Hilfreich',
  reply: 'Antworten',
  report: 'Melden',
  answer: 'Antwort',
  answers: 'Antworten',
  inReplyTo: 'Antwort auf',
  deleted: 'gelöscht',
}

interface BarePost {
  id: number
  depth: number
  authorId: number
  authorName: string
  authorJob: string
  authorOrg: string
  bodyHtml: string
  createdIso: string
  createdLabel: string
  helpfulCount: number
  pressed: 'true' | 'false'
  plain: boolean
  canReact: boolean
  canReply: boolean
  canReport: boolean
  replyTo?: { id: number; name: string }
  children: BarePost[]
  descendants: number
}

/** The same nesting as thread-page.ts: six levels, deeper replies in their level-5 ancestor's list. */
function nest(rows: BarePost[]): BarePost[] {
  const chain: BarePost[] = []
  const top: BarePost[] = []
  for (const post of rows) {
    chain[post.depth] = post
    chain.length = post.depth + 1
    if (post.depth === 0) continue
    if (post.depth > 6)
      post.replyTo = { id: chain[post.depth - 1]!.id, name: chain[post.depth - 1]!.authorName }
    post.plain = post.replyTo === undefined
    const owner = chain[Math.min(post.depth - 1, 5)]
    if (!owner || owner.depth === 0) top.push(post)
    else owner.children.push(post)
  }
  const count = (post: BarePost): number => {
    post.descendants = post.children.reduce((sum, child) => sum + 1 + count(child), 0)
    return post.descendants
  }
  for (const post of top) count(post)
  return top
}

async function runCeiling(): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  const hbs = Handlebars.create()
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  // The real page prints the list in code and keeps an ordinary post's article (postList in
  // src/features/discussions/discussions.view.ts); the bare page renders the same markup with a
  // template, every post each time.
  for (const name of ['_article', '_answer-count', '_helpful'])
    hbs.registerPartial(
      `discussions/${name}`,
      hbs.compile(readFileSync(path.join(root, 'views', 'discussions', `${name}.hbs`), 'utf8'), {
        preventIndent: true,
      }),
    )
  hbs.registerPartial('discussions/_post', hbs.compile(postTemplate, { preventIndent: true }))
  const light = Handlebars.compile(lightTemplate)
  const same = hbs.compile(sameTemplate, { preventIndent: true })
  const threadId = Number(process.env.THREAD_ID)
  const readerId = Number(process.env.READER_ID)
  const query = `select p.id, p.depth, p.author_id as "authorId", m.name as "authorName", m.job_title as "authorJob",
       o.name as "authorOrg", p.body_html as "bodyHtml", p.helpful_count as "helpfulCount",
       to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdIso",
       to_char(p.created_at at time zone 'Europe/Berlin', 'DD.MM.YYYY, HH24:MI') as "createdLabel",
       case when x.post_id is null then 'false' else 'true' end as pressed
     from posts p join members m on m.id = p.author_id join organisations o on o.id = m.organisation_id
     left join reactions x on x.post_id = p.id and x.member_id = $2 and x.kind = 'helpful'
     where p.thread_id = $1 order by p.path`
  const app = Fastify({ logger: false })
  app.get('/healthz', async () => ({ ok: true }))
  app.get('/light', async (_request, reply) => {
    const { rows } = await pool.query(query, [threadId, readerId])
    reply.type('text/html; charset=utf-8')
    return light({ title: 'Thema', posts: rows })
  })
  app.get('/same', async (_request, reply) => {
    const { rows } = await pool.query<BarePost>(query, [threadId, readerId])
    const posts = rows.map((row) => ({
      ...row,
      plain: false,
      canReact: true,
      canReply: true,
      canReport: true,
      children: [],
      descendants: 0,
    }))
    reply.type('text/html; charset=utf-8')
    return same({ title: 'Thema', replies: nest(posts), labels })
  })
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
}

// ---------------------------------------------------------------------------------------
// Measurements

interface Rate {
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
}

async function rate(
  url: string,
  cookie: string | undefined,
  connections: number,
  duration: number,
): Promise<Rate> {
  const result = await autocannon({
    url,
    connections,
    duration,
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

/** Halves of one measurement: mean rate and median, the worse p99, all errors. */
function combine(parts: Rate[]): Rate {
  const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10
  return {
    requestsPerSecond: mean(parts.map((p) => p.requestsPerSecond)),
    p50: mean(parts.map((p) => p.p50)),
    p99: Math.max(...parts.map((p) => p.p99)),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
  }
}

async function get(url: string, cookie?: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, {
    headers: { ...(cookie ? { cookie } : {}), ...headers },
    redirect: 'manual',
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
  return text
}

/** Transactions the server ran per request (every query outside a transaction is one). */
async function queriesPerRequest(serverUrl: string, database: string, url: string, cookie: string) {
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
  await statisticsReported()
  const before = await read()
  for (let i = 0; i < 25; i++) await get(url, cookie)
  await statisticsReported()
  const after = await read()
  await monitor.end()
  return Math.round(((after - before) / 25) * 10) / 10
}

/** Bytes of markup per post in a page: the reply list's bytes over its posts. */
function bytesPerPost(html: string): number {
  const list = /<ol id="replies"[^>]*>(.*)<\/ol>/s.exec(html)?.[1] ?? ''
  const posts = list.match(/<li id="post-\d+">/g)?.length ?? 0
  return posts === 0 ? 0 : Math.round(Buffer.byteLength(list) / posts)
}

/** A signed-in writer's cookie and CSRF token for htmx posts (token from the page, secret from its cookie). */
async function writerSession(base: string, threadId: number, sessionCookie: string) {
  const response = await fetch(`${base}/t/${threadId}`, { headers: { cookie: sessionCookie } })
  const html = await response.text()
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1]
  const csrfCookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('vr_csrf='))
  if (!token || !csrfCookie) throw new Error('no CSRF token on the thread page')
  return { cookie: `${sessionCookie}; ${csrfCookie}`, token }
}

function replySender(
  base: string,
  threadId: number,
  parentId: number,
  session: { cookie: string; token: string },
) {
  let n = 0
  return async () => {
    const response = await fetch(`${base}/t/${threadId}/posts`, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.token,
        'hx-request': 'true',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        parent: String(parentId),
        body: `Messantwort ${++n}: danke, das hilft uns.`,
        formKey: '',
      }),
    })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`reply answered ${response.status}: ${text.slice(0, 200)}`)
    return text
  }
}

/** The post at depth 1 with the most replies below it: where a reply changes the most counts. */
async function busiestReply(db: Db, threadId: number): Promise<number> {
  const result = await sql<{ id: number }>`
    select a.id from posts a where a.thread_id = ${threadId} and a.depth = 1
    order by (select count(*) from posts p where p.thread_id = a.thread_id and p.path && array[a.id] ) desc, a.id
    limit 1`.execute(db)
  return result.rows[0]!.id
}

/** Rounds and requests per round of the CPU measurement (BENCH_CPU_ROUNDS, default 4 × 50). */
const cpuRounds = Number(process.env.BENCH_CPU_ROUNDS ?? 4)
const cpuRequests = 50

const meanCpu = (parts: CpuPerRequest[]): CpuPerRequest => ({
  server: Math.round((parts.reduce((s, p) => s + (p.server ?? 0), 0) / parts.length) * 100) / 100,
  database: Math.round((parts.reduce((s, p) => s + (p.database ?? 0), 0) / parts.length) * 100) / 100,
})

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a && b ? Math.round((a / b) * 100) / 100 : null

async function main(): Promise<void> {
  const started = Date.now()
  const loadAtStart = loadAverage()
  console.log(`Load average at the start: ${loadAtStart.join(' ')}. Setting up a scratch database …`)
  const scratch = await scratchDatabase()
  try {
    const pool = new pg.Pool({ connectionString: scratch.url, max: 4 })
    pool.on('error', () => {}) // the scratch database is dropped at the end
    const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const { migrateToLatest } = await import('../src/db/migrator.ts')
    await migrateToLatest(db)
    const seedStart = Date.now()
    const seeded = await seed(db)
    const { rows } = await sql<{ threads: number; posts: number }>`
      select (select count(*) from threads)::int as threads, (select count(*) from posts)::int as posts`.execute(
      db,
    )
    const data = rows[0]!
    console.log(
      `Seeded ${data.threads} threads, ${data.posts} posts in ${((Date.now() - seedStart) / 1000).toFixed(1)} s.`,
    )
    const session = await signIn(db, seeded.memberId)
    const writers = [await signIn(db, seeded.writerIds[0]), await signIn(db, seeded.writerIds[1])]
    const parents = {
      small: await busiestReply(db, seeded.thread10),
      big: await busiestReply(db, seeded.thread5000),
    }
    await db.destroy()

    const serverPort = await freePort()
    const ceilingPort = await freePort()
    const ceiling = startProcess([path.join('bench', 'thread-page.ts'), '--ceiling'], {
      DATABASE_URL: scratch.url,
      PORT: String(ceilingPort),
      THREAD_ID: String(seeded.thread100),
      READER_ID: String(seeded.memberId),
    })
    const server = await startServer(scratch.url, serverPort)
    await waitForReady(`http://127.0.0.1:${ceilingPort}/healthz`, ceiling)
    const base = `http://127.0.0.1:${serverPort}`
    const cookie = await browserCookie(`${base}/t/${seeded.thread100}`, session)
    const bare = `http://127.0.0.1:${ceilingPort}`

    const pages = [
      {
        key: 'same',
        name: 'ceiling: bare page, same markup, 100 posts',
        url: `${bare}/same`,
        pid: ceiling.pid,
      },
      {
        key: 'light',
        name: 'ceiling: bare page, light markup, 100 posts',
        url: `${bare}/light`,
        pid: ceiling.pid,
      },
      {
        key: 'page100',
        name: 'thread page, 100 posts',
        url: `${base}/t/${seeded.thread100}`,
        cookie,
        pid: server.pid,
      },
      {
        key: 'window5000',
        name: 'thread page, 5,000 posts: first window',
        url: `${base}/t/${seeded.thread5000}`,
        cookie,
        pid: server.pid,
      },
    ] as const
    const results: Record<
      string,
      {
        name: string
        bytes: number
        bytesPerPost: number
        cpu: CpuPerRequest
        queries?: number
        rate?: Rate
        latency?: Rate
      }
    > = {}
    console.log(
      `\nCPU per request (server / database; ${cpuRounds} rounds of ${cpuRequests} sequential requests, the pages alternating):`,
    )
    for (const page of pages) {
      const cookieOf = 'cookie' in page ? page.cookie : undefined
      const html = await get(page.url, cookieOf)
      const dump = process.env.BENCH_DUMP
      if (dump) {
        mkdirSync(dump, { recursive: true })
        writeFileSync(path.join(dump, `${page.key}.html`), html)
      }
      if (cookieOf && !html.includes('action="/logout"')) throw new Error(`${page.url}: not signed in`)
      await rate(page.url, cookieOf, 10, 2) // warm-up
      results[page.key] = {
        name: page.name,
        bytes: Buffer.byteLength(html),
        bytesPerPost: bytesPerPost(html),
        cpu: { server: null, database: null },
      }
    }
    // In rounds, the pages taking turns: a change in the machine's load affects them alike.
    const rounds: Record<string, CpuPerRequest[]> = Object.fromEntries(pages.map((page) => [page.key, []]))
    for (let round = 0; round < cpuRounds; round++)
      for (const page of pages) {
        const cookieOf = 'cookie' in page ? page.cookie : undefined
        rounds[page.key]!.push(
          await cpuPerRequest(page.pid, scratch.dataDirectory, () => get(page.url, cookieOf), cpuRequests),
        )
      }
    for (const page of pages) {
      const r = results[page.key]!
      r.cpu = meanCpu(rounds[page.key]!)
      console.log(
        `  ${page.name}: ${r.cpu.server} / ${r.cpu.database} ms; ${(r.bytes / 1024).toFixed(1)} KB, ${r.bytesPerPost} bytes per post`,
      )
      const cookieOf = 'cookie' in page ? page.cookie : undefined
      if (cookieOf && process.env.BENCH_QUERIES)
        r.queries = await queriesPerRequest(scratch.serverUrl, scratch.name, page.url, cookieOf)
    }

    // Replies by htmx, the 10-post and the 5,000-post thread alternating (two halves of 12 each).
    const sessions = [
      await writerSession(base, seeded.thread10, writers[0]!),
      await writerSession(base, seeded.thread5000, writers[1]!),
    ]
    const senders = [
      replySender(base, seeded.thread10, parents.small, sessions[0]!),
      replySender(base, seeded.thread5000, parents.big, sessions[1]!),
    ]
    const replyCpu: CpuPerRequest[][] = [[], []]
    const replyBytes = [0, 0]
    for (const index of [0, 1, 0, 1]) {
      replyBytes[index] = Buffer.byteLength(await senders[index]!())
      replyCpu[index]!.push(await cpuPerRequest(server.pid, scratch.dataDirectory, senders[index]!, 12))
    }
    const replies = {
      small: { name: 'htmx reply, 10-post thread', cpu: meanCpu(replyCpu[0]!), bytes: replyBytes[0]! },
      big: { name: 'htmx reply, 5,000-post thread', cpu: meanCpu(replyCpu[1]!), bytes: replyBytes[1]! },
    }
    for (const r of Object.values(replies))
      console.log(`  ${r.name}: ${r.cpu.server} / ${r.cpu.database} ms; ${r.bytes} bytes`)

    // Requests per second: the three 100-post pages alternate in halves; then p99 at 10 connections.
    const alternating = ['same', 'light', 'page100'] as const
    const halves: Record<string, Rate[]> = { same: [], light: [], page100: [] }
    for (let half = 0; half < 2; half++)
      for (const key of alternating) {
        const page = pages.find((p) => p.key === key)!
        halves[key]!.push(await rate(page.url, 'cookie' in page ? page.cookie : undefined, 50, seconds / 2))
      }
    for (const key of alternating) results[key]!.rate = combine(halves[key]!)
    results.page100!.latency = await rate(pages[2].url, cookie, 10, seconds)
    results.window5000!.latency = await rate(pages[3].url, cookie, 10, seconds)

    // The home page at 1k and 1M posts (the "ops" bench, bench/home-page.ts), unless BENCH_HOME=0.
    let home: HomePageBenchResult | { error: string } | undefined
    if (process.env.BENCH_HOME !== '0') {
      try {
        home = await runHomePageBench({ seconds })
      } catch (error) {
        home = { error: String(error) }
      }
    }

    const r = results
    const checks = [
      check(
        '100-post page ≥ 70 % of the same-markup bare page (req/s, 50 connections)',
        ratio(r.page100!.rate?.requestsPerSecond, r.same!.rate?.requestsPerSecond),
        (v) => v >= 0.7,
        percent,
      ),
      check(
        '100-post page ≥ 55 % of the light bare page (req/s, 50 connections)',
        ratio(r.page100!.rate?.requestsPerSecond, r.light!.rate?.requestsPerSecond),
        (v) => v >= 0.55,
        percent,
      ),
      check(
        '100-post page: server CPU per request ≤ 1.5 × the same-markup bare page',
        ratio(r.page100!.cpu.server, r.same!.cpu.server),
        (v) => v <= 1.5,
        times,
      ),
      check(
        '5,000-post thread: first window ≤ 150 KB',
        Math.round((r.window5000!.bytes / 1024) * 10) / 10,
        (v) => v <= 150,
        (v) => `${v} KB`,
      ),
      check(
        '5,000-post thread: first window CPU per request ≤ 1.5 × the 100-post page',
        ratio(r.window5000!.cpu.server, r.page100!.cpu.server),
        (v) => v <= 1.5,
        times,
      ),
      check(
        'htmx reply: 5,000-post thread ≤ 1.5 × the 10-post thread (server CPU)',
        ratio(replies.big.cpu.server, replies.small.cpu.server),
        (v) => v <= 1.5,
        times,
      ),
      check(
        '100-post page p99 < 100 ms at 10 connections',
        r.page100!.latency?.p99 ?? null,
        (v) => v < 100,
        ms,
      ),
      check(
        '≤ 800 bytes of markup per ordinary post',
        r.page100!.bytesPerPost,
        (v) => v <= 800,
        (v) => `${v} B`,
      ),
      check(
        'home page at 1M posts ≤ 1.5 × at 1k posts (server CPU)',
        home && 'ratios' in home ? home.ratios.serverCpu : null,
        (v) => v <= 1.5,
        times,
      ),
      check(
        'no errors',
        Object.values(r).reduce((sum, x) => sum + (x.rate?.errors ?? 0) + (x.latency?.errors ?? 0), 0),
        (v) => v === 0,
        String,
      ),
    ]
    const report = {
      date: new Date().toISOString(),
      machine: machineOfRun(loadAtStart, loadAverage()),
      data,
      seconds,
      results,
      replies,
      home,
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
    await stopProcesses()
    await scratch.cleanup()
  }
}

const percent = (v: number) => `${Math.round(v * 100)} %`
const times = (v: number) => `${v} ×`
const ms = (v: number) => `${v} ms`

function check(
  target: string,
  value: number | null,
  ok: (v: number) => boolean,
  show: (v: number) => string,
) {
  return { target, value: value === null ? '–' : show(value), ok: value !== null && ok(value) }
}

function markdown(report: {
  date: string
  machine: Machine
  data: { threads: number; posts: number }
  seconds: number
  results: Record<
    string,
    {
      name: string
      bytes: number
      bytesPerPost: number
      cpu: CpuPerRequest
      queries?: number
      rate?: Rate
      latency?: Rate
    }
  >
  replies: Record<string, { name: string; cpu: CpuPerRequest; bytes: number }>
  checks: { target: string; ok: boolean; value: string }[]
}): string {
  const show = (m: Rate | undefined) => (m ? `${m.requestsPerSecond} (${m.p50} / ${m.p99} ms)` : '–')
  return [
    `Thread page benchmark, ${report.date.slice(0, 16).replace('T', ' ')} UTC: ${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}; ${report.data.threads} threads, ${report.data.posts} posts; ${report.seconds} s per rate measurement; load generator on the same machine; load average (1/5/15 min) ${report.machine.loadAverageAtStart.join(' ')} at the start, ${report.machine.loadAverageAtEnd.join(' ')} at the end.`,
    '',
    '| page | CPU ms/req: server / database | HTML | bytes per post | req/s at 50 conn. (p50 / p99) | req/s at 10 conn. (p50 / p99) | queries |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.values(report.results).map(
      (r) =>
        `| ${r.name} | ${r.cpu.server ?? '–'} / ${r.cpu.database ?? '–'} | ${(r.bytes / 1024).toFixed(1)} KB | ${r.bytesPerPost} | ${show(r.rate)} | ${show(r.latency)} | ${r.queries ?? '–'} |`,
    ),
    ...Object.values(report.replies).map(
      (r) =>
        `| ${r.name} | ${r.cpu.server ?? '–'} / ${r.cpu.database ?? '–'} | ${r.bytes} B | – | – | – | – |`,
    ),
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
