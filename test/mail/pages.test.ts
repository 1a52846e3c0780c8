// The development mailbox (files + page, absent in production) and the admin mail queue.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeMessage } from '../../src/core/mail/mail.message.ts'
import { enqueueMail } from '../../src/core/mail/mail.queue.ts'
import { type MailTemplates, mailContext, simpleMail } from '../../src/core/mail/mail.templates.ts'
import { mailboxTransport, smtpTransport } from '../../src/core/mail/mail.transport.ts'
import { freePort } from '../../src/lib/free-port.ts'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp, testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { mailTasks } from '../helpers/mail.ts'
import { queuedJobs, runDueJobs } from './queue.ts'

const templates: MailTemplates = {
  'test.pages': (p, c) =>
    simpleMail(c, {
      subject: `Bestätigen Sie ${String(p.name)}`,
      greeting: 'Hallo',
      paragraphs: ['Bitte bestätigen Sie Ihre Adresse.'],
      action: { label: 'Bestätigen', url: `${c.baseUrl}/confirm/${String(p.token)}` },
    }),
}

let database: TestDatabase
let dataDir: string
let app: FastifyInstance

beforeAll(async () => {
  database = await createTestDatabase()
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vr-mailbox-'))
  app = await buildTestApp(database.db, { DATA_DIR: dataDir, DEV_MAILBOX: 'true' })
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('development mailbox', () => {
  it('lists the messages newest first and shows one with clickable links and a separate HTML view', async () => {
    const config = testConfig({ DATA_DIR: dataDir })
    const transport = mailboxTransport(path.join(dataDir, 'mail'))
    const built = (subject: string) =>
      simpleMail(mailContext('de', config.baseUrl), {
        subject,
        greeting: 'Hallo <Anna>',
        paragraphs: ['Text mit <b>Zeichen</b>'],
        action: { label: 'Bestätigen', url: 'http://forum.test/confirm/abc' },
      })
    await transport.send(
      composeMessage(config, { to: 'anna@stadt-a.de', messageId: '<a@x>', built: built('Erste') }),
    )
    await new Promise((resolve) => setTimeout(resolve, 5)) // distinct file names (millisecond clock)
    await transport.send(
      composeMessage(config, { to: 'bert@stadt-b.de', messageId: '<b@x>', built: built('Zweite') }),
    )

    const list = await app.inject('/dev/mail')
    expect(list.statusCode).toBe(200)
    expect(list.body.indexOf('Zweite')).toBeGreaterThan(-1)
    expect(list.body.indexOf('Zweite')).toBeLessThan(list.body.indexOf('Erste'))
    expect(list.body).toContain('anna@stadt-a.de')
    const file = list.body.match(/href="\/dev\/mail\/([^"]+\.eml)">Erste/)![1]!

    const one = await app.inject(`/dev/mail/${file}`)
    expect(one.statusCode).toBe(200)
    expect(one.body).toContain('<a href="http://forum.test/confirm/abc">http://forum.test/confirm/abc</a>')
    expect(one.body).toContain('Hallo &lt;Anna&gt;')
    expect(one.body).not.toContain('<b>Zeichen</b>')
    expect(one.body).toContain(`href="/dev/mail/${file}/html"`)
    expect(one.body).toContain('auto-generated')
    expect(one.headers['content-security-policy']).toContain("script-src 'self'")

    const html = await app.inject(`/dev/mail/${file}/html`)
    expect(html.statusCode).toBe(200)
    expect(html.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    )
    expect(html.body).toContain('<a href="http://forum.test/confirm/abc">')
  })

  it('never reads outside the mailbox folder', async () => {
    writeFileSync(path.join(dataDir, 'secret.eml'), 'Subject: geheim\n\nnicht zeigen')
    for (const name of [
      '..%2Fsecret.eml',
      '..%2F..%2F..%2Fetc%2Fpasswd',
      'secret.eml',
      '%2E%2E%2Fsecret.eml',
      '2026-11-24T10-00-00-000Z-abcdef.eml',
      '2026-11-24T10-00-00-000Z-abcdef.eml%00.txt',
    ]) {
      const response = await app.inject(`/dev/mail/${name}`)
      expect(response.statusCode, name).toBe(404)
      expect(response.body).not.toContain('geheim')
      const html = await app.inject(`/dev/mail/${name}/html`)
      expect(html.statusCode, name).toBe(404)
    }
  })

  it('does not exist in production', async () => {
    const production = await buildTestApp(database.db, { NODE_ENV: 'production', DATA_DIR: dataDir })
    try {
      expect((await production.inject('/dev/mail')).statusCode).toBe(404)
      const list = await app.inject('/dev/mail')
      const file = list.body.match(/href="\/dev\/mail\/([^"]+\.eml)"/)![1]!
      expect((await production.inject(`/dev/mail/${file}`)).statusCode).toBe(404)
      expect((await production.inject(`/dev/mail/${file}/html`)).statusCode).toBe(404)
    } finally {
      await production.close()
    }
  })
})

