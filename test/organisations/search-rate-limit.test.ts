import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

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

it('limits the public search to 60 requests a minute per address', async () => {
  for (let i = 0; i < 60; i++) {
    const response = await app.inject({
      url: '/organisations/search?q=ab',
      headers: { 'hx-request': 'true' },
    })
    expect(response.statusCode).toBe(200)
  }
  const limited = await app.inject({ url: '/organisations/search?q=ab' })
  expect(limited.statusCode).toBe(429)
  expect(limited.body).toContain('Zu viele Versuche')
  const other = await app.inject({ url: '/organisations/search?q=ab', remoteAddress: '192.0.2.7' })
  expect(other.statusCode).toBe(200)
})
