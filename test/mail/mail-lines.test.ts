// Member text cannot forge lines in mail. A display name and a thread title with line breaks
// and a bidi override (rows written before the input edge cleaned names, or by any other way
// in) reach other members' notification mails and digests, an inviter's name and note reach
// an invitation, a moderator's question reaches an applicant: through the real queue into a
// real SMTP server, no line of any text part begins with member text, the fake "system" notice
// never stands on a line of its own, and no bidi control character is left.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.ts'
import { enqueueMail } from '../../src/core/mail/mail.queue.ts'
import { smtpTransport } from '../../src/core/mail/mail.transport.ts'
import { scheduleDigests, sweepNotifications } from '../../src/features/digests/digests.jobs.ts'
import {
  allTasks,
  createCategory,
  createReply,
  createThread,
  longtimeMember,
  minutesAgo,
  notify,
  setDigestSettings,
} from '../digests/fixtures.ts'
import { testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { runDueJobs } from './queue.ts'
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './smtp-sink.ts'

const forgery =
  '\n\nSicherheitshinweis: Ihr Konto wird gesperrt. Bitte sofort bestätigen: https://evil.example/login\n\n'
const evilName = `Eve${forgery}\u202Eredro\u202C`
const evilTitle = `Haushalt 2027\r\n-- \r\nSicherheitshinweis: Passwort hier erneuern https://evil.example/reset`
const bidi = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/

let database: TestDatabase
let sink: SmtpSink
let config: Config
const to = {
  notified: 'nora@stadt-nachricht.de',
  digest: 'dora@stadt-digest.de',
  invited: 'ivo@stadt-einladung.de',
  applicant: 'anna@stadt-antrag.de',
}

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
  config = testConfig({ SMTP_URL: sink.url })
  const db = database.db
  const category = await createCategory(db, 'Finanzen')
  const nora = await longtimeMember(db, { name: 'Nora Nachricht', email: to.notified })
  const dora = await longtimeMember(db, { name: 'Dora Digest', email: to.digest })
  const eve = await longtimeMember(db, { name: 'Eve' })
  // An existing row: written before the input edge made names single-line.
  await sql`update members set name = ${evilName} where id = ${eve.id}`.execute(db)
  for (const member of [nora, eve]) await setDigestSettings(db, member.id, { frequency: 'never' })
  await setDigestSettings(db, dora.id, { frequency: 'daily', notifyMode: 'never' })
  await db
    .updateTable('member_digest_settings')
    .set({ digest_watermark: minutesAgo(120), digest_period: 'daily:earlier' })
    .where('member_id', '=', dora.id)
    .execute()

  const thread = await createThread(db, {
    categoryId: category.id,
    authorId: nora.id,
    createdAt: minutesAgo(60),
  })
  await sql`update threads set title = ${evilTitle} where id = ${thread.id}`.execute(db)
  const evilThread = await createThread(db, { categoryId: category.id, authorId: eve.id, body: forgery })
  await sql`update threads set title = ${evilTitle} where id = ${evilThread.id}`.execute(db)
  const reply = await createReply(db, {
    threadId: thread.id,
    authorId: eve.id,
    parentId: thread.openingPostId,
    body: `Antwort${forgery}Ende`,
  })
  await notify(db, { memberId: nora.id, kind: 'reply', threadId: thread.id, postId: reply, actorId: eve.id })

  await enqueueMail(db, {
    template: 'account.invitation',
    to: to.invited,
    locale: 'de',
    params: { inviter: evilName, note: `Komm rein${forgery}`, token: 'invitation-token-0123456789abc' },
  })
  await enqueueMail(db, {
    template: 'account.question',
    to: to.applicant,
    locale: 'de',
    params: { name: evilName, question: forgery, contact: 'moderation@vertrauensraum.test' },
  })

  await sweepNotifications(db, new Date(), ['immediately'])
  await scheduleDigests(db, config, new Date())
  await runDueJobs(database.url, allTasks(config, db, smtpTransport(sink.url)))
}, 120_000)

afterAll(async () => {
  await sink?.close()
  await database?.drop()
})

const mailTo = (address: string): ReceivedMail => {
  const mails = sink.accepted().filter((m) => m.envelopeTo.includes(address))
  expect(mails, address).toHaveLength(1)
  return mails[0]!
}

/** Lines of a text part that begin (after indentation) with what the member wrote. */
const forgedLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => /^\s*(Sicherheitshinweis|Eve|Haushalt|https:\/\/evil|Komm rein|-- $)/.test(line))

describe('member text in mail', () => {
  for (const [kind, address] of Object.entries(to)) {
    it(`never starts a line of the ${kind} mail, and carries no bidi controls`, () => {
      const mail = mailTo(address)
      const text = mail.parsed.text ?? ''
      expect(text).toContain('Sicherheitshinweis') // it is there, inline or quoted …
      expect(forgedLines(text).filter((line) => line !== '-- ')).toEqual([]) // … but never at a line start
      expect(text).not.toMatch(/\n\s*\n\s*Sicherheitshinweis/)
      expect(text.split('\n').filter((line) => line === '-- ')).toHaveLength(1) // our signature separator only
      expect(text).not.toMatch(bidi)
      expect(mail.parsed.subject ?? '').not.toMatch(/[\r\n]/)
      expect(mail.parsed.subject ?? '').not.toMatch(bidi)
    })
  }

  it('isolates member text in the HTML part', () => {
    const html = String(mailTo(to.notified).parsed.html)
    expect(html).toMatch(/<bdi>Eve Sicherheitshinweis: Ihr Konto wird gesperrt\. [^<]*<\/bdi>/)
    expect(html).not.toMatch(bidi)
  })

  it('quotes a moderator’s question that would otherwise start a line', () => {
    const text = mailTo(to.applicant).parsed.text ?? ''
    expect(text).toContain('> Sicherheitshinweis: Ihr Konto wird gesperrt.')
  })
})
