import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createOrganisation } from '../helpers/factories.ts'
import { categoryId, createThread, reply, signedInMember } from './helpers.ts'

let database: TestDatabase
let app: FastifyInstance

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

describe('starting a thread', () => {
  it('shows the form with the limits stated and the seeded categories', async () => {
    const { agent } = await signedInMember(database.db, app)
    const response = await agent.get('/t/new?category=smart-city')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Neues Thema')
    expect(response.body).toContain('Zwischen 5 und 150 Zeichen')
    expect(response.body).toContain('Höchstens 20000 Zeichen')
    expect(response.body).toMatch(/<option value="\d+" selected>Smart City<\/option>/)
  })

  it('creates the thread and redirects to it', async () => {
    const org = await createOrganisation(database.db, { name: 'Stadt Beispielhausen' })
    const { agent } = await signedInMember(database.db, app, {
      name: 'Karla Kolumna',
      jobTitle: 'CDO',
      organisationId: org.id,
    })
    const response = await agent.submit('/t/new', '/t', {
      title: 'Chatbot für das Bürgerbüro',
      category: String(await categoryId(database.db, 'ki')),
      stage: 'pilot',
      tags: 'Chatbot, Bürgerservice',
      confidential: 'on',
      body: 'Wir testen **gerade** einen Chatbot.',
    })
    expect(response.statusCode).toBe(303)
    const location = response.headers.location as string
    expect(location).toMatch(/^\/t\/\d+$/)
    const page = await agent.get(location)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h1>Chatbot für das Bürgerbüro</h1>')
    expect(page.body).toContain('Karla Kolumna')
    expect(page.body).toContain('CDO · Stadt Beispielhausen')
    expect(page.body).toContain('<strong>gerade</strong>')
    expect(page.body).toContain('class="confidential"')
    expect(page.body).toContain('#chatbot')
    expect(page.body).toContain('Reifegrad: Pilot')
    expect(page.body).toContain('Sie folgen diesem Thema')
  })
})
