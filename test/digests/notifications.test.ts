// Notification mails: immediately / hourly / never, nothing already seen, confidential threads
// content-free, the recipient checked again when sending.
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.ts'
import { smtpTransport } from '../../src/core/mail/mail.transport.ts'
import { sweepNotifications } from '../../src/features/digests/digests.jobs.ts'
import { testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { runDueJobs } from '../mail/queue.ts'
import { type SmtpSink, startSmtpSink } from '../mail/smtp-sink.ts'
import {
  allTasks,
  createCategory,
  createReply,
  createThread,
  deliveries,
  longtimeMember,
  minutesAgo,
  notify,
  setDigestSettings,
} from './fixtures.ts'

let database: TestDatabase
let sink: SmtpSink
let config: Config
let categoryId: number

const mailsTo = (email: string) => sink.accepted().filter((m) => m.envelopeTo.includes(email))
const run = () => runDueJobs(database.url, allTasks(config, database.db, smtpTransport(sink.url)))

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
  config = testConfig({ SMTP_URL: sink.url })
  categoryId = (await createCategory(database.db)).id
})
beforeEach(async () => {
  // Every test starts with no notifications pending from earlier tests.
  await sql`update notifications set read_at = now() where read_at is null`.execute(database.db)
})
afterAll(async () => {
  await sink?.close()
  await database?.drop()
})

/** Someone's post, a reply to it by someone else, and the notification the forum created. */
async function replyScenario(options: { confidential?: boolean; body?: string; minutes?: number } = {}) {
  const db = database.db
  const recipient = await longtimeMember(db, { name: 'Nora Nachricht' })
  const actor = await longtimeMember(db, { name: 'Anton Antwort' })
  const thread = await createThread(db, {
    categoryId,
    authorId: recipient.id,
    title: options.confidential ? 'Geheimes Haushaltsthema' : 'Open-Source-Fachverfahren',
    confidential: options.confidential,
  })
  const replyId = await createReply(db, {
    threadId: thread.id,
    authorId: actor.id,
    parentId: thread.openingPostId,
    body: options.body ?? 'Wir haben gute Erfahrungen mit einem gemeinsamen Betrieb gemacht.',
    createdAt: minutesAgo(options.minutes ?? 5),
  })
  const notification = await notify(db, {
    memberId: recipient.id,
    kind: 'reply',
    threadId: thread.id,
    postId: replyId,
    actorId: actor.id,
    createdAt: minutesAgo(options.minutes ?? 5),
  })
  return { recipient, actor, thread, replyId, notificationId: notification.id }
}

describe('immediately', () => {
  it('mails a reply to my post with who, where, an excerpt and a link', async () => {
    const { recipient, replyId } = await replyScenario()
    await sweepNotifications(database.db, new Date(), ['immediately'])
    await run()
    const mails = mailsTo(recipient.email)
    expect(mails).toHaveLength(1)
    const text = mails[0]!.parsed.text!
    expect(text).toContain(
      '* Neue Antwort von Anton Antwort auf Ihren Beitrag in „Open-Source-Fachverfahren“.',
    )
    expect(text).toContain('gute Erfahrungen')
    expect(text).toContain(`http://forum.test/p/${replyId}`)
    expect(mails[0]!.parsed.headers.get('auto-submitted')).toBe('auto-generated')

    // Swept again: nothing new, nothing sent twice.
    await sweepNotifications(database.db, new Date(), ['immediately'])
    await run()
    expect(mailsTo(recipient.email)).toHaveLength(1)
  })

  it('waits a little, so that what the member reads right away is not mailed', async () => {
    const { recipient } = await replyScenario({ minutes: 0 })
    await sweepNotifications(database.db, new Date(), ['immediately'])
    await run()
    expect(mailsTo(recipient.email)).toHaveLength(0)
  })

  it('mails nothing the member has already seen in the forum', async () => {
    const read = await replyScenario()
    await database.db
      .updateTable('notifications')
      .set({ read_at: new Date() })
      .where('id', '=', read.notificationId)
      .execute()
    const seen = await replyScenario()
    await database.db
      .insertInto('thread_reads')
      .values({
        member_id: seen.recipient.id,
        thread_id: seen.thread.id,
        last_read_post_id: seen.replyId,
        read_post_count: 2,
      })
      .execute()
    await sweepNotifications(database.db, new Date(), ['immediately'])
    await run()
    expect(mailsTo(read.recipient.email)).toHaveLength(0)
    expect(mailsTo(seen.recipient.email)).toHaveLength(0)
  })

  it('says only "something new in a confidential thread" for a confidential thread', async () => {
    const { recipient, thread } = await replyScenario({
      confidential: true,
      body: 'Streng geheime Zahl XQ-4711',
    })
    await sweepNotifications(database.db, new Date(), ['immediately'])
    await run()
    const [mail] = mailsTo(recipient.email)
    expect(mail!.parsed.text).toContain('Es gibt etwas Neues für Sie in einem vertraulichen Thema.')
    // Not even the thread's address: mails about one thread would tie their recipients together.
    expect(mail!.parsed.text).toContain('http://forum.test/notifications')
    expect(mail!.raw).not.toContain(`/t/${thread.id}`)
    for (const secret of ['Geheimes Haushaltsthema', 'Anton', 'XQ-4711']) {
      expect(mail!.raw).not.toContain(secret)
      expect(mail!.parsed.html).not.toContain(secret)
      expect(mail!.parsed.subject).not.toContain(secret)
    }
  })

  it('checks again when sending: read in the meantime → no mail; suspended → no mail', async () => {
    const readLater = await replyScenario()
    const suspendedLater = await replyScenario()
    await sweepNotifications(database.db, new Date(), ['immediately'])
    const tasks = allTasks(config, database.db, smtpTransport(sink.url))
    await runDueJobs(database.url, { compose_notifications: tasks.compose_notifications! })
    await database.db
      .updateTable('notifications')
      .set({ read_at: new Date() })
      .where('id', '=', readLater.notificationId)
      .execute()
    await database.db
      .updateTable('members')
      .set({ status: 'suspended' })
      .where('id', '=', suspendedLater.recipient.id)
      .execute()
    await run()
    expect(mailsTo(readLater.recipient.email)).toHaveLength(0)
    expect(mailsTo(suspendedLater.recipient.email)).toHaveLength(0)
    expect((await deliveries(database.db, readLater.recipient.id))[0]!.status).toBe('skipped')
    expect((await deliveries(database.db, suspendedLater.recipient.id))[0]!.status).toBe('dropped')
  })
})

