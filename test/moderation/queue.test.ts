// The review card holds everything a moderator checks before deciding.
import { expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOrganisation, signInAs } from '../helpers/factories.ts'

const setup = useTestApp()

function cardOf(html: string, id: number): string {
  const start = html.indexOf(`id="applicant-${id}"`)
  return html.slice(start, html.indexOf('</dl>', start))
}

it('shows the organisation with its domains and verified members, and who else owns the domain', async () => {
  const owner = await createOrganisation(setup.database.db, {
    name: 'Stadt Eigentümerin',
    domains: ['eigentum-stadt.de'],
  })
  const chosen = await createOrganisation(setup.database.db, {
    name: 'Gemeinde Gewählt',
    domains: ['gewaehlt.de', 'rathaus-gewaehlt.de'],
  })
  await createMember(setup.database.db, { organisationId: chosen.id })
  await createMember(setup.database.db, { organisationId: chosen.id })
  await createMember(setup.database.db, { organisationId: chosen.id, status: 'rejected' })
  const applicant = await createMember(setup.database.db, {
    status: 'pending_review',
    name: 'Kim Anderswo',
    email: 'kim@eigentum-stadt.de',
    organisationId: chosen.id,
  })
  const moderator = await createMember(setup.database.db, { role: 'moderator' })
  const agent = createAgent(setup.app)
  await signInAs(setup.database.db, agent, moderator.id)

  const card = cardOf((await agent.get('/moderation')).body, applicant.id)
  expect(card).toContain(
    `<a href="/admin/organisations/${chosen.id}/edit"><bdi>Gemeinde Gewählt</bdi></a> (Stadt/Gemeinde, Nordrhein-Westfalen)`,
  )
  expect(card).toContain('nicht als Domain der Organisation hinterlegt')
  expect(card).toContain('– die Domain gehört zu „Stadt Eigentümerin“.')
  expect(card).toContain('<dt>Dienst-Domains der Organisation</dt><dd>gewaehlt.de, rathaus-gewaehlt.de</dd>')
  expect(card).toContain('<dt>Geprüfte Mitglieder der Organisation</dt><dd>2</dd>')
  expect(owner.id).not.toBe(chosen.id)
})
