import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

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

describe('landing page', () => {
  it('serves the German landing page with a login link to anonymous visitors', async () => {
    const response = await app.inject('/')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<html lang="de">')
    expect(response.body).toContain('href="/login"')
    expect(response.headers['set-cookie']).toBeUndefined()
  })

  it('greets a verified member by name', async () => {
    const member = await createMember(database.db, { name: 'Karla Kolumna' })
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    const response = await agent.get('/')
    expect(response.body).toContain('Karla Kolumna')
  })
})

describe('broken requests', () => {
  it('answers a URL that cannot be decoded with a German 400 page, not JSON', async () => {
    const response = await app.inject('/%')
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('text/html')
    expect(response.body).toContain('Ungültige Anfrage')
  })
})
