// Verification is bound to an official address: a new address must be at a domain of the
// member's organisation (or of one they move to, which means review again), and the yearly
// re-confirmation proves control of an official address.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { runReconfirmation } from '../../src/features/accounts/reconfirmation.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOrganisation, defaultPassword, signInAs } from '../helpers/factories.ts'
import { linkIn, sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp()
const db = () => setup.database.db

let counter = 0
async function memberAt(domains: string[], overrides: Parameters<typeof createMember>[1] = {}) {
  const organisation = await createOrganisation(db(), { domains })
  const member = await createMember(db(), {
    organisationId: organisation.id,
    email: `person.${counter++}@${domains[0]}`,
    ...overrides,
  })
  const agent = createAgent(setup.app)
  await signInAs(db(), agent, member.id)
  return { organisation, member, agent }
}

const row = (id: number) =>
  db()
    .selectFrom('members')
    .select(['status', 'email', 'organisation_id', 'verified_until', 'reconfirm_requested_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

const flashOf = async (agent: ReturnType<typeof createAgent>) =>
  (await agent.get('/account')).body.match(/class="flash"[^>]*>([^<]*)</)?.[1]

const changeEmail = (agent: ReturnType<typeof createAgent>, email: string) =>
  agent.submit('/account', '/account/email', { email, currentPassword: defaultPassword })

describe('changing the address', () => {
  it('refuses a private address and names the official domains that would do', async () => {
    const { member, agent } = await memberAt(['amt-alpha.de', 'alpha-stadt.de'])
    const response = await changeEmail(agent, 'privat@freemail.example')
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('alpha-stadt.de, amt-alpha.de')
    expect(response.body).toContain('value="privat@freemail.example"')
    expect((await row(member.id)).email).toBe(member.email)
  })

  it('takes another official address of the same organisation and stays verified', async () => {
    const { member, agent } = await memberAt(['beta-amt.de', 'beta-stadt.de'])
    expect((await changeEmail(agent, 'neu@beta-stadt.de')).statusCode).toBe(303)
    const link = linkIn(
      (await sendQueuedMail(setup.database)).find((m) => m.to === 'neu@beta-stadt.de')!,
      '/email/confirm/',
    )
    const done = await agent.submit(link, link, {})
    expect(done.body).toContain('Ihre neue E-Mail-Adresse ist bestätigt.')
    expect(await row(member.id)).toMatchObject({ status: 'verified', email: 'neu@beta-stadt.de' })
  })

  it('moves a member to the organisation of the new address and back into review, still signed in', async () => {
    const { member, agent } = await memberAt(['gamma-alt.de'])
    const next = await createOrganisation(db(), { name: 'Landkreis Gamma-Neu', domains: ['gamma-neu.de'] })
    expect((await changeEmail(agent, 'wechsel@gamma-neu.de')).statusCode).toBe(303)
    expect(await flashOf(agent)).toContain('„Landkreis Gamma-Neu“')
    expect((await row(member.id)).status).toBe('verified')
    const link = linkIn(
      (await sendQueuedMail(setup.database)).find((m) => m.to === 'wechsel@gamma-neu.de')!,
      '/email/confirm/',
    )
    const done = await agent.submit(link, link, {})
    expect(done.body).toContain('prüft die Moderation Ihre Mitgliedschaft jetzt erneut')
    expect(await row(member.id)).toMatchObject({
      status: 'pending_review',
      email: 'wechsel@gamma-neu.de',
      organisation_id: next.id,
    })
    const audit = await db()
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('subject_id', '=', member.id)
      .where('action', '=', 'member.sent_to_review')
      .executeTakeFirstOrThrow()
    expect(audit.details).toMatchObject({
      fromOrganisationId: member.organisation_id,
      toOrganisationId: next.id,
    })
    // Still signed in, but only the status page.
    const home = await agent.get('/')
    expect(home.statusCode).toBe(303)
    expect(home.headers.location).toBe('/status')
  })

  it('answers the same when the new address is already someone’s account, and mails that owner a notice', async () => {
    const { agent } = await memberAt(['delta-stadt.de'])
    const other = await createMember(db(), { email: 'vergeben@delta-stadt.de' })
    const taken = await changeEmail(agent, other.email)
    const takenFlash = await flashOf(agent)
    const { agent: second } = await memberAt(['delta-zwei.de'])
    const free = await changeEmail(second, 'frei@delta-zwei.de')
    expect(taken.statusCode).toBe(303)
    expect(free.statusCode).toBe(303)
    expect(takenFlash).toBe(await flashOf(second))
    const mails = await sendQueuedMail(setup.database)
    const notice = mails.find((m) => m.to === other.email)!
    expect(notice.subject).toBe('Ihre Adresse im Vertrauensraum')
    expect(String(notice.text)).not.toContain('/email/confirm/')
  })
})

async function dueForReconfirmation(memberId: number) {
  await db()
    .updateTable('members')
    .set({ verified_until: sql`now() - interval '1 day'` })
    .where('id', '=', memberId)
    .execute()
}

describe('re-confirmation proves an official address', () => {
  it('sends no one-click link to an address that is not official; the member goes to review', async () => {
    const organisation = await createOrganisation(db(), { domains: ['epsilon-amt.de'] })
    const member = await createMember(db(), {
      organisationId: organisation.id,
      email: 'jemand@privat.example',
    })
    await dueForReconfirmation(member.id)
    const result = await runReconfirmation(db())
    expect(result.sentToReview).toBeGreaterThanOrEqual(1)
    expect((await row(member.id)).status).toBe('pending_review')
    const mails = (await sendQueuedMail(setup.database)).filter((m) => m.to === member.email)
    expect(mails.map((m) => m.subject)).toEqual(['Ihre Mitgliedschaft wird erneut geprüft'])
    expect(String(mails[0]!.text)).not.toContain('/reconfirm/')
  })

  it('does not renew by one click when the domain is no longer the organisation’s', async () => {
    const organisation = await createOrganisation(db(), { domains: ['zeta-amt.de'] })
    const member = await createMember(db(), { organisationId: organisation.id, email: 'zeta@zeta-amt.de' })
    await dueForReconfirmation(member.id)
    await runReconfirmation(db())
    const link = linkIn(
      (await sendQueuedMail(setup.database)).find((m) => m.to === member.email)!,
      '/reconfirm/',
    )
    // Meanwhile the domain left the directory (the member left, the municipality merged …).
    await db().deleteFrom('organisation_domains').where('domain', '=', 'zeta-amt.de').execute()
    const agent = createAgent(setup.app)
    const done = await agent.submit(link, link, {})
    expect(done.body).toContain('prüft Ihre Mitgliedschaft jetzt erneut')
    expect((await row(member.id)).status).toBe('pending_review')
  })

  it('lets an expired member with a private address ask only for review, not for a link', async () => {
    const organisation = await createOrganisation(db(), { domains: ['eta-amt.de'] })
    const member = await createMember(db(), {
      organisationId: organisation.id,
      email: 'eta@privat.example',
      status: 'expired',
    })
    const agent = createAgent(setup.app)
    await signInAs(db(), agent, member.id)
    await agent.submit('/status', '/status/reconfirm', {})
    expect((await row(member.id)).status).toBe('pending_review')
    const mails = (await sendQueuedMail(setup.database)).filter((m) => m.to === member.email)
    expect(mails.some((m) => String(m.text).includes('/reconfirm/'))).toBe(false)
  })
})
