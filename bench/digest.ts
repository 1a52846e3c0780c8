// npm run bench:digest — the weekly digest for 20,000 members over 2,000 new threads.
//
// A throw-away embedded Postgres is filled with members (each with some followed threads,
// many with a choice of categories), a week of threads with opening posts, and replies.
// Then the real code runs through the real queue:
//   1. composing: schedule_digests' batches add one compose_digest job per member; a worker
//      pool composes and records every digest (the time until the last one is recorded);
//   2. sending: a worker pool builds and sends the recorded digests over SMTP into a local
//      sink (smtp-server in this process, counting messages and bytes).
// Prints the numbers and writes bench/results/digest.json.
//
// BENCH_MEMBERS, BENCH_THREADS, BENCH_SEND (how many of the digests to send; default 2,000) and
// BENCH_CONCURRENCY change the sizes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { run } from 'graphile-worker'
import { sql } from 'kysely'
import { SMTPServer } from 'smtp-server'
import { loadConfig } from '../src/config.ts'
import { installJobQueue, quietLogger } from '../src/core/jobs/job-queue.ts'
import { smtpTransport } from '../src/core/mail/mail.transport.ts'
import { createDb, type Db } from '../src/db/database.ts'
import { ensureDatabase, startEmbeddedPostgres } from '../src/db/embedded-postgres.ts'
import { migrateToLatest } from '../src/db/migrator.ts'
import { deriveKey } from '../src/deps.ts'
import { digestTasks, scheduleDigests } from '../src/features/digests/digests.jobs.ts'
import { unsubscribeKeyPurpose } from '../src/features/digests/unsubscribe.ts'
import { mailTemplates } from '../src/jobs.ts'
import { freePort } from '../src/lib/free-port.ts'

const members = Number(process.env.BENCH_MEMBERS ?? 20_000)
const threads = Number(process.env.BENCH_THREADS ?? 2_000)
const sendLimit = Number(process.env.BENCH_SEND ?? 2_000)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4)

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9
const log = (message: string) => console.log(`[bench:digest] ${message}`)

async function seed(db: Db) {
  await sql`insert into organisations (kind, name, land)
    select 'gemeinde', 'Gemeinde Bench ' || i, 'Hessen' from generate_series(1, 500) i`.execute(db)
  await sql`insert into members (email, name, job_title, organisation_id, password_hash, status, email_confirmed_at, verified_at, verified_until, created_at)
    select 'member' || i || '@bench.example', 'Mitglied ' || i, 'Digitalisierung',
      (select min(id) from organisations) + (i % 500), 'not-a-hash', 'verified', now(), now() - interval '60 days',
      now() + interval '1 year', now() - interval '60 days'
    from generate_series(1, ${members}) i`.execute(db)
  // Weekly digests; 40 % all categories, the others one to three; last digest a week ago.
  await sql`insert into member_digest_settings (member_id, frequency, all_categories, category_ids, digest_watermark, digest_period)
    select m.id, 'weekly', m.id % 5 < 2,
      case when m.id % 5 < 2 then '{}'::int[] else
        (select array_agg(c.id) from (select id from categories order by random() limit 1 + (m.id % 3)) c) end,
      now() - interval '7 days', 'weekly:previous'
    from members m`.execute(db)
  await sql`insert into threads (category_id, author_id, title, stage, confidential, created_at, last_activity_at)
    select (select id from categories order by id offset (i % 7) limit 1),
      (select min(id) from members) + (i * 7919 % ${members}),
      'Thema ' || i || ': Erfahrungen mit der Einführung eines digitalen Verfahrens',
      (array['idea', 'concept', 'pilot', 'in_use', 'dropped'])[1 + i % 5],
      i % 20 = 0,
      now() - interval '7 days' + (i * interval '1 second' * (6.5 * 86400 / ${threads})),
      now() - interval '7 days' + (i * interval '1 second' * (6.5 * 86400 / ${threads}))
    from generate_series(1, ${threads}) i`.execute(db)
  const body = `<p>${'Wir haben in unserer Verwaltung ein Verfahren ausprobiert und berichten hier, was gut lief und was nicht. '.repeat(6)}</p>`
  await sql`with numbered as (
      select t.id as thread_id, t.author_id, t.created_at, nextval(pg_get_serial_sequence('posts', 'id'))::int as id
      from threads t),
    opened as (
      insert into posts (id, thread_id, author_id, path, depth, body_source, body_html, created_at)
      select id, thread_id, author_id, array[id], 0, 'Text', ${body}, created_at from numbered
      returning id, thread_id)
    update threads set opening_post_id = opened.id, last_post_id = opened.id from opened where threads.id = opened.thread_id`.execute(
    db,
  )
  // Five replies per thread, spread over the week.
  await sql`with numbered as (
      select t.id as thread_id, t.opening_post_id, t.created_at, r,
        nextval(pg_get_serial_sequence('posts', 'id'))::int as id
      from threads t cross join generate_series(1, 5) r)
    insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at)
    select id, thread_id, (select min(id) from members) + ((thread_id * 31 + r) % ${members}), opening_post_id,
      array[opening_post_id, id], 1, 'Antwort', '<p>Eine Antwort.</p>', created_at + r * interval '1 hour'
    from numbered`.execute(db)
  await sql`update threads set reply_count = 5`.execute(db)
  // Every member follows three threads.
  await sql`insert into follows (thread_id, member_id)
    select distinct (select min(id) from threads) + ((m.id * 13 + k * 101) % ${threads}), m.id
    from members m cross join generate_series(0, 2) k
    on conflict do nothing`.execute(db)
  await sql`vacuum analyze`.execute(db)
}

