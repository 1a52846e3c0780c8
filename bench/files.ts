// `npm run bench:files`: uploading and downloading attachments through the real server, and
// how much memory that takes (no file may ever be wholly in memory).
//
// Starts the real server (src/server.ts, production settings; files up to 60 MB for this run)
// against a scratch database, signs in as a member and, at 10 connections: uploads 1 MB files
// (BENCH_FILES_SMALL, default 100) and ten 50 MB files at once (POST /files, streamed multipart
// bodies written as they are generated), puts them on a post and downloads them all again. For
// each phase: throughput (MB/s of file bytes), the server's CPU time per MB and the database's
// (from /proc), and the server's largest RSS while it ran (sampled every 50 ms). Fails when the
// server's RSS passes 300 MB while the ten 50 MB uploads run (500 MB in flight), the issue's figure.
// The server runs with the memory settings `npm start` and the Dockerfile use (serverMemory below);
// BENCH_FILES_PLAIN=1 runs it with Node's and glibc's defaults instead, for a comparison.
// Results: stdout and bench/results/files.{json,md}.
//
// BENCH_DATABASE_URL (a server; a scratch database is created and dropped) or else an embedded
// PostgreSQL in a temp folder.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Db } from '../src/db/database.ts'
import type { Database } from '../src/db/schema.ts'
import { freePort } from '../src/lib/free-port.ts'
import { clusterCpuMillis, processCpuMillis, startServer, stopProcesses } from './helpers.ts'
import { scratchDatabase, signIn } from './seed.ts'

const root = path.resolve(import.meta.dirname, '..')
const connections = 10
const MB = 1024 * 1024
/** The server's RSS may not pass this while ten 50 MB uploads run (issue 14). */
const rssLimitMb = 300
/**
 * As package.json's start script and the Dockerfile run the server (README, Attachments): a young
 * generation of 2 × 8 MB instead of Node 24's up to 2 × 64 MB, and glibc handing buffers of 128 KB
 * and more straight back to the system instead of keeping them in its heap.
 */
const serverMemory = { nodeOptions: '--max-semi-space-size=8', mallocMmapThreshold: '131072' }
const plain = process.env.BENCH_FILES_PLAIN === '1'
const smallCount = Number(process.env.BENCH_FILES_SMALL ?? 100)

/** A block of random bytes the files are made of (each file gets its own first line). */
const block = randomBytes(MB)

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

interface Client {
  port: number
  cookie: string
  token: string
}

