// Mail after a crash: the real job runner (`npm run worker`, src/worker.ts) as a child process,
// a real SMTP server that hangs at one stage of the conversation, the child killed with
// SIGKILL while it waits there, and a new child started. What had provably not been accepted
// (the server hung before the end of the message data) goes out once, within seconds; what
// may have arrived (the end of the data was sent, or the 250 came but was never recorded) is
// never sent again — a digest then carries its threads into the next one.
import { type ChildProcess, spawn } from 'node:child_process'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.ts'
import { enqueueMail } from '../../src/core/mail/mail.queue.ts'
import type { Db } from '../../src/db/database.ts'
import { scheduleDigests } from '../../src/features/digests/digests.jobs.ts'
import { berlinParts } from '../../src/features/digests/digests.periods.ts'
import {
  createCategory,
  createThread,
  deliveries,
  longtimeMember,
  minutesAgo,
  setDigestSettings,
} from '../digests/fixtures.ts'
import { projectRoot } from '../foundation/process-helpers.ts'
import { testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { queuedJobs } from './queue.ts'
import { type SmtpSink, type SmtpStage, startSmtpSink } from './smtp-sink.ts'

let database: TestDatabase
let sink: SmtpSink
let config: Config
const children: ChildProcess[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
  config = testConfig({ SMTP_URL: sink.url })
})
afterAll(async () => {
  if (current) await stop(current)
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await sink?.close()
  await database?.drop()
})

interface Worker {
  child: ChildProcess
  output(): string
  exited: Promise<unknown>
}

/** `npm run worker` on the test database, mail to the sink. */
function startWorker(): Worker {
  // Digests of the hourly cron (and its backfill) never fall into this test.
  const digestHour = (berlinParts(new Date()).hour + 12) % 24
  const child = spawn(process.execPath, ['src/worker.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      SMTP_URL: sink.url,
      BASE_URL: 'http://forum.test',
      SESSION_SECRET: testConfig().sessionSecret!,
      DIGEST_HOUR: String(digestHour),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
  })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  return { child, output: () => output, exited }
}

async function kill(worker: Worker) {
  worker.child.kill('SIGKILL')
  await worker.exited
}

async function stop(worker: Worker) {
  worker.child.kill('SIGTERM')
  await worker.exited
}

/** Waits for `check`; a timeout names what it waited for and shows the running worker's log. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms: number) {
  const until = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (current && current.child.exitCode !== null) {
      throw new Error(
        `the worker ended (${current.child.exitCode}) while waiting for ${what}:\n${current.output()}`,
      )
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}:\n${current?.output() ?? ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const within = <T>(what: string, promise: Promise<T>, ms: number, worker: Worker) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out waiting for ${what}:\n${worker.output()}`)), ms),
    ),
  ])

const arrivedTo = (address: string) => sink.accepted().filter((m) => m.envelopeTo.includes(address))

async function sendStatus(db: Db, messageId: string) {
  const row = await db
    .selectFrom('mail_sends')
    .select('status')
    .where('message_id', '=', messageId)
    .executeTakeFirst()
  return row?.status
}

let counter = 0
const nextAddress = () => `crash-${++counter}-${Date.now()}@stadt-absturz.de`
/** A confirmation mail queued the way registration queues it; returns its address and Message-ID. */
async function queueConfirmation(to = nextAddress()) {
  await enqueueMail(database.db, {
    template: 'account.confirm_email',
    to,
    locale: 'de',
    params: { name: 'Person Absturz', token: `token-${counter}-abcdefghijklmnopqrstuvwxyz` },
  })
  const job = (await queuedJobs(database.db, 'send_mail')).find((j) => j.payload.to === to)!
  return { to, messageId: String(job.payload.messageId) }
}

/** The worker running now; each crash kills it and starts the next one. */
let current: Worker | undefined
const running = () => {
  current ??= startWorker()
  return current
}

/** Queues mail, lets the running worker hang at `stage` with it, kills it there and starts another. */
async function crashAt<T>(stage: SmtpStage, queue: () => Promise<T>) {
  const stalled = sink.stallNext(stage)
  const first = running()
  const queued = await queue()
  await within(`the SMTP conversation to hang at ${stage}`, stalled, 30_000, first)
  await kill(first)
  const restartedAt = Date.now()
  current = startWorker()
  return { queued, restartedAt }
}

/** Recovery times (restart → mail accepted) measured in this file, for the report. */
const recoveries: Record<string, number> = {}

describe('ordinary mail, killed at each SMTP stage before the end of the message data', () => {
  for (const stage of ['connect', 'mail', 'rcpt', 'data'] as const) {
    it(`goes out exactly once within two minutes of the restart (${stage})`, async () => {
      const { queued: mail, restartedAt } = await crashAt(stage, queueConfirmation)
      expect(arrivedTo(mail.to)).toHaveLength(0)
      await waitFor('the mail to arrive', () => arrivedTo(mail.to).length > 0, 120_000)
      recoveries[stage] = Date.now() - restartedAt
      expect(recoveries[stage]).toBeLessThan(120_000)
      await waitFor(
        'the job to finish',
        async () => (await queuedJobs(database.db, 'send_mail')).length === 0,
        30_000,
      )
      const copies = arrivedTo(mail.to)
      expect(copies).toHaveLength(1)
      expect(copies[0]!.parsed.messageId).toBe(mail.messageId)
      expect(copies[0]!.parsed.text).toContain('http://forum.test/confirm/token-')
      expect(await sendStatus(database.db, mail.messageId)).toBe('sent')
    }, 180_000)
  }
})

