// Closing the app gracefully (what server.ts does first on SIGTERM/SIGINT) stops accepting connections
// but lets a request in flight finish, database included.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { closeGracefully } from '../../src/runtime.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

let database: TestDatabase
let app: FastifyInstance
let entered: () => void
const inHandler = new Promise<void>((resolve) => {
  entered = resolve
})
let release: () => void
const released = new Promise<void>((resolve) => {
  release = resolve
})

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(
    database.db,
    {},
    {
      extraRoutes: async (site) => {
        site.get('/test/slow', { config: { access: 'public' } }, async () => {
          entered()
          await released
          const { rows } = await sql<{ answer: number }>`select 42 as answer`.execute(database.db)
          return rows[0]
        })
      },
    },
  )
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

it('finishes the request in flight and refuses new connections while closing', async () => {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200)

  const inFlight = fetch(`${baseUrl}/test/slow`)
  await inHandler
  const closing = closeGracefully(app)

  await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow()

  release()
  const response = await inFlight
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({ answer: 42 })
  await closing
})
