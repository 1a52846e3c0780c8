// The development mailbox holds everyone's confirmation and reset links, the admin's too. It
// is an explicit development setting (DEV_MAILBOX), on by default only in development, and off
// whenever anything suggests that others can reach the server: production, real SMTP, a
// reverse proxy, or an address other than loopback. Compose binds Mailpit's inbox to loopback.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { projectRoot } from '../foundation/process-helpers.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase } from '../helpers/db.ts'

const secret = { SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789' }
const mailbox = (env: Record<string, string>) => loadConfig({ ...secret, ...env }).devMailbox

describe('DEV_MAILBOX', () => {
  it('is on by default in development on a loopback address, and can be switched off', () => {
    expect(mailbox({})).toBe(true)
    expect(mailbox({ NODE_ENV: 'development', HOST: '127.0.0.1' })).toBe(true)
    expect(mailbox({ HOST: '::1' })).toBe(true)
    expect(mailbox({ DEV_MAILBOX: 'false' })).toBe(false)
  })

  it('is off by default outside development (tests may switch it on)', () => {
    expect(mailbox({ NODE_ENV: 'test' })).toBe(false)
    expect(mailbox({ NODE_ENV: 'test', DEV_MAILBOX: 'true' })).toBe(true)
    expect(mailbox({ NODE_ENV: 'production' })).toBe(false)
  })

  it('is off whenever others could reach the server, even in development', () => {
    expect(mailbox({ SMTP_URL: 'smtp://mail.example:25' })).toBe(false)
    expect(mailbox({ TRUST_PROXY: '127.0.0.1' })).toBe(false)
    expect(mailbox({ HOST: '0.0.0.0' })).toBe(false)
    expect(mailbox({ HOST: '::' })).toBe(false)
    expect(mailbox({ HOST: '192.168.1.20' })).toBe(false)
    expect(mailbox({ HOST: 'forum.example' })).toBe(false)
  })

  it('refuses to start when it is asked for where it is not allowed, naming why', () => {
    const cases: [Record<string, string>, string][] = [
      [{ NODE_ENV: 'production' }, 'NODE_ENV=production'],
      [{ SMTP_URL: 'smtp://mail.example:25' }, 'SMTP_URL'],
      [{ TRUST_PROXY: '10.0.0.1' }, 'TRUST_PROXY'],
      [{ HOST: '0.0.0.0' }, 'HOST=0.0.0.0'],
    ]
    for (const [env, reason] of cases) {
      expect(() => loadConfig({ ...secret, ...env, DEV_MAILBOX: 'true' })).toThrow(ConfigError)
      expect(() => loadConfig({ ...secret, ...env, DEV_MAILBOX: 'true' })).toThrow(reason)
    }
    expect(() => loadConfig({ DEV_MAILBOX: 'perhaps' })).toThrow('DEV_MAILBOX: expected true or false')
  })

  it('keeps the pages away behind a reverse proxy on the same machine', async () => {
    const database = await createTestDatabase()
    const behindProxy = await buildTestApp(database.db, { NODE_ENV: 'development', TRUST_PROXY: '127.0.0.1' })
    const direct = await buildTestApp(database.db, { NODE_ENV: 'development' })
    try {
      // The proxy connects from loopback: that alone once let the whole world in.
      const viaProxy = await behindProxy.inject({
        url: '/dev/mail',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      })
      expect(viaProxy.statusCode).toBe(404)
      expect((await behindProxy.inject('/dev/mail')).statusCode).toBe(404)
      expect((await direct.inject('/dev/mail')).statusCode).toBe(200)
    } finally {
      await behindProxy.close()
      await direct.close()
      await database.drop()
    }
  }, 120_000)
})

describe('docker compose', () => {
  it('publishes Mailpit’s inbox on 127.0.0.1 only', () => {
    const compose = readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8')
    const published = [...compose.matchAll(/^\s+- "([^"]+)"/gm)].map((m) => m[1]!)
    const inbox = published.filter((mapping) => mapping.endsWith(':8025'))
    expect(inbox).toEqual(['127.0.0.1:8025:8025'])
    expect(published.some((mapping) => mapping.includes('1025'))).toBe(false)
  })
})