describe('hourly and never', () => {
  it('bundles an hourly member’s notifications at the full hour only', async () => {
    const first = await replyScenario()
    await setDigestSettings(database.db, first.recipient.id, { notifyMode: 'hourly' })
    const thread2 = await createThread(database.db, {
      categoryId,
      authorId: first.recipient.id,
      title: 'Zweites Thema',
    })
    const mention = await createReply(database.db, {
      threadId: thread2.id,
      authorId: first.actor.id,
      parentId: thread2.openingPostId,
      body: 'Frag doch mal @Nora_Nachricht',
    })
    await notify(database.db, {
      memberId: first.recipient.id,
      kind: 'mention',
      threadId: thread2.id,
      postId: mention,
      actorId: first.actor.id,
    })

    await sweepNotifications(database.db, new Date(), ['immediately'])
    await run()
    expect(mailsTo(first.recipient.email)).toHaveLength(0)

    await sweepNotifications(database.db, new Date(), ['immediately', 'hourly'])
    await run()
    const mails = mailsTo(first.recipient.email)
    expect(mails).toHaveLength(1)
    expect(mails[0]!.parsed.subject).toBe('Vertrauensraum: 2 Neuigkeiten zu Ihren Beiträgen')
    expect(mails[0]!.parsed.text).toContain('Sie wurden von Anton Antwort in „Zweites Thema“ erwähnt.')
    expect(mails[0]!.parsed.text).toContain('Neue Antwort von Anton Antwort')
  })

  it('mails nothing with "never", and nothing to unverified members', async () => {
    const never = await replyScenario()
    await setDigestSettings(database.db, never.recipient.id, { notifyMode: 'never' })
    const pending = await replyScenario()
    await database.db
      .updateTable('members')
      .set({ status: 'pending_review' })
      .where('id', '=', pending.recipient.id)
      .execute()
    await sweepNotifications(database.db, new Date(), ['immediately', 'hourly'])
    await run()
    expect(mailsTo(never.recipient.email)).toHaveLength(0)
    expect(mailsTo(pending.recipient.email)).toHaveLength(0)
  })
})

describe('housekeeping at the full hour', () => {
  it('prunes finished delivery records older than 60 days, keeps recent and unfinished ones', async () => {
    const member = await longtimeMember(database.db)
    const row = (period: string, status: 'sent' | 'queued', daysAgo: number) => ({
      member_id: member.id,
      kind: 'digest' as const,
      period_key: period,
      window_start: minutesAgo(daysAgo * 1440 + 10),
      window_end: minutesAgo(daysAgo * 1440),
      message_id: `<${period}@test>`,
      status,
      created_at: minutesAgo(daysAgo * 1440),
    })
    await database.db
      .insertInto('mail_deliveries')
      .values([
        row('daily:old', 'sent', 90),
        row('daily:stuck', 'queued', 90),
        row('daily:recent', 'sent', 3),
      ])
      .execute()
    const tasks = allTasks(config, database.db, smtpTransport(sink.url))
    const at = new Date()
    at.setUTCMinutes(0, 0, 0)
    await tasks.sweep_notifications!({ _cron: { ts: at.toISOString() } }, {} as never)
    const left = (await deliveries(database.db, member.id)).map((d) => d.period_key).sort()
    expect(left).toEqual(['daily:recent', 'daily:stuck'])
  })
})