/** Uploads one generated PDF of `size` bytes as a streamed multipart body; the pending file's id. */
function upload(client: Client, size: number, n: number): Promise<number> {
  const boundary = `----bench${randomBytes(8).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${client.token}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="Datei ${n}.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const first = Buffer.from(`%PDF-1.7\n% bench file ${n} ${randomBytes(8).toString('hex')}\n`)
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: client.port,
        method: 'POST',
        path: '/files',
        headers: {
          cookie: client.cookie,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + size + tail.length,
          'hx-request': 'true',
        },
      },
      (response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8')
        })
        response.on('end', () => {
          const id = /name="upload" value="(\d+)"/.exec(body)?.[1]
          if (response.statusCode !== 200 || !id)
            reject(new Error(`upload ${response.statusCode}: ${body.slice(0, 300)}`))
          else resolve(Number(id))
        })
      },
    )
    request.on('error', reject)
    request.write(head)
    let written = 0
    const writeMore = () => {
      while (written < size) {
        const piece = written === 0 ? first : block.subarray(0, Math.min(block.length, size - written))
        const part = piece.subarray(0, Math.min(piece.length, size - written))
        written += part.length
        if (!request.write(part)) return void request.once('drain', writeMore)
      }
      request.end(tail)
    }
    writeMore()
  })
}

/** Downloads a file, counting its bytes without keeping them. */
function download(client: Client, id: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(
        { host: '127.0.0.1', port: client.port, path: `/files/${id}`, headers: { cookie: client.cookie } },
        (response) => {
          let bytes = 0
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length
          })
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(bytes)
              : reject(new Error(`download ${response.statusCode}`)),
          )
        },
      )
      .on('error', reject)
  })
}

/** Runs `jobs` at `connections` at once. */
async function inParallel<T>(count: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(connections, count) }, async () => {
      while (next < count) {
        const i = next++
        results[i] = await job(i)
      }
    }),
  )
  return results
}

interface Phase {
  name: string
  files: number
  fileMb: number
  seconds: number
  mbPerSecond: number
  serverCpuMsPerMb: number
  databaseCpuMsPerMb: number | null
  maxRssMb: number
}

async function measure(
  name: string,
  serverPid: number,
  dataDirectory: string | undefined,
  files: number,
  fileBytes: number,
  work: () => Promise<unknown>,
): Promise<Phase> {
  let maxRss = rssMb(serverPid)
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, rssMb(serverPid))
  }, 50)
  const cpuBefore = processCpuMillis(serverPid)
  const databaseBefore = clusterCpuMillis(dataDirectory)
  const started = performance.now()
  await work()
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  maxRss = Math.max(maxRss, rssMb(serverPid))
  const totalMb = (files * fileBytes) / MB
  const databaseAfter = clusterCpuMillis(dataDirectory)
  const round = (value: number) => Math.round(value * 10) / 10
  const phase: Phase = {
    name,
    files,
    fileMb: fileBytes / MB,
    seconds: round(seconds),
    mbPerSecond: round(totalMb / seconds),
    serverCpuMsPerMb: round((processCpuMillis(serverPid) - cpuBefore) / totalMb),
    databaseCpuMsPerMb:
      databaseBefore === null || databaseAfter === null
        ? null
        : round((databaseAfter - databaseBefore) / totalMb),
    maxRssMb: Math.round(maxRss),
  }
  console.info(
    `${name}: ${files} × ${phase.fileMb} MB in ${phase.seconds} s = ${phase.mbPerSecond} MB/s; server ${phase.serverCpuMsPerMb} ms CPU/MB` +
      `${phase.databaseCpuMsPerMb === null ? '' : `, database ${phase.databaseCpuMsPerMb} ms CPU/MB`}; server RSS max ${phase.maxRssMb} MB`,
  )
  return phase
}

async function main() {
  const scratch = await scratchDatabase()
  const db: Db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scratch.url, max: 2 }) }),
  })
  try {
    const port = await freePort()
    // The server reads its limits from the environment (startProcess passes ours on).
    process.env.ATTACHMENT_MAX_MB = '60'
    process.env.ATTACHMENT_MAX_FILES = '50'
    process.env.ATTACHMENT_QUOTA_MB = String(1024 * 1024)
    if (!plain) {
      process.env.BENCH_SERVER_NODE_OPTIONS ??= serverMemory.nodeOptions
      process.env.MALLOC_MMAP_THRESHOLD_ ??= serverMemory.mallocMmapThreshold
    }
    const settings = plain
      ? 'defaults'
      : `NODE_OPTIONS=${process.env.BENCH_SERVER_NODE_OPTIONS} MALLOC_MMAP_THRESHOLD_=${process.env.MALLOC_MMAP_THRESHOLD_}`
    const server = await startServer(scratch.url, port)
    const pid = server.pid!
    const org = await db
      .insertInto('organisations')
      .values({ kind: 'gemeinde', name: 'Benchstadt' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const member = await sql<{ id: number }>`
      insert into members (name, email, job_title, organisation_id, statement, password_hash, role, status,
        email_confirmed_at, verified_at, verified_until)
      values ('Bea Bench', 'bea@benchstadt.de', 'Digitalisierung', ${org.id}, 'Bench', 'x', 'member', 'verified',
        now(), now(), now() + interval '1 year') returning id`.execute(db)
    const memberId = member.rows[0]!.id
    const session = await signIn(db, memberId)
    const page = await fetch(`http://127.0.0.1:${port}/t/new`, { headers: { cookie: session } })
    const html = await page.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
    const csrfCookie = page.headers
      .getSetCookie()
      .find((c) => c.startsWith('vr_csrf='))
      ?.split(';')[0]
    if (!token || !csrfCookie) throw new Error(`no CSRF token (status ${page.status})`)
    const client: Client = { port, cookie: `${session}; ${csrfCookie}`, token }
    const category = /<option value="(\d+)"/.exec(html)?.[1]
    const thread = await fetch(`http://127.0.0.1:${port}/t`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: token,
        title: 'Dateien für den Benchmark',
        category: category ?? '',
        stage: 'idea',
        tags: '',
        body: 'Hier hängen die Dateien.',
        formKey: '',
      }),
    })
    const threadId = Number(thread.headers.get('location')?.split('/').pop())
    if (!threadId) throw new Error(`thread not started (${thread.status})`)
    const opening = await db
      .selectFrom('threads')
      .select('opening_post_id')
      .where('id', '=', threadId)
      .executeTakeFirstOrThrow()
    const attachAll = () =>
      db
        .updateTable('attachments')
        .set({ post_id: opening.opening_post_id, thread_id: threadId, attached_at: sql`now()` })
        .where('post_id', 'is', null)
        .execute()

    const idle = Math.round(rssMb(pid))
    console.info(
      `server (${settings}) RSS idle: ${idle} MB; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )
    const phases: Phase[] = []
    let small: number[] = []
    phases.push(
      await measure('upload 1 MB', pid, scratch.dataDirectory, smallCount, MB, async () => {
        small = await inParallel(smallCount, (i) => upload(client, MB, i))
      }),
    )
    let large: number[] = []
    phases.push(
      await measure('upload 50 MB', pid, scratch.dataDirectory, 10, 50 * MB, async () => {
        large = await inParallel(10, (i) => upload(client, 50 * MB, 1000 + i))
      }),
    )
    await attachAll()
    phases.push(
      await measure('download 1 MB', pid, scratch.dataDirectory, small.length, MB, () =>
        inParallel(small.length, (i) => download(client, small[i]!)),
      ),
    )
    phases.push(
      await measure('download 50 MB', pid, scratch.dataDirectory, large.length, 50 * MB, () =>
        inParallel(large.length, (i) => download(client, large[i]!)),
      ),
    )
    const storage = await sql<{ bytes: number; blobs: number }>`
      select coalesce(sum(size), 0)::bigint as bytes, count(*)::int as blobs from attachment_blobs`.execute(
      db,
    )
    const tableSize = await sql<{
      size: string
    }>`select pg_size_pretty(pg_total_relation_size('attachment_chunks')) as size`.execute(db)
    const result = {
      at: new Date().toISOString(),
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      cpus: os.cpus().length,
      connections,
      serverSettings: settings,
      idleRssMb: idle,
      peakRssMb: Math.max(...phases.map((p) => p.maxRssMb)),
      rssLimitMb,
      phases,
      stored: {
        blobs: storage.rows[0]!.blobs,
        mb: Math.round(Number(storage.rows[0]!.bytes) / MB),
        chunksTable: tableSize.rows[0]!.size,
      },
    }
    const folder = path.join(root, 'bench/results')
    mkdirSync(folder, { recursive: true })
    writeFileSync(path.join(folder, 'files.json'), `${JSON.stringify(result, null, 2)}\n`)
    const rows = phases.map(
      (p) =>
        `| ${p.name} | ${p.files} | ${p.seconds} s | ${p.mbPerSecond} MB/s | ${p.serverCpuMsPerMb} ms | ${p.databaseCpuMsPerMb ?? '–'} ms | ${p.maxRssMb} MB |`,
    )
    writeFileSync(
      path.join(folder, 'files.md'),
      [
        `# bench:files (${result.at}, load average ${result.loadAverage.join(' ')}, ${result.cpus} cores, ${connections} connections)`,
        '',
        '| phase | files | time | throughput | server CPU/MB | database CPU/MB | server RSS max |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
        `Server (${settings}): RSS idle ${idle} MB, peak ${result.peakRssMb} MB; limit during the ten 50 MB uploads ${rssLimitMb} MB. Stored: ${result.stored.blobs} blobs, ${result.stored.mb} MB (chunks table ${result.stored.chunksTable}).`,
        '',
      ].join('\n'),
    )
    const upload50 = phases.find((p) => p.name === 'upload 50 MB')!
    console.info(
      `server RSS during ten 50 MB uploads: ${upload50.maxRssMb} MB (idle ${idle} MB, limit ${rssLimitMb} MB); peak ${result.peakRssMb} MB`,
    )
    if (upload50.maxRssMb > rssLimitMb) {
      console.error(
        `server RSS reached ${upload50.maxRssMb} MB during the 50 MB uploads: over ${rssLimitMb} MB`,
      )
      process.exitCode = 1
    }
  } finally {
    await stopProcesses()
    await db.destroy()
    await scratch.cleanup()
  }
}

await main()
