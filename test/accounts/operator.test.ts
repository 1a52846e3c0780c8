import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdmin, loadDemoData, setRole } from '../../src/features/accounts/operator.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
})

const member = (email: string) =>
  database.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirst()

function cli(args: string[], stdin = '') {
  return spawnSync(process.execPath, ['src/cli.ts', ...args], {
    input: stdin,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
    timeout: 60_000,
  })
}

describe('operator CLI', () => {
  it('creates the first admin with the password from stdin, never from argv', () => {
    const result = cli(
      ['create-admin', '--email', 'ada@stadt-koeln.de', '--name', 'Ada Admin', '--organisation', '05315'],
      'ein-langes-Admin-Passwort\n',
    )
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('Administrator angelegt')
    return member('ada@stadt-koeln.de').then((admin) => {
      expect(admin).toMatchObject({ role: 'admin', status: 'verified', name: 'Ada Admin' })
      expect(admin!.password_hash).toMatch(/^\$argon2id\$/)
    })
  })

  it('refuses weak passwords, unknown organisations and duplicates with a clear message', async () => {
    await expect(
      createAdmin(database.db, {
        email: 'x@y.de',
        name: 'X',
        organisation: '05315',
        jobTitle: 'A',
        password: 'kurz',
      }),
    ).rejects.toThrow(/Passwort/)
    await expect(
      createAdmin(database.db, {
        email: 'x@y.de',
        name: 'X',
        organisation: '99999',
        jobTitle: 'A',
        password: 'ein-langes-Passwort-99',
      }),
    ).rejects.toThrow(/Organisation nicht gefunden/)
    const failed = cli(
      ['create-admin', '--email', 'ada@stadt-koeln.de', '--name', 'A', '--organisation', '05315'],
      'ein-langes-Admin-Passwort',
    )
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain('schon ein Konto')
    expect(cli(['unknown-command']).status).toBe(2)
  })

  it('changes roles and audits it', async () => {
    await setRole(database.db, 'ada@stadt-koeln.de', 'moderator')
    expect((await member('ada@stadt-koeln.de'))!.role).toBe('moderator')
    await expect(setRole(database.db, 'nobody@nowhere.de', 'admin')).rejects.toThrow(/Kein Konto/)
    const events = await database.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'member.role_changed')
      .execute()
    expect(events.length).toBeGreaterThanOrEqual(2)
  })

  it('loads demo data with members in every status, and can run twice', async () => {
    const first = await loadDemoData(database.db, { marker: 'DEMO1' })
    expect(first).toContain('Demo-Daten geladen')
    await loadDemoData(database.db)
    const statuses = await database.db.selectFrom('members').select('status').distinct().execute()
    expect(statuses.map((s) => s.status).sort()).toEqual(
      ['expired', 'pending_email', 'pending_review', 'rejected', 'suspended', 'verified'].sort(),
    )
    expect((await member('anna.becker@stadt-koeln.de'))!.name).toContain('DEMO1')
  })
})
