import { describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

const setup = useTestApp()

describe('landing page', () => {
  it('serves the German landing page with a login link to anonymous visitors', async () => {
    const response = await setup.app.inject('/')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<html lang="de">')
    expect(response.body).toContain('href="/login"')
    expect(response.headers['set-cookie']).toBeUndefined()
  })

  it('greets a verified member by name', async () => {
    const member = await createMember(setup.database.db, { name: 'Karla Kolumna' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, member.id)
    const response = await agent.get('/')
    expect(response.body).toContain('Karla Kolumna')
  })
})

describe('broken requests', () => {
  it('answers a URL that cannot be decoded with a German 400 page, not JSON', async () => {
    const response = await setup.app.inject('/%')
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('text/html')
    expect(response.body).toContain('Ungültige Anfrage')
  })
})
