// A public mail provider's domain is never evidence of employment: even when one was listed as
// an organisation's domain before the directory refused them, it neither auto-approves a
// registration nor counts as official in the review queue.
import { describe, expect, it } from 'vitest'
import { isOfficialDomain } from '../../src/features/organisations/organisations.service.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOrganisation, signInAs } from '../helpers/factories.ts'
import { linkIn, sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp()

describe('a public mail domain that slipped into the directory', () => {
  it('is not an official domain of the organisation', async () => {
    const org = await createOrganisation(setup.database.db, { domains: ['gmx.de', 'eigene-stadt.de'] })
    expect(await isOfficialDomain(setup.database.db, org.id, 'jemand@gmx.de')).toBe(false)
    expect(await isOfficialDomain(setup.database.db, org.id, 'jemand@eigene-stadt.de')).toBe(true)
    const operator = await createOrganisation(setup.database.db, { domains: ['hausmail.example'] })
    expect(await isOfficialDomain(setup.database.db, operator.id, 'a@hausmail.example')).toBe(true)
    expect(
      await isOfficialDomain(setup.database.db, operator.id, 'a@hausmail.example', ['hausmail.example']),
    ).toBe(false)
  })

  it('does not verify a registration automatically, even with automatic approval on', async () => {
    const org = await createOrganisation(setup.database.db, { domains: ['gmail.com'], autoApprove: true })
    const email = `lena.${Date.now()}@gmail.com`
    const agent = createAgent(setup.app)
    await agent.submit('/register', '/register', {
      name: 'Lena Freemail',
      email,
      organisationId: String(org.id),
      jobTitle: 'Sachbearbeiterin',
      statement: 'Ich arbeite in der Verwaltung.',
      password: 'Apfelbaum-Laterne-Fahrrad-7',
    })
    const mail = (await sendQueuedMail(setup.database)).find((m) => m.to === email)
    if (mail) {
      const link = linkIn(mail, '/confirm/')
      await agent.submit(link, link, {})
    }
    const member = await setup.database.db
      .selectFrom('members')
      .select(['status'])
      .where('email', '=', email)
      .executeTakeFirst()
    // Either registration refused the address, or the applicant waits for a moderator.
    expect(member?.status ?? 'refused').toBeOneOf(['refused', 'pending_review'])
  })

  it('is shown as a public provider in the review queue, not as the official domain', async () => {
    const org = await createOrganisation(setup.database.db, { domains: ['web.de'] })
    const applicant = await createMember(setup.database.db, {
      status: 'pending_review',
      name: 'Paul Webmail',
      email: `paul.${Date.now()}@web.de`,
      organisationId: org.id,
    })
    const moderator = await createMember(setup.database.db, { role: 'moderator' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, moderator.id)
    const page = await agent.get('/moderation')
    const card = page.body.slice(page.body.indexOf(`id="applicant-${applicant.id}"`))
    const evidence = card.slice(0, card.indexOf('</dl>'))
    expect(evidence).toContain('öffentlicher E-Mail-Anbieter – kein Nachweis für die Organisation')
    expect(evidence).not.toContain('offizielle Domain der Organisation')

    await agent.submit('/moderation', `/moderation/applicants/${applicant.id}/approve`, { note: '' })
    const record = await setup.database.db
      .selectFrom('members')
      .select('verification_evidence')
      .where('id', '=', applicant.id)
      .executeTakeFirstOrThrow()
    expect(record.verification_evidence).toContain('public mail provider')
  })
})