async function waitUntilDone(db: Db, task: string) {
  for (;;) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs
      where task_identifier = ${task} and attempts < max_attempts`.execute(db)
    if (rows[0]!.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function main() {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'vertrauensraum-bench-'))
  rmSync(folder, { recursive: true })
  log(`starting a throw-away Postgres in ${folder}`)
  const pg = await startEmbeddedPostgres({
    directory: path.join(folder, 'data'),
    port: await freePort(),
    ephemeral: true,
  })
  const url = await ensureDatabase(pg.url, 'bench')
  const db = createDb({ connectionString: url, max: concurrency + 4 })
  let peakRss = 0
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 100)
  try {
    await migrateToLatest(db)
    await installJobQueue(url)
    const t0 = process.hrtime.bigint()
    await seed(db)
    log(
      `seeded ${members} members, ${threads} threads (+${threads * 5} replies) in ${seconds(t0).toFixed(1)} s`,
    )

    // A local SMTP sink that only counts.
    let received = 0
    let bytes = 0
    const sink = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      // Pooled client connections stay open; do not wait for them when closing.
      closeTimeout: 50,
      logger: false,
      onData(stream, _session, callback) {
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length
        })
        stream.on('end', () => {
          received++
          callback()
        })
      },
    })
    const smtpPort = await freePort()
    await new Promise<void>((resolve) => sink.listen(smtpPort, '127.0.0.1', () => resolve()))

    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      BASE_URL: 'https://forum.example',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      LOG_LEVEL: 'silent',
    })
    const transport = smtpTransport(config.smtpUrl!)
    const tasks = digestTasks({
      config,
      db,
      transport,
      templates: mailTemplates,
      unsubscribeKey: deriveKey(config.sessionSecret!, unsubscribeKeyPurpose),
    })

    // 1. Composing: schedule (batches of job inserts) + compose jobs through the worker pool.
    const composeStart = process.hrtime.bigint()
    const scheduled = await scheduleDigests(db, config, new Date())
    const scheduleSeconds = seconds(composeStart)
    const composer = await run({
      connectionString: url,
      concurrency,
      noHandleSignals: true,
      pollInterval: 200,
      taskList: { compose_digest: tasks.compose_digest! },
      logger: quietLogger(),
    })
    await waitUntilDone(db, 'compose_digest')
    const composeSeconds = seconds(composeStart)
    await composer.stop()
    const { rows: recorded } = await sql<{ n: number; threads: number }>`
      select count(*)::int as n, coalesce(avg(cardinality(thread_ids)), 0)::float as threads
      from mail_deliveries where kind = 'digest'`.execute(db)
    log(
      `composed ${recorded[0]!.n} digests for ${scheduled} due members in ${composeSeconds.toFixed(1)} s ` +
        `(scheduling ${scheduleSeconds.toFixed(1)} s; ${(scheduled / composeSeconds).toFixed(0)} members/s; ` +
        `${recorded[0]!.threads.toFixed(1)} threads listed per digest on average)`,
    )

    // 2. Sending: only the first BENCH_SEND digests are released to the sending workers.
    if (sendLimit < recorded[0]!.n) {
      await sql`delete from graphile_worker._private_jobs where id in (
        select j.id from graphile_worker.jobs j where j.task_identifier = 'send_digest' order by j.id offset ${sendLimit})`.execute(
        db,
      )
    }
    const sendStart = process.hrtime.bigint()
    const sender = await run({
      connectionString: url,
      concurrency,
      noHandleSignals: true,
      pollInterval: 200,
      taskList: { send_digest: tasks.send_digest! },
      logger: quietLogger(),
    })
    await waitUntilDone(db, 'send_digest')
    const sendSeconds = seconds(sendStart)
    await sender.stop()
    transport.close?.()
    await new Promise<void>((resolve) => sink.close(() => resolve()))
    const { rows: failed } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs
      where task_identifier = 'send_digest'`.execute(db)
    const perSecond = received / sendSeconds
    log(
      `sent ${received} digests into the SMTP sink in ${sendSeconds.toFixed(1)} s: ${perSecond.toFixed(0)} mails/s, ` +
        `${(bytes / Math.max(received, 1) / 1024).toFixed(1)} KiB per mail, ${failed[0]!.n} jobs left`,
    )
    log(`peak memory (RSS) ${(peakRss / 1024 / 1024).toFixed(0)} MiB`)
    const target = 60
    log(
      composeSeconds < target
        ? `composing is under the ${target} s target`
        : `composing MISSES the ${target} s target`,
    )

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      members,
      threads,
      replies: threads * 5,
      concurrency,
      compose: {
        dueMembers: scheduled,
        digestsRecorded: recorded[0]!.n,
        averageThreadsListed: Number(recorded[0]!.threads.toFixed(1)),
        scheduleSeconds: Number(scheduleSeconds.toFixed(2)),
        seconds: Number(composeSeconds.toFixed(2)),
        membersPerSecond: Math.round(scheduled / composeSeconds),
        targetSeconds: target,
        withinTarget: composeSeconds < target,
      },
      send: {
        mails: received,
        seconds: Number(sendSeconds.toFixed(2)),
        mailsPerSecond: Math.round(perSecond),
        averageKiB: Number((bytes / Math.max(received, 1) / 1024).toFixed(1)),
        jobsLeft: failed[0]!.n,
      },
      peakRssMiB: Math.round(peakRss / 1024 / 1024),
    }
    const out = path.resolve(import.meta.dirname, 'results')
    mkdirSync(out, { recursive: true })
    writeFileSync(path.join(out, 'digest.json'), `${JSON.stringify(results, null, 2)}\n`)
    log(`wrote ${path.join('bench', 'results', 'digest.json')}`)
  } finally {
    clearInterval(sampler)
    await db.destroy()
    await pg.stop()
    rmSync(folder, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