describe('ordinary mail that may have arrived', () => {
  it('is not sent again when the process died waiting for the answer to the end of data', async () => {
    const { queued: mail } = await crashAt('end-of-data', queueConfirmation)
    expect(sink.held.filter((m) => m.envelopeTo.includes(mail.to))).toHaveLength(1)
    await waitFor(
      'the mail to be marked uncertain',
      async () => ((await sendStatus(database.db, mail.messageId)) === 'uncertain' ? true : undefined),
      60_000,
    )
    await waitFor(
      'the job to finish',
      async () => (await queuedJobs(database.db, 'send_mail')).length === 0,
      30_000,
    )
    expect(arrivedTo(mail.to)).toHaveLength(0)
    expect(sink.held.filter((m) => m.envelopeTo.includes(mail.to))).toHaveLength(1)
  }, 180_000)

  it('is not sent twice when the process died after the 250 and before recording it', async () => {
    const to = nextAddress()
    const locker = new pg.Client({ connectionString: database.url })
    await locker.connect()
    try {
      // When the message is in, hold the mail's record so that recording the 250 has to wait;
      // the process is killed while it waits (and its statement with it).
      sink.beforeAccept = async (arrived) => {
        if (!arrived.envelopeTo.includes(to)) return
        await locker.query('begin')
        await locker.query('select 1 from mail_sends where message_id = $1 for update', [
          arrived.parsed.messageId,
        ])
      }
      const first = running()
      const mail = await queueConfirmation(to)
      const blockedBackend = async () => {
        const { rows } = await locker.query(
          `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
             and wait_event_type = 'Lock' and query ilike '%mail_sends%'`,
        )
        return rows[0]?.pid as number | undefined
      }
      const stalled = new Promise<void>((resolve) => {
        const poll = setInterval(async () => {
          if (arrivedTo(mail.to).length > 0 && (await blockedBackend())) {
            clearInterval(poll)
            resolve()
          }
        }, 50)
      })
      await within('the 250 to be waiting for its record', stalled, 30_000, first)
      const backend = await blockedBackend()
      await kill(first)
      current = undefined
      await locker.query('select pg_terminate_backend($1)', [backend])
      await locker.query('rollback')
      sink.beforeAccept = undefined
      expect(await sendStatus(database.db, mail.messageId)).toBe('sending')

      running()
      await waitFor(
        'the mail to be marked uncertain',
        async () => ((await sendStatus(database.db, mail.messageId)) === 'uncertain' ? true : undefined),
        60_000,
      )
      await waitFor(
        'the job to finish',
        async () => (await queuedJobs(database.db, 'send_mail')).length === 0,
        30_000,
      )
      expect(arrivedTo(mail.to)).toHaveLength(1)
    } finally {
      sink.beforeAccept = undefined
      await locker.end()
    }
  }, 180_000)
})

describe('digests', () => {
  let categoryId: number
  let authorId: number
  beforeAll(async () => {
    categoryId = (await createCategory(database.db)).id
    authorId = (await longtimeMember(database.db)).id
    await setDigestSettings(database.db, authorId, { frequency: 'never' })
  })

  /** A daily reader with a new thread whose digest is due (the worker composes and sends it). */
  async function dueDigest(title: string, at: Date) {
    const member = await longtimeMember(database.db)
    await setDigestSettings(database.db, member.id, { frequency: 'daily' })
    await database.db
      .updateTable('member_digest_settings')
      .set({ digest_watermark: minutesAgo(60), digest_period: 'daily:earlier' })
      .where('member_id', '=', member.id)
      .execute()
    await createThread(database.db, { categoryId, authorId, title, createdAt: minutesAgo(30) })
    await scheduleDigests(database.db, config, at)
    return member
  }

  it('are not lost when the process dies while the server is slow to accept the recipient', async () => {
    const at = new Date(Date.now() + 100 * 86_400_000)
    const { queued: member, restartedAt } = await crashAt('rcpt', () => dueDigest('Langsamer Mailserver', at))
    expect((await deliveries(database.db, member.id)).map((d) => d.status)).toEqual(['queued'])
    await waitFor('the digest to arrive', () => arrivedTo(member.email).length > 0, 120_000)
    recoveries['digest at rcpt'] = Date.now() - restartedAt
    await waitFor(
      'the job to finish',
      async () => (await queuedJobs(database.db, 'send_digest')).length === 0,
      30_000,
    )
    expect(arrivedTo(member.email)).toHaveLength(1)
    expect(arrivedTo(member.email)[0]!.parsed.text).toContain('Langsamer Mailserver')
    expect((await deliveries(database.db, member.id)).map((d) => d.status)).toEqual(['sent'])
  }, 180_000)

  it('that may have arrived are not sent again, and their threads come again next time', async () => {
    const at = new Date(Date.now() + 200 * 86_400_000)
    const { queued: member } = await crashAt('end-of-data', () => dueDigest('Ohne Antwort', at))
    await waitFor(
      'the digest to be marked uncertain',
      async () => ((await deliveries(database.db, member.id))[0]?.status === 'uncertain' ? true : undefined),
      60_000,
    )
    expect(arrivedTo(member.email)).toHaveLength(0)
    const settings = await database.db
      .selectFrom('member_digest_settings')
      .select('carry_from')
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(settings.carry_from).not.toBeNull()
  }, 180_000)

  afterAll(() => {
    console.info(
      `recovery after restart (ms): ${Object.entries(recoveries)
        .map(([stage, ms]) => `${stage} ${ms}`)
        .join(', ')}`,
    )
  })
})
