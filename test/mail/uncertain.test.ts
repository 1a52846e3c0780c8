// A mail whose sending is uncertain (handed to SMTP, then the worker died before the answer):
// it is never sent again on its own, but admins see it on /admin/mail with the address hidden but
// for its first letters and decide: "erneut senden" (same Message-ID, really sent by the queue)
// or "verwerfen"; both audited, both only once.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { enqueueMail } from '../../src/core/mail/mail.queue.ts'
import { maskedAddress } from '../../src/features/mail/uncertain.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp()

/** Queues a mail and leaves it as a crash during the hand-over would: 'sending', job retried. */
async function uncertainMail(to: string): Promise<string> {
  const { db } = setup.database
  await enqueueMail(db, { template: 'account.deleted', to, locale: 'de', params: { name: 'Gesa' } })
  const { rows } = await sql<{
    id: string
  }>`select payload ->> 'messageId' as id from graphile_worker._private_jobs
    where payload ->> 'to' = ${to}`.execute(db)
  const messageId = rows[0]!.id
  await sql`insert into mail_sends (message_id, template, status) values (${messageId}, 'account.deleted', 'sending')`.execute(
    db,
  )
  // The retry finds it 'sending': uncertain, not sent again.
  expect(await sendQueuedMail(setup.database)).toEqual([])
  return messageId
}

async function statusOf(messageId: string) {
  return setup.database.db
    .selectFrom('mail_sends')
    .select(['status', 'job'])
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow()
}

async function auditActions() {
  const rows = await setup.database.db
    .selectFrom('audit_events')
    .select(['action', 'details'])
    .where('action', 'in', ['mail.resent', 'mail.discarded'])
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ action: row.action, details: row.details }))
}

describe('mail whose sending is uncertain', () => {
  it('is shown to admins with a hidden address, sent again once or discarded, audited', async () => {
    const first = await uncertainMail('gesa.gruen@stadt-g.de')
    const second = await uncertainMail('otto.ost@stadt-o.de')
    expect((await statusOf(first)).status).toBe('uncertain')

    const admin = await createMember(setup.database.db, { role: 'admin' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, admin.id)
    const page = await agent.get('/admin/mail')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Zustellung ungewiss')
    expect(page.body).toContain('ge…@st…')
    expect(page.body).toContain('ot…@st…')
    expect(page.body).not.toContain('gesa.gruen')
    expect(page.body).not.toContain('stadt-g.de')

    const bare = (id: string) => id.replace(/^<|>$/g, '')
    const resent = await agent.submit('/admin/mail', '/admin/mail/uncertain', {
      mail: bare(first),
      decision: 'resend',
    })
    expect(resent.headers.location).toBe('/admin/mail?done=resent#uncertain')
    expect(await statusOf(first)).toEqual({ status: 'queued', job: null })
    const sent = await sendQueuedMail(setup.database)
    expect(sent.map((mail) => [mail.to, mail.messageId])).toEqual([['gesa.gruen@stadt-g.de', first]])
    expect((await statusOf(first)).status).toBe('sent')

    const discarded = await agent.submit('/admin/mail', '/admin/mail/uncertain', {
      mail: bare(second),
      decision: 'discard',
    })
    expect(discarded.headers.location).toBe('/admin/mail?done=discarded#uncertain')
    expect(await statusOf(second)).toEqual({ status: 'dropped', job: null })
    expect(await sendQueuedMail(setup.database)).toEqual([])

    // Decided is decided: a second click, an unknown mail or decision changes nothing.
    for (const form of [
      { mail: bare(first), decision: 'resend' },
      { mail: bare(second), decision: 'resend' },
      { mail: 'nichts@vertrauensraum', decision: 'discard' },
      { mail: bare(first), decision: 'alles' },
    ]) {
      const again = await agent.submit('/admin/mail', '/admin/mail/uncertain', form)
      expect(again.headers.location).toBe('/admin/mail?done=notDecided#uncertain')
    }
    expect(await auditActions()).toEqual([
      { action: 'mail.resent', details: { template: 'account.deleted', recipient: 'ge…@st…' } },
      { action: 'mail.discarded', details: { template: 'account.deleted', recipient: 'ot…@st…' } },
    ])
    const audit = await agent.get('/moderation/audit')
    expect(audit.body).toContain('Ungewisse E-Mail erneut gesendet')
    expect(audit.body).toContain('E-Mail „account.deleted“ an ge…@st…')
    expect((await agent.get('/admin/mail')).body).toContain('Keine E-Mails mit ungewisser Zustellung.')
  })

  it('is decided only by admins, with a CSRF token', async () => {
    const messageId = await uncertainMail('ina.iser@stadt-i.de')
    const moderator = await createMember(setup.database.db, { role: 'moderator' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, moderator.id)
    const token = await agent.csrf('/')
    const refused = await agent.post('/admin/mail/uncertain', {
      _csrf: token,
      mail: messageId.slice(1, -1),
      decision: 'resend',
    })
    expect(refused.statusCode).toBe(403)
    const admin = await createMember(setup.database.db, { role: 'admin' })
    const adminAgent = createAgent(setup.app)
    await signInAs(setup.database.db, adminAgent, admin.id)
    const noToken = await adminAgent.post('/admin/mail/uncertain', {
      mail: messageId.slice(1, -1),
      decision: 'resend',
    })
    expect(noToken.statusCode).toBe(403)
    expect((await statusOf(messageId)).status).toBe('uncertain')
  })

  it('masks an address to its first letters', () => {
    expect(maskedAddress('Ölaf.x@ämter.de')).toBe('Öl…@äm…')
    expect(maskedAddress('a@b.de')).toBe('a…@b.…')
    expect(maskedAddress('kaputt')).toBe('ka…')
  })
})