describe('admin mail queue', () => {
  it('is for admins only', async () => {
    expect((await app.inject('/admin/mail')).statusCode).toBe(303)
    const member = await createMember(database.db)
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    expect((await agent.get('/admin/mail')).statusCode).toBe(403)
    const moderator = await createMember(database.db, { role: 'moderator' })
    const modAgent = createAgent(app)
    await signInAs(database.db, modAgent, moderator.id)
    expect((await modAgent.get('/admin/mail')).statusCode).toBe(403)
  })

  it('lists a failed mail without tokens or addresses in the error, and retries it', async () => {
    await sql`delete from graphile_worker._private_jobs`.execute(database.db)
    const port = await freePort()
    const config = testConfig({ SMTP_URL: `smtp://127.0.0.1:${port}` })
    await enqueueMail(database.db, {
      template: 'test.pages',
      to: 'gesa@stadt-g.de',
      locale: 'de',
      params: { name: 'Gesa', token: 'geheimes-token-0123456789abcdefghijkl' },
    })
    await runDueJobs(database.url, mailTasks(config, database.db, smtpTransport(config.smtpUrl!), templates))
    // An error text the way SMTP servers write them, with the address in it.
    await sql`update graphile_worker._private_jobs
      set attempts = max_attempts,
          last_error = '550 5.1.1 <gesa@stadt-g.de>: unknown, see http://forum.test/confirm/geheimes-token-0123456789abcdefghijkl'`.execute(
      database.db,
    )
    const [job] = await queuedJobs(database.db, 'send_mail')

    const admin = await createMember(database.db, { role: 'admin' })
    const agent = createAgent(app)
    await signInAs(database.db, agent, admin.id)
    const page = await agent.get('/admin/mail')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`id="mail-job-${job!.id}"`)
    expect(page.body).toContain('test.pages')
    expect(page.body).toContain('gesa@stadt-g.de') // the recipient column, for admins
    expect(page.body).toContain('550 5.1.1 &lt;[address]&gt;: unknown, see [link]')
    expect(page.body).not.toContain('geheimes-token')
    expect(page.body).toContain(`action="/admin/mail/${job!.id}/retry"`)

    const retried = await agent.submit('/admin/mail', `/admin/mail/${job!.id}/retry`, {})
    expect(retried.statusCode).toBe(303)
    expect(retried.headers.location).toBe('/admin/mail?done=retried')
    const [after] = await queuedJobs(database.db, 'send_mail')
    expect(after!.attempts).toBe(0)

    const again = await agent.submit('/admin/mail', '/admin/mail/999999/retry', {})
    expect(again.headers.location).toBe('/admin/mail?done=notRetried')
    // A malformed id names no job: the 404 page (the route's params schema).
    const bad = await agent.submit('/admin/mail', '/admin/mail/abc/retry', {})
    expect(bad.statusCode).toBe(404)
    const shown = await agent.get('/admin/mail?done=retried')
    expect(shown.body).toContain('erneut versandt')
    const odd = await agent.get('/admin/mail?done=%3Cscript%3E&count=%3Cb%3E')
    expect(odd.statusCode).toBe(200)
  })

  it('refuses a retry without CSRF token', async () => {
    const admin = await createMember(database.db, { role: 'admin' })
    const agent = createAgent(app)
    await signInAs(database.db, agent, admin.id)
    const response = await agent.post('/admin/mail/1/retry', {})
    expect(response.statusCode).toBe(403)
  })
})

describe('development mailbox exposure', () => {
  it('answers only requests from this machine', async () => {
    const remote = await app.inject({ url: '/dev/mail', remoteAddress: '203.0.113.7' })
    expect(remote.statusCode).toBe(404)
    expect((await app.inject('/dev/mail')).statusCode).toBe(200)
  })
})
