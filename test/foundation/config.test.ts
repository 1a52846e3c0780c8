// Configuration is read once, at start: defaults for a first run, one line naming the variable
// for every bad value, and the process stops with exit code 1 before doing anything else.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.ts'

const root = path.resolve(import.meta.dirname, '../..')

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a configuration error')
}

describe('loadConfig', () => {
  it('needs nothing for a first run on a developer machine', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      env: 'development',
      host: 'localhost',
      port: 3000,
      baseUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      embeddedPostgresPort: 54329,
      sessionSecret: undefined,
      sessionIdleMinutes: 120,
      sessionAbsoluteHours: 168,
      trustProxy: [],
      secureCookies: false,
      smtpUrl: undefined,
      logLevel: 'info',
    })
    expect(config.dataDir).toBe(path.resolve('data'))
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads a production setting', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '0.0.0.0',
      BASE_URL: 'https://forum.example.de/',
      DATABASE_URL: 'postgres://app:pw@db:5432/vertrauensraum',
      SESSION_SECRET: 'x'.repeat(40),
      TRUST_PROXY: '10.0.0.1, 172.16.0.0/12',
      SMTP_URL: 'smtp://mailpit:1025',
    })
    expect(config).toMatchObject({
      env: 'production',
      port: 8080,
      host: '0.0.0.0',
      baseUrl: 'https://forum.example.de',
      databaseUrl: 'postgres://app:pw@db:5432/vertrauensraum',
      trustProxy: ['10.0.0.1', '172.16.0.0/12'],
      secureCookies: true,
      smtpUrl: 'smtp://mailpit:1025',
    })
  })

  it.each([
    [{ PORT: 'abc' }, 'PORT: expected an integer from 0 to 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT: expected an integer from 0 to 65535, got "70000"'],
    [
      { DATABASE_URL: 'mysql://db/x' },
      'DATABASE_URL: expected a URL starting with postgres:// or postgresql://',
    ],
    [{ DATABASE_URL: 'nicht eine url' }, 'DATABASE_URL: expected a URL'],
    [{ BASE_URL: 'forum.example.de' }, 'BASE_URL: expected a URL starting with http:// or https://'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY: expected a comma-separated list of proxy IP addresses'],
    [{ TRUST_PROXY: '10.0.0.1, *' }, 'TRUST_PROXY: expected'],
    [{ SESSION_SECRET: 'kurz' }, 'SESSION_SECRET: expected at least 32 characters'],
    [
      { NODE_ENV: 'production' },
      'SESSION_SECRET: expected a random secret of at least 32 characters in production',
    ],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: expected one of development, production, test, got "staging"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL: expected a URL starting with smtp:// or smtps://'],
    [{ SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES: expected an integer'],
    [{ RUN_WORKER: 'yes' }, 'RUN_WORKER: expected true or false, got "yes"'],
    [{ MAIL_FROM: 'niemand' }, 'MAIL_FROM: expected an e-mail address'],
  ])('rejects %o with one line naming the variable', (env, message) => {
    const text = errorOf(env)
    expect(text.slice(0, message.length)).toBe(message)
    expect(text).not.toContain('\n')
  })

  it('never echoes a secret', () => {
    expect(errorOf({ SESSION_SECRET: 'geheim-aber-zu-kurz' })).not.toContain('geheim')
  })
})

describe('the server process with a bad setting', () => {
  it('prints one line naming the variable and exits with 1', () => {
    const result = spawnSync(process.execPath, ['src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual([
      'Configuration error: PORT: expected an integer from 0 to 65535, got "abc"',
    ])
  })

  it('refuses to trust every proxy', () => {
    const result = spawnSync(process.execPath, ['src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, TRUST_PROXY: 'true' },
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('TRUST_PROXY')
  })
})
