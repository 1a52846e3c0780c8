// Sign-in limits: failures per account *and* source, a much higher limit per client, successes
// never counted, IPv6 by /64, the owner let in by device cookie or mailed link, the current
// password on the account page guarded the same way, and password checks capped.
import { describe, expect, it } from 'vitest'
import { safeNext } from '../../src/features/accounts/sign-in.routes.ts'
import { signInLimits } from '../../src/features/accounts/sign-in.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, defaultPassword } from '../helpers/factories.ts'
import { linkIn, sendQueuedMail } from '../helpers/mail.ts'
import { signIn } from './helpers.ts'

// The app believes X-Forwarded-For from the test's loopback "proxy", so each test can choose
// the client address.
const setup = useTestApp({ TRUST_PROXY: '127.0.0.1' })

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } })
const wrong = (i: number) => `falsch-falsch-${i}-xx`

async function fail(email: string, ip: string, times: number) {
  for (let i = 0; i < times; i++) {
    const { response } = await signIn(setup.app, email, { password: wrong(i), ...from(ip) })
    expect(response.statusCode).toBe(422)
  }
}

function failureRows(email: string) {
  return setup.database.db
    .selectFrom('login_failures')
    .select(['client', 'device'])
    .where('email', '=', email)
    .execute()
}

describe('sign-in limits', () => {
  it('never counts successful sign-ins: colleagues behind one proxy all get in', async () => {
    // The old limit counted every request: 30 per 15 minutes and client.
    const members = await Promise.all(Array.from({ length: 31 }, () => createMember(setup.database.db)))
    for (const member of members) {
      const { response } = await signIn(setup.app, member.email, from('198.51.100.7'))
      expect(response.statusCode).toBe(303)
    }
  })

  it('locks one address only for the source that failed: the owner elsewhere still gets in', async () => {
    const admin = await createMember(setup.database.db, { role: 'admin' })
    await fail(admin.email, '203.0.113.5', signInLimits.perAccountAndSource)
    const attacker = await signIn(setup.app, admin.email, from('203.0.113.5'))
    expect(attacker.response.statusCode).toBe(429)
    expect(attacker.response.body).toContain('Zu viele fehlgeschlagene Versuche')
    const owner = await signIn(setup.app, admin.email, from('192.0.2.44'))
    expect(owner.response.statusCode).toBe(303)
    // Failures are stored by a keyed hash of the client, never the address itself.
    const rows = await failureRows(admin.email)
    expect(rows.length).toBe(signInLimits.perAccountAndSource)
    expect(rows.every((row) => row.client && !row.client.includes('203.0.113'))).toBe(true)
  })

  it('groups IPv6 addresses by their /64', async () => {
    const member = await createMember(setup.database.db)
    for (let i = 1; i <= signInLimits.perAccountAndSource; i++) {
      const { response } = await signIn(setup.app, member.email, {
        password: wrong(i),
        ...from(`2001:db8:1:2::${i}`),
      })
      expect(response.statusCode).toBe(422)
    }
    const sameNetwork = await signIn(setup.app, member.email, from('2001:db8:1:2:aaaa:bbbb:cccc:dddd'))
    expect(sameNetwork.response.statusCode).toBe(429)
    const otherNetwork = await signIn(setup.app, member.email, from('2001:db8:1:3::1'))
    expect(otherNetwork.response.statusCode).toBe(303)
  })

  it('locks strangers out after many failures from many places, but not the owner’s browser; the mailed link unlocks', async () => {
    const owner = await createMember(setup.database.db)
    // The owner's usual browser has signed in before: it carries a device cookie.
    const usual = await signIn(setup.app, owner.email, from('192.0.2.10'))
    expect(usual.response.statusCode).toBe(303)
    expect(usual.agent.cookies.get('vr_device')).toMatch(new RegExp(`^${owner.id}\\.`))
    // Later, that browser's session is over; the device cookie stays.
    const browser = createAgent(setup.app)
    browser.cookies.set('vr_device', usual.agent.cookies.get('vr_device')!)

    const sources = signInLimits.perAccountFromStrangers / signInLimits.perAccountAndSource
    for (let s = 0; s < sources; s++)
      await fail(owner.email, `203.0.113.${100 + s}`, signInLimits.perAccountAndSource)
    const stranger = await signIn(setup.app, owner.email, from('198.51.100.200'))
    expect(stranger.response.statusCode).toBe(429)

    const trusted = await signIn(setup.app, owner.email, from('192.0.2.10'), browser)
    expect(trusted.response.statusCode).toBe(303)

    // A new browser of the owner: the unlock link from the mail lets it in.
    const mails = (await sendQueuedMail(setup.database)).filter((m) => m.to === owner.email)
    expect(mails.length).toBe(1)
    expect(mails[0]!.subject).toBe('Anmeldung zu Ihrem Konto gesperrt')
    const link = linkIn(mails[0]!, '/login/unlock/')
    const laptop = createAgent(setup.app)
    expect((await laptop.get(link)).body).toContain('Anmeldung entsperren')
    const unlocked = await laptop.submit(link, link, {})
    expect(unlocked.statusCode).toBe(200)
    expect(laptop.cookies.get('vr_device')).toMatch(new RegExp(`^${owner.id}\\.`))
    expect((await signIn(setup.app, owner.email, from('198.51.100.201'), laptop)).response.statusCode).toBe(
      303,
    )
    // The link works once.
    expect((await createAgent(setup.app).submit('/login', link, {})).statusCode).toBe(410)
  })

  it('sends at most one unlock mail per window and writes nothing more, however often the lock is hit', async () => {
    const member = await createMember(setup.database.db)
    await fail(member.email, '203.0.113.77', signInLimits.perAccountAndSource)
    for (let i = 0; i < 3; i++) {
      expect((await signIn(setup.app, member.email, from('203.0.113.77'))).response.statusCode).toBe(429)
    }
    const mails = (await sendQueuedMail(setup.database)).filter((m) => m.to === member.email)
    expect(mails.length).toBe(1)
    // Locked attempts write nothing more: one audit entry for the lock, no further failures.
    const locks = await setup.database.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'login.locked')
      .where('subject_id', '=', member.id)
      .execute()
    expect(locks).toHaveLength(1)
    expect(await failureRows(member.email)).toHaveLength(signInLimits.perAccountAndSource)
  })

  it('limits failures per client across addresses, with a much higher threshold', async () => {
    const ip = '198.51.100.99'
    await fail('spray-0@nirgendwo.de', ip, 1)
    const [row] = await failureRows('spray-0@nirgendwo.de')
    // The rest of the spray, written directly (a hundred argon2 checks would only slow the test).
    await setup.database.db
      .insertInto('login_failures')
      .values(
        Array.from({ length: signInLimits.perClient - 1 }, (_, i) => ({
          email: `spray-${i + 1}@nirgendwo.de`,
          client: row!.client,
        })),
      )
      .execute()
    const member = await createMember(setup.database.db)
    expect((await signIn(setup.app, member.email, from(ip))).response.statusCode).toBe(429)
    expect((await signIn(setup.app, member.email, from('198.51.100.98'))).response.statusCode).toBe(303)
  })
})

