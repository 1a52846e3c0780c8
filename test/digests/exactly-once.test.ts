// One digest per member per period: two schedulers and two workers at once, a crash between
// handing the mail to SMTP and recording it, an SMTP outage, a member suspended before sending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.ts'
import { type MailTransport, smtpTransport } from '../../src/core/mail/mail.transport.ts'
import { composeDigest, scheduleDigests } from '../../src/features/digests/digests.jobs.ts'
import { currentPeriods } from '../../src/features/digests/digests.periods.ts'
import { freePort } from '../../src/lib/free-port.ts'
import { testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { makeJobsDue, queuedJobs, runDueJobs } from '../mail/queue.ts'
import { type SmtpSink, startSmtpSink } from '../mail/smtp-sink.ts'
import {
  allTasks,
  createCategory,
  createThread,
  deliveries,
  longtimeMember,
  minutesAgo,
  setDigestSettings,
} from './fixtures.ts'

let database: TestDatabase
let sink: SmtpSink
let config: Config
let categoryId: number
let authorId: number

const mailsTo = (email: string) => sink.accepted().filter((m) => m.envelopeTo.includes(email))
const day = 86_400_000

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
  config = testConfig({ SMTP_URL: sink.url })
  categoryId = (await createCategory(database.db)).id
  authorId = (await longtimeMember(database.db)).id
  await setDigestSettings(database.db, authorId, { frequency: 'never' })
})
afterAll(async () => {
  await sink?.close()
  await database?.drop()
})

async function dailyReader() {
  const member = await longtimeMember(database.db)
  await setDigestSettings(database.db, member.id, { frequency: 'daily' })
  // As if their last digest went out an hour ago.
  await database.db
    .updateTable('member_digest_settings')
    .set({ digest_watermark: minutesAgo(60), digest_period: 'daily:earlier' })
    .where('member_id', '=', member.id)
    .execute()
  return member
}

/** Members of earlier tests are done for the periods used here; each test uses its own days. */
async function freshPeriodScenario(offsetDays: number) {
  return new Date(Date.now() + offsetDays * day)
}

describe('two schedulers and two workers at once', () => {
  it('send every member exactly one digest', async () => {
    const members = await Promise.all([1, 2, 3, 4, 5].map(() => dailyReader()))
    await createThread(database.db, { categoryId, authorId, title: 'Gleichzeitig geplant' })
    const at = await freshPeriodScenario(0)
    const counts = await Promise.all([
      scheduleDigests(database.db, config, at),
      scheduleDigests(database.db, config, at),
    ])
    expect(counts[0]).toBeGreaterThanOrEqual(5)
    const tasks = allTasks(config, database.db, smtpTransport(sink.url))
    await Promise.all([runDueJobs(database.url, tasks), runDueJobs(database.url, tasks)])
    for (const member of members) {
      expect(mailsTo(member.email), member.email).toHaveLength(1)
      expect(await deliveries(database.db, member.id)).toHaveLength(1)
    }
    // A third run for the same period finds nobody due.
    expect(await scheduleDigests(database.db, config, at)).toBe(0)
  })

  it('compose the same member and period only once even when called side by side', async () => {
    const member = await dailyReader()
    await createThread(database.db, { categoryId, authorId, title: 'Zweimal zusammengestellt' })
    const at = new Date()
    const period = currentPeriods(at, config).daily
    const job = { memberId: member.id, period, cutoff: new Date(at.getTime() - 60_000).toISOString() }
    const outcomes = await Promise.all([
      composeDigest({ config, db: database.db }, job),
      composeDigest({ config, db: database.db }, job),
    ])
    expect(outcomes.sort()).toEqual(['queued', 'skipped'])
    const recorded = await deliveries(database.db, member.id)
    expect(recorded).toHaveLength(1)
    const sendJobs = await queuedJobs(database.db, 'send_digest')
    expect(sendJobs.filter((j) => j.payload.deliveryId === recorded[0]!.id)).toHaveLength(1)
  })
})

