// Mail through the real queue into a real SMTP server: multipart, headers, Message-ID on
// retry, no header injection, SMTP outage and recovery, recipients checked at send time.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.ts'
import { enqueueMail } from '../../src/core/mail/mail.queue.ts'
import { type MailTemplates, simpleMail } from '../../src/core/mail/mail.templates.ts'
import { smtpTransport } from '../../src/core/mail/mail.transport.ts'
import { freePort } from '../../src/lib/free-port.ts'
import { testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember } from '../helpers/factories.ts'
import { mailTasks } from '../helpers/mail.ts'
import { makeJobsDue, queuedJobs, runDueJobs } from './queue.ts'
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts'

const templates: MailTemplates = {
  'test.hello': (p, c) =>
    simpleMail(c, {
      subject: `Hallo ${String(p.name)}`,
      greeting: c.t('mail.footer'),
      paragraphs: [`Für ${String(p.name)}`],
      action: { label: 'Öffnen', url: `${c.baseUrl}/threads/1` },
    }),
}

let database: TestDatabase
let sink: SmtpSink

function deliveryTasks(config: Config) {
  return mailTasks(config, database.db, smtpTransport(config.smtpUrl!), templates)
}

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
})
afterAll(async () => {
  await sink?.close()
  await database?.drop()
})

async function clearQueue() {
  await sql`delete from graphile_worker._private_jobs`.execute(database.db)
}

describe('sending through the queue', () => {
  it('delivers multipart text + HTML with the automated-mail headers and the queued Message-ID', async () => {
    const config = testConfig({ SMTP_URL: sink.url, MAIL_FROM: 'forum@vertrauensraum.test' })
    await enqueueMail(database.db, {
      template: 'test.hello',
      to: 'anna@stadt-a.de',
      locale: 'de',
      params: { name: 'Anna' },
    })
    const [job] = await queuedJobs(database.db, 'send_mail')
    await runDueJobs(database.url, deliveryTasks(config))

    const mail = sink.accepted().at(-1)!
    expect(mail.parsed.subject).toBe('Hallo Anna')
    expect(mail.parsed.text).toContain('Für Anna')
    expect(mail.parsed.text).toContain('http://forum.test/threads/1')
    expect(mail.parsed.html).toContain('<a href="http://forum.test/threads/1">')
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i)
    expect(mail.parsed.messageId).toBe(job!.payload.messageId)
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated')
    expect(mail.parsed.headers.get('x-auto-response-suppress')).toBe('All')
    expect(mail.parsed.from?.value[0]?.address).toBe('forum@vertrauensraum.test')
    expect(mail.envelopeTo).toEqual(['anna@stadt-a.de'])
    expect(await queuedJobs(database.db, 'send_mail')).toEqual([])
  })

  it('re-sends the same Message-ID when the first attempt was refused with 4xx', async () => {
    const config = testConfig({ SMTP_URL: sink.url })
    await enqueueMail(database.db, {
      template: 'test.hello',
      to: 'bert@stadt-b.de',
      locale: 'de',
      params: { name: 'Bert' },
    })
    sink.refuseNext(1)
    const before = sink.received.length
    await runDueJobs(database.url, deliveryTasks(config))

    const [failed] = await queuedJobs(database.db, 'send_mail')
    expect(failed!.attempts).toBe(1)
    expect(failed!.last_error).toMatch(/451/)
    expect(sink.received.slice(before).map((m) => m.accepted)).toEqual([false])

    await makeJobsDue(database.db)
    await runDueJobs(database.url, deliveryTasks(config))
    const attempts = sink.received.slice(before)
    expect(attempts.map((m) => m.accepted)).toEqual([false, true])
    expect(attempts[1]!.parsed.messageId).toBe(attempts[0]!.parsed.messageId)
    expect(attempts[1]!.parsed.messageId).toBe(failed!.payload.messageId)
    expect(await queuedJobs(database.db, 'send_mail')).toEqual([])
  })

  it('lets no name, title or sender name add a header or a recipient', async () => {
    const config = testConfig({
      SMTP_URL: sink.url,
      MAIL_FROM_NAME: 'Vertrauensraum\r\nX-Injected-From: yes',
    })
    await enqueueMail(database.db, {
      template: 'test.hello',
      to: 'carla@stadt-c.de',
      locale: 'de',
      params: { name: 'Carla\r\nBcc: eve@evil.example\r\nX-Injected: yes\n\nbody' },
    })
    await runDueJobs(database.url, deliveryTasks(config))
    const mail = sink.accepted().at(-1)!
    expect(mail.envelopeTo).toEqual(['carla@stadt-c.de'])
    expect(mail.parsed.headers.has('bcc')).toBe(false)
    expect(mail.parsed.headers.has('x-injected')).toBe(false)
    expect(mail.parsed.headers.has('x-injected-from')).toBe(false)
    expect(mail.parsed.subject).toBe('Hallo Carla Bcc: eve@evil.example X-Injected: yes body')
    const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0]!
    expect(headerBlock).not.toMatch(/^Bcc:/im)
    expect(headerBlock).not.toMatch(/^X-Injected/im)
  })
})