describe('the return address after sign-in', () => {
  it('keeps the sign-in and never answers 500 for /€ or a NUL in next', async () => {
    const member = await createMember(setup.database.db)
    const euro = await signIn(setup.app, member.email, { next: '/€' })
    expect(euro.response.statusCode).toBe(303)
    expect(euro.response.headers.location).toBe('/%E2%82%AC')
    expect((await euro.agent.get('/account')).statusCode).toBe(200)
    const nul = await signIn(setup.app, member.email, { next: '/account\u0000x' })
    expect(nul.response.statusCode).toBe(303)
    expect(nul.response.headers.location).toBe('/accountx')
    expect((await nul.agent.get('/account')).statusCode).toBe(200)
  })

  it('follows only local paths', () => {
    expect(safeNext('/t/12?page=2#post-3')).toBe('/t/12?page=2#post-3')
    expect(safeNext('/Straße')).toBe('/Stra%C3%9Fe')
    for (const foreign of [
      '//evil.example/',
      '/\\evil.example',
      '/\t/evil.example',
      'https://evil.example/',
      'x',
      '',
    ]) {
      expect(safeNext(foreign)).toBe('/')
    }
    expect(safeNext(undefined)).toBe('/')
  })
})

describe('the current password on the account page', () => {
  it('is limited like sign-in: 5 wrong answers, then even the right one waits', async () => {
    const member = await createMember(setup.database.db)
    const { agent } = await signIn(setup.app, member.email)
    for (let i = 0; i < signInLimits.currentPasswordPerAccount; i++) {
      const response = await agent.submit('/account', '/account/password', {
        currentPassword: wrong(i),
        newPassword: 'Neues-Passwort-fuer-mich-1',
      })
      expect(response.statusCode).toBe(422)
    }
    const right = await agent.submit('/account', '/account/password', {
      currentPassword: defaultPassword,
      newPassword: 'Neues-Passwort-fuer-mich-1',
    })
    expect(right.statusCode).toBe(429)
    expect(right.body).toContain('Zu viele falsche Versuche')
    // The address form asks for the same password and counts on the same tally.
    const email = await agent.submit('/account', '/account/email', {
      currentPassword: defaultPassword,
      email: 'neu@teststadt.de',
    })
    expect(email.statusCode).toBe(429)
    expect(email.body).toContain('id="error-emailCurrentPassword"')
  })

  it('names the address form’s own password field in the error summary', async () => {
    const member = await createMember(setup.database.db)
    const { agent } = await signIn(setup.app, member.email)
    const response = await agent.submit('/account', '/account/email', {
      currentPassword: 'nicht-das-richtige',
      email: member.email.replace('@', '.neu@'),
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain(
      '<a href="#field-emailCurrentPassword">Aktuelles Passwort: Das aktuelle Passwort stimmt nicht.</a>',
    )
  })
})

describe('the list of signed-in devices', () => {
  it('names the device each session was opened on', async () => {
    const member = await createMember(setup.database.db)
    const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
    const { agent } = await signIn(setup.app, member.email, { headers: { 'user-agent': firefox } })
    await signIn(setup.app, member.email, { headers: { 'user-agent': iphone } })
    const page = await agent.get('/account')
    expect(page.body).toContain('Firefox, Windows')
    expect(page.body).toContain('Safari, iPhone')
    expect(page.body).not.toContain('Unbekanntes Gerät')
  })
})