describe('a crash between SMTP accepting the digest and recording it', () => {
  it('never sends that digest again, and the next digest covers its threads', async () => {
    const member = await dailyReader()
    const first = await createThread(database.db, {
      categoryId,
      authorId,
      title: 'Vor dem Absturz',
      createdAt: minutesAgo(30),
    })
    const at = await freshPeriodScenario(10)
    await scheduleDigests(database.db, config, at)

    // SMTP accepts the mail, then the process "dies" before it can record the send.
    const real = smtpTransport(sink.url)
    const dying: MailTransport = {
      send: async (message, handOver) => {
        await real.send(message, handOver)
        if (message.to === member.email) throw new Error('worker process killed')
      },
    }
    await runDueJobs(database.url, allTasks(config, database.db, dying))
    expect(mailsTo(member.email)).toHaveLength(1)
    let [delivery] = await deliveries(database.db, member.id)
    expect(delivery!.status).toBe('sending')

    // The job comes back (after the lock expires or the backoff): it must not send again.
    await makeJobsDue(database.db)
    await runDueJobs(database.url, allTasks(config, database.db, real))
    expect(mailsTo(member.email)).toHaveLength(1)
    ;[delivery] = await deliveries(database.db, member.id)
    expect(delivery!.status).toBe('uncertain')
    expect(await queuedJobs(database.db, 'send_digest')).toEqual([])

    // Next period: the new thread and, carried over, the one from the uncertain digest.
    const second = await createThread(database.db, {
      categoryId,
      authorId,
      title: 'Nach dem Absturz',
      createdAt: new Date(at.getTime() + 60_000),
    })
    await scheduleDigests(database.db, config, new Date(at.getTime() + day))
    await runDueJobs(database.url, allTasks(config, database.db, real))
    const mails = mailsTo(member.email)
    expect(mails).toHaveLength(2)
    expect(mails[1]!.parsed.text).toContain(second.title)
    expect(mails[1]!.parsed.text).toContain(first.title)
    expect(mails[1]!.parsed.messageId).not.toBe(mails[0]!.parsed.messageId)
    const records = await deliveries(database.db, member.id)
    expect(records.map((r) => r.status)).toEqual(['uncertain', 'sent'])
    const settings = await database.db
      .selectFrom('member_digest_settings')
      .select('carry_from')
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(settings.carry_from).toBeNull()
  })
})

describe('SMTP outage', () => {
  it('keeps the digest queued with attempts and error, then sends it once when SMTP is back', async () => {
    const member = await dailyReader()
    await createThread(database.db, { categoryId, authorId, title: 'Während der Störung' })
    const port = await freePort()
    const down = testConfig({ SMTP_URL: `smtp://127.0.0.1:${port}` })
    const at = await freshPeriodScenario(20)
    await scheduleDigests(database.db, down, at)
    await runDueJobs(database.url, allTasks(down, database.db, smtpTransport(down.smtpUrl!)))

    const mine = async () => {
      const [delivery] = await deliveries(database.db, member.id)
      const jobs = await queuedJobs(database.db, 'send_digest')
      return { delivery: delivery!, job: jobs.find((j) => j.payload.deliveryId === delivery!.id) }
    }
    let state = await mine()
    expect(state.delivery.status).toBe('queued')
    expect(state.job!.attempts).toBe(1)
    expect(state.job!.last_error).toBeTruthy()

    await makeJobsDue(database.db)
    await runDueJobs(database.url, allTasks(down, database.db, smtpTransport(down.smtpUrl!)))
    state = await mine()
    expect(state.job!.attempts).toBe(2)

    const revived = await startSmtpSink(port)
    try {
      await makeJobsDue(database.db)
      await runDueJobs(database.url, allTasks(down, database.db, smtpTransport(down.smtpUrl!)))
      const arrived = revived.accepted().filter((m) => m.envelopeTo.includes(member.email))
      expect(arrived).toHaveLength(1)
      expect(arrived[0]!.parsed.messageId).toBe(state.delivery.message_id)
      state = await mine()
      expect(state.delivery.status).toBe('sent')
      expect(state.job).toBeUndefined()
    } finally {
      await revived.close()
    }
  })

  it('re-sends with the same Message-ID after a 4xx refusal', async () => {
    const member = await dailyReader()
    await createThread(database.db, { categoryId, authorId, title: 'Abgewiesen' })
    await scheduleDigests(database.db, config, await freshPeriodScenario(30))
    const before = sink.received.length
    sink.refuseNext(1, member.email)
    const tasks = allTasks(config, database.db, smtpTransport(sink.url))
    await runDueJobs(database.url, tasks)
    await makeJobsDue(database.db)
    await runDueJobs(database.url, tasks)
    const attempts = sink.received.slice(before).filter((m) => m.envelopeTo.includes(member.email))
    expect(attempts.map((m) => m.accepted)).toEqual([false, true])
    expect(attempts[0]!.parsed.messageId).toBe(attempts[1]!.parsed.messageId)
  })
})

describe('checked again at send time', () => {
  it('drops a digest when the member is suspended between composing and sending', async () => {
    const member = await dailyReader()
    await createThread(database.db, { categoryId, authorId, title: 'Nicht für Gesperrte' })
    await scheduleDigests(database.db, config, await freshPeriodScenario(40))
    const tasks = allTasks(config, database.db, smtpTransport(sink.url))
    await runDueJobs(database.url, { compose_digest: tasks.compose_digest! })
    expect((await deliveries(database.db, member.id))[0]!.status).toBe('queued')

    await database.db
      .updateTable('members')
      .set({ status: 'suspended' })
      .where('id', '=', member.id)
      .execute()
    await runDueJobs(database.url, tasks)
    expect(mailsTo(member.email)).toHaveLength(0)
    expect((await deliveries(database.db, member.id))[0]!.status).toBe('dropped')
  })
})