describe('SMTP outage', () => {
  it('keeps the job with its attempts and error while nothing listens, then sends it when SMTP is back', async () => {
    await clearQueue()
    const port = await freePort()
    const config = testConfig({ SMTP_URL: `smtp://127.0.0.1:${port}` })
    await enqueueMail(database.db, {
      template: 'test.hello',
      to: 'dora@stadt-d.de',
      locale: 'de',
      params: { name: 'Dora' },
    })

    await runDueJobs(database.url, deliveryTasks(config))
    let [job] = await queuedJobs(database.db, 'send_mail')
    expect(job!.attempts).toBe(1)
    expect(job!.last_error).toBeTruthy()

    await makeJobsDue(database.db)
    await runDueJobs(database.url, deliveryTasks(config))
    ;[job] = await queuedJobs(database.db, 'send_mail')
    expect(job!.attempts).toBe(2)

    const revived = await startSmtpSink(port)
    try {
      await makeJobsDue(database.db)
      await runDueJobs(database.url, deliveryTasks(config))
      expect(revived.accepted()).toHaveLength(1)
      expect(revived.accepted()[0]!.parsed.messageId).toBe(job!.payload.messageId)
      expect(await queuedJobs(database.db, 'send_mail')).toEqual([])
    } finally {
      await revived.close()
    }
  })
})

describe('recipient checked at send time', () => {
  it('drops a mail that requires a verified member once the member is no longer verified', async () => {
    const config = testConfig({ SMTP_URL: sink.url })
    const member = await createMember(database.db, { status: 'verified' })
    await enqueueMail(database.db, {
      template: 'test.hello',
      to: member.email,
      memberId: member.id,
      requires: 'verified',
      locale: 'de',
      params: { name: 'Ede' },
    })
    await database.db
      .updateTable('members')
      .set({ status: 'suspended' })
      .where('id', '=', member.id)
      .execute()
    const before = sink.received.length
    await runDueJobs(database.url, deliveryTasks(config))
    expect(sink.received.length).toBe(before)
    expect(await queuedJobs(database.db, 'send_mail')).toEqual([])
  })

  it('sends it while the member is verified', async () => {
    const config = testConfig({ SMTP_URL: sink.url })
    const member = await createMember(database.db, { status: 'verified' })
    await enqueueMail(database.db, {
      template: 'test.hello',
      to: member.email,
      memberId: member.id,
      requires: 'verified',
      locale: 'de',
      params: { name: 'Finn' },
    })
    await runDueJobs(database.url, deliveryTasks(config))
    expect(sink.accepted().at(-1)!.envelopeTo).toEqual([member.email])
  })
})
