import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { runReconfirmation } from '../../src/features/accounts/reconfirmation.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOfficialMember, signInAs } from '../helpers/factories.ts'
import { linkIn, sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp()

const member = (id: number) =>
  setup.database.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

describe('yearly re-confirmation', () => {
  it('mails a link when the year is over; the button renews for 12 months', async () => {
    const { member: m } = await createOfficialMember(setup.database.db)
    await setup.database.db
      .updateTable('members')
      .set({ verified_until: sql`now() - interval '1 day'` })
      .where('id', '=', m.id)
      .execute()
    const first = await runReconfirmation(setup.database.db)
    expect(first.reminded).toBeGreaterThanOrEqual(1)
    expect((await runReconfirmation(setup.database.db)).reminded).toBe(0) // no second reminder within a week
    const mail = (await sendQueuedMail(setup.database)).find((x) => x.to === m.email)!
    const link = linkIn(mail, '/reconfirm/')
    const agent = createAgent(setup.app)
    await agent.get(link)
    expect((await member(m.id)).reconfirm_requested_at).not.toBeNull()
    const done = await agent.submit(link, link, {})
    expect(done.body).toContain('weitere 12 Monate')
    const renewed = await member(m.id)
    expect(renewed.reconfirm_requested_at).toBeNull()
    expect(renewed.verified_until!.getTime()).toBeGreaterThan(Date.now() + 360 * 24 * 3600 * 1000)
  })

  it('expires a membership 30 days after the first request and ends its sessions; confirming sends it back to review', async () => {
    const { member: m } = await createOfficialMember(setup.database.db)
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, m.id)
    await setup.database.db
      .updateTable('members')
      .set({
        verified_until: sql`now() - interval '40 days'`,
        reconfirm_requested_at: sql`now() - interval '31 days'`,
        reconfirm_reminded_at: sql`now() - interval '3 days'`,
      })
      .where('id', '=', m.id)
      .execute()
    const result = await runReconfirmation(setup.database.db)
    expect(result.expired).toBeGreaterThanOrEqual(1)
    expect((await member(m.id)).status).toBe('expired')
    expect((await agent.get('/account')).statusCode).toBe(303)

    const again = createAgent(setup.app)
    await signInAs(setup.database.db, again, m.id)
    const status = await again.get('/status')
    expect(status.body).toContain('abgelaufen')
    await again.submit('/status', '/status/reconfirm', {})
    const link = linkIn((await sendQueuedMail(setup.database)).find((x) => x.to === m.email)!, '/reconfirm/')
    await again.submit(link, link, {})
    expect((await member(m.id)).status).toBe('pending_review')
  })
})

describe('invitations', () => {
  it('binds the invitation to the address and shows the inviter as evidence, without skipping review', async () => {
    const inviter = await createMember(setup.database.db, { name: 'Inge Einladend' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, inviter.id)
    const bad = await agent.submit('/invite', '/invite', { email: 'kein-mail' })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('value="kein-mail"')
    const sent = await agent.submit('/invite', '/invite', {
      email: 'kollegin@teststadt-neu.de',
      note: 'Komm dazu!',
    })
    expect(sent.statusCode).toBe(303)
    const mail = (await sendQueuedMail(setup.database)).find((x) => x.to === 'kollegin@teststadt-neu.de')!
    expect(String(mail.text)).toContain('Inge Einladend')
    const link = linkIn(mail, '/register?invitation=')
    const page = await setup.app.inject(link)
    expect(page.body).toContain('value="kollegin@teststadt-neu.de"')
    expect(page.body).toContain('Inge Einladend')
  })
})
