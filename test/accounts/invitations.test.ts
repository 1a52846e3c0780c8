// Invitations: a few a day per member, and the same answer whether the address has an account.
import { describe, expect, it } from 'vitest'
import { invitationsPerDay } from '../../src/features/accounts/invitations.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp()

async function inviter() {
  const member = await createMember(setup.database.db, { name: 'Inge Einladend' })
  const agent = createAgent(setup.app)
  await signInAs(setup.database.db, agent, member.id)
  return { member, agent }
}

const flashOf = async (agent: ReturnType<typeof createAgent>) =>
  (await agent.get('/invite')).body.match(/class="flash"[^>]*>([^<]*)</)?.[1]

describe('invitations', () => {
  it('answers the same for an address that already has an account, and mails it nothing', async () => {
    const { agent } = await inviter()
    const existing = await createMember(setup.database.db)
    const known = await agent.submit('/invite', '/invite', { email: existing.email })
    const knownFlash = await flashOf(agent)
    const unknown = await agent.submit('/invite', '/invite', { email: 'neu.kollege@teststadt-neu.de' })
    const unknownFlash = await flashOf(agent)
    expect(known.statusCode).toBe(303)
    expect(unknown.statusCode).toBe(303)
    expect(knownFlash?.replace(existing.email, 'X')).toBe(
      unknownFlash?.replace('neu.kollege@teststadt-neu.de', 'X'),
    )
    const mails = await sendQueuedMail(setup.database)
    expect(mails.filter((m) => m.to === existing.email)).toHaveLength(0)
    expect(mails.filter((m) => m.to === 'neu.kollege@teststadt-neu.de')).toHaveLength(1)
  })

  it(`lets a member send ${invitationsPerDay} a day`, async () => {
    const { agent } = await inviter()
    for (let i = 0; i < invitationsPerDay; i++) {
      expect(
        (await agent.submit('/invite', '/invite', { email: `kollegin-${i}@teststadt-neu.de` })).statusCode,
      ).toBe(303)
    }
    const more = await agent.submit('/invite', '/invite', { email: 'noch-eine@teststadt-neu.de' })
    expect(more.statusCode).toBe(429)
    // Another member has their own allowance.
    const other = await inviter()
    expect(
      (await other.agent.submit('/invite', '/invite', { email: 'andere@teststadt-neu.de' })).statusCode,
    ).toBe(303)
  })

  it('tells the invitee what happens, without “if this was not you”', async () => {
    const { agent } = await inviter()
    await agent.submit('/invite', '/invite', { email: 'eingeladen@teststadt-neu.de', note: 'Komm dazu!' })
    const mail = (await sendQueuedMail(setup.database)).find((m) => m.to === 'eingeladen@teststadt-neu.de')!
    const text = String(mail.text)
    expect(text).not.toContain('Wenn Sie das nicht waren')
    expect(text).toContain('Die Einladung gilt 14 Tage.')
    expect(text).toContain('Wenn Sie nicht mitmachen möchten, müssen Sie nichts tun')
  })

  it('says on the form how long an invitation holds and how many a day are possible', async () => {
    const { agent } = await inviter()
    const page = await agent.get('/invite')
    expect(page.body).toContain('Die Einladung gilt 14 Tage für genau diese Adresse.')
    expect(page.body).toContain(`Sie können ${invitationsPerDay} Einladungen am Tag senden.`)
    expect(page.body).toMatch(/<label for="field-email"/)
    expect(page.body).toMatch(/<label for="field-note"/)
  })
})
