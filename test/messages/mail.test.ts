// Mail about direct messages, through the real queue into a real SMTP server: it says only that
// there is a new message and links to the conversation — no sender, no text, no subject of the
// conversation. One mail per stretch of unread messages, exactly once, never to the author, to
// someone who wants none, who blocked or muted the sender, or who is no longer verified.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smtpTransport } from '../../src/core/mail/mail.transport.ts'
import {
  blockMember,
  mailHourlySummaries,
  setMailMode,
} from '../../src/features/messages/messages.service.ts'
import { allTasks } from '../digests/fixtures.ts'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp, testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { runDueJobs } from '../mail/queue.ts'
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../mail/smtp-sink.ts'
import { asCurrent, conversation, write } from './helpers.ts'

let database: TestDatabase
let sink: SmtpSink

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
})
afterAll(async () => {
  await sink?.close()
  await database?.drop()
})

const db = () => database.db
const deliver = () =>
  runDueJobs(database.url, allTasks(testConfig({ SMTP_URL: sink.url }), db(), smtpTransport(sink.url)))
const mailsTo = (address: string): ReceivedMail[] =>
  sink.accepted().filter((mail) => mail.envelopeTo.includes(address))

async function person(name: string) {
  const row = await createMember(db(), { name })
  return { row, current: asCurrent(row) }
}

describe('mail about a new message', () => {
  it('says only that there is one, with a link, once per unread stretch', async () => {
    const sender = await person('Sabine Senderin')
    const reader = await person('Rudi Leser')
    const id = await conversation(
      db(),
      sender.current,
      [reader.row.id],
      'Vertrauliche Zahl XQ-4711 zum Haushalt',
    )
    await write(db(), sender.current, id, 'Und noch XQ-0815 dazu')
    await deliver()
    await deliver()
    const mails = mailsTo(reader.row.email)
    expect(mails).toHaveLength(1)
    const [mail] = mails
    const parts = [
      mail!.parsed.subject ?? '',
      mail!.parsed.text ?? '',
      String(mail!.parsed.html ?? ''),
      mail!.raw,
    ]
    for (const part of parts) {
      for (const secret of ['Sabine', 'Senderin', 'XQ-4711', 'XQ-0815', 'Haushalt', sender.row.email]) {
        expect(part).not.toContain(secret)
      }
    }
    expect(mail!.parsed.subject).toBe('Neue Nachricht im Vertrauensraum')
    expect(mail!.parsed.text).toContain('Rudi Leser')
    expect(mail!.parsed.text).toContain(`http://forum.test/messages/${id}`)
    expect(mailsTo(sender.row.email)).toHaveLength(0)

    // Read through the page; the next message brings the next mail.
    const agent = createAgent(await appFor())
    await signInAs(db(), agent, reader.row.id)
    expect((await agent.get(`/messages/${id}`)).statusCode).toBe(200)
    await write(db(), sender.current, id, 'Dritte Nachricht')
    await deliver()
    expect(mailsTo(reader.row.email)).toHaveLength(2)
  })

  it('goes to nobody who wants none, blocked or muted the sender, or is no longer verified', async () => {
    const sender = await person('Sven Sender')
    const quiet = await person('Quirin Still')
    const blocking = await person('Berta Blockt')
    const muting = await person('Mia Stumm')
    const suspended = await person('Sepp Gesperrt')
    const listening = await person('Lore Hört')
    await setMailMode(db(), quiet.current, 'never')
    await blockMember(db(), muting.current, listening.row.id)
    await sql`insert into member_mutes (member_id, muted_member_id) values (${muting.row.id}, ${sender.row.id})`.execute(
      db(),
    )
    const id = await conversation(db(), sender.current, [
      quiet.row.id,
      blocking.row.id,
      muting.row.id,
      suspended.row.id,
      listening.row.id,
    ])
    // Blocking after the start: the next stretch of messages is not mailed to Berta.
    await blockMember(db(), blocking.current, sender.row.id)
    await sql`update conversation_participants set mailed_message_id = null, last_read_message_id = 0
      where member_id = ${blocking.row.id}`.execute(db())
    await sql`update members set status = 'suspended' where id = ${suspended.row.id}`.execute(db())
    await write(db(), sender.current, id, 'Noch eine')
    await deliver()
    expect(mailsTo(listening.row.email)).toHaveLength(1)
    expect(mailsTo(quiet.row.email)).toHaveLength(0)
    expect(mailsTo(muting.row.email)).toHaveLength(0)
    // Berta got the first one (before she blocked), none for the message after.
    expect(mailsTo(blocking.row.email)).toHaveLength(1)
    // Queued while verified, suspended before sending: dropped at send time.
    expect(mailsTo(suspended.row.email)).toHaveLength(0)
  })
})

describe('the hourly summary', () => {
  it('counts the conversations with unread messages, names nothing, and comes once', async () => {
    const first = await person('Fritz Erster')
    const second = await person('Greta Zweite')
    const hourly = await person('Hanna Stündlich')
    await setMailMode(db(), hourly.current, 'hourly')
    const one = await conversation(db(), first.current, [hourly.row.id], 'Geheimzahl XQ-4242')
    await conversation(db(), second.current, [hourly.row.id], 'Geheimwort Kohlrabi')
    await write(db(), first.current, one, 'Noch eine')
    await deliver()
    expect(mailsTo(hourly.row.email)).toHaveLength(0)
    expect(await mailHourlySummaries(db())).toBe(1)
    expect(await mailHourlySummaries(db())).toBe(0)
    await deliver()
    const mails = mailsTo(hourly.row.email)
    expect(mails).toHaveLength(1)
    const text = `${mails[0]!.parsed.subject} ${mails[0]!.parsed.text} ${mails[0]!.parsed.html}`
    expect(text).toContain('in 2 Unterhaltungen')
    expect(text).toContain('http://forum.test/messages')
    for (const secret of ['Fritz', 'Greta', 'XQ-4242', 'Kohlrabi', 'Noch eine'])
      expect(text).not.toContain(secret)
    // Unread but already told: nothing new until the member has read.
    await write(db(), first.current, one, 'Weiter')
    expect(await mailHourlySummaries(db())).toBe(0)
  })
})

let app: Awaited<ReturnType<typeof buildTestApp>> | undefined
async function appFor() {
  app ??= await buildTestApp(db())
  return app
}
afterAll(async () => {
  await app?.close()
})
