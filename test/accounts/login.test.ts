import { describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOfficialMember, defaultPassword } from '../helpers/factories.ts'
import { linkIn, sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp()

async function logIn(email: string, password = defaultPassword, next?: string) {
  const agent = createAgent(setup.app)
  const response = await agent.submit('/login', '/login', { email, password, ...(next ? { next } : {}) })
  return { agent, response }
}

function sessionCount(memberId: number) {
  return setup.database.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('member_id', '=', memberId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n))
}

describe('login', () => {
  it('signs a verified member in with a new session id and shows the forum', async () => {
    const member = await createMember(setup.database.db, { name: 'Lena Login' })
    const agent = createAgent(setup.app)
    await agent.get('/login')
    await agent.csrf('/login')
    const before = agent.cookies.get('vr_session')
    const response = await agent.submit('/login', '/login', {
      email: member.email,
      password: defaultPassword,
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/')
    expect(agent.cookies.get('vr_session')).not.toBe(before)
    const cookie = response.cookies.find((c) => c.name === 'vr_session')!
    expect(cookie.httpOnly).toBe(true)
    expect(cookie.sameSite).toBe('Lax')
    expect((await agent.get('/')).body).toContain('Lena Login')
  })

  it('gives the same message for an unknown address and a wrong password', async () => {
    const member = await createMember(setup.database.db)
    const wrong = await logIn(member.email, 'falsches-passwort-123')
    const unknown = await logIn('niemand@nirgendwo.de', 'falsches-passwort-123')
    expect(wrong.response.statusCode).toBe(422)
    expect(unknown.response.statusCode).toBe(422)
    const message = (body: string) => body.match(/<p class="field-error"[^>]*>([^<]+)</)?.[1]
    expect(message(wrong.response.body)).toBe(message(unknown.response.body))
    expect(wrong.response.body).toContain(`value="${member.email}"`)
    expect(wrong.response.body).not.toContain('falsches-passwort-123')
  })

  it('locks an account after 5 failures in 15 minutes, also for the right password', async () => {
    const member = await createMember(setup.database.db)
    for (let i = 0; i < 5; i++) await logIn(member.email, `falsch-falsch-${i}-xx`)
    const { response } = await logIn(member.email)
    expect(response.statusCode).toBe(429)
    expect(response.body).toContain('Zu viele fehlgeschlagene Versuche')
    const unknown = 'gibt.es.nicht@nirgendwo.de'
    for (let i = 0; i < 5; i++) await logIn(unknown, `falsch-falsch-${i}-xx`)
    expect((await logIn(unknown, 'irgendwas-langes-1')).response.statusCode).toBe(429)
  })

  it('follows only local next links', async () => {
    const member = await createMember(setup.database.db)
    expect((await logIn(member.email, defaultPassword, '/account')).response.headers.location).toBe(
      '/account',
    )
    expect((await logIn(member.email, defaultPassword, '//evil.example/')).response.headers.location).toBe(
      '/',
    )
    expect(
      (await logIn(member.email, defaultPassword, 'https://evil.example/')).response.headers.location,
    ).toBe('/')
  })

  it('lets unverified people in only to their status page', async () => {
    const pending = await createMember(setup.database.db, { status: 'pending_review', name: 'Paula Pending' })
    const { agent } = await logIn(pending.email)
    const home = await agent.get('/')
    expect(home.body).not.toContain('Paula Pending')
    const account = await agent.get('/account')
    expect(account.statusCode).toBe(303)
    expect(account.headers.location).toBe('/status')
    const status = await agent.get('/status')
    expect(status.body).toContain('Die Moderation prüft Ihren Antrag')
    const htmx = await agent.get('/account', { 'hx-request': 'true' })
    expect(htmx.headers['hx-redirect']).toBe('/status')
  })

  it('sends anonymous visitors of member pages to login, htmx with HX-Redirect', async () => {
    const page = await setup.app.inject('/account')
    expect(page.statusCode).toBe(303)
    expect(page.headers.location).toBe('/login?next=%2Faccount')
    const htmx = await setup.app.inject({ url: '/account', headers: { 'hx-request': 'true' } })
    expect(htmx.headers['hx-redirect']).toBe('/login?next=%2Faccount')
  })

  it('logs out with Clear-Site-Data and the session is gone', async () => {
    const member = await createMember(setup.database.db)
    const { agent } = await logIn(member.email)
    const response = await agent.submit('/account', '/logout', {})
    expect(response.statusCode).toBe(303)
    expect(response.headers['clear-site-data']).toContain('"cookies"')
    expect(await sessionCount(member.id)).toBe(0)
    expect((await agent.get('/account')).statusCode).toBe(303)
  })
})

describe('sessions and account changes', () => {
  it('lists the sessions and ends all of them with "log out everywhere"', async () => {
    const member = await createMember(setup.database.db)
    const first = await logIn(member.email)
    const second = await logIn(member.email)
    const page = await first.agent.get('/account')
    expect(page.body.match(/<tr>\s*<td>/g)?.length).toBe(2)
    await first.agent.submit('/account', '/account/sessions/end-all', {})
    expect(await sessionCount(member.id)).toBe(0)
    expect((await second.agent.get('/account')).statusCode).toBe(303)
  })

  it('changes the password only with the current one and ends the other sessions', async () => {
    const member = await createMember(setup.database.db)
    const mine = await logIn(member.email)
    const other = await logIn(member.email)
    const wrong = await mine.agent.submit('/account', '/account/password', {
      currentPassword: 'nicht-das-richtige',
      newPassword: 'Neues-Passwort-fuer-mich-1',
    })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('Das aktuelle Passwort stimmt nicht')
    const common = await mine.agent.submit('/account', '/account/password', {
      currentPassword: defaultPassword,
      newPassword: 'password1234',
    })
    expect(common.statusCode).toBe(422)
    const ok = await mine.agent.submit('/account', '/account/password', {
      currentPassword: defaultPassword,
      newPassword: 'Neues-Passwort-fuer-mich-1',
    })
    expect(ok.statusCode).toBe(303)
    expect((await mine.agent.get('/account')).statusCode).toBe(200)
    expect((await other.agent.get('/account')).statusCode).toBe(303)
    expect((await logIn(member.email, 'Neues-Passwort-fuer-mich-1')).response.statusCode).toBe(303)
  })

  it('changes the e-mail address after confirming the new one', async () => {
    const { member, domain } = await createOfficialMember(setup.database.db)
    const { agent } = await logIn(member.email)
    const response = await agent.submit('/account', '/account/email', {
      currentPassword: defaultPassword,
      email: `neue.adresse@${domain}`,
    })
    expect(response.statusCode).toBe(303)
    const mail = (await sendQueuedMail(setup.database)).find((m) => m.to === `neue.adresse@${domain}`)!
    const link = linkIn(mail, '/email/confirm/')
    await agent.submit(link, link, {})
    const updated = await setup.database.db
      .selectFrom('members')
      .select('email')
      .where('id', '=', member.id)
      .executeTakeFirst()
    expect(updated!.email).toBe(`neue.adresse@${domain}`)
  })

  it('resets a forgotten password by mail, answering the same for unknown addresses', async () => {
    const member = await createMember(setup.database.db)
    const session = await logIn(member.email)
    const agent = createAgent(setup.app)
    const known = await agent.submit('/password/forgot', '/password/forgot', { email: member.email })
    const unknown = await agent.submit('/password/forgot', '/password/forgot', {
      email: 'keiner@nirgends.de',
    })
    expect(known.statusCode).toBe(200)
    expect(unknown.statusCode).toBe(200)
    const sent = 'Wenn es zu dieser Adresse ein Konto gibt'
    expect(known.body).toContain(sent)
    expect(unknown.body).toContain(sent)
    const link = linkIn(
      (await sendQueuedMail(setup.database)).find((m) => m.to === member.email)!,
      '/password/reset/',
    )
    const weak = await agent.submit(link, link, { password: 'kurz' })
    expect(weak.statusCode).toBe(422)
    const done = await agent.submit(link, link, { password: 'Ganz-neues-Passwort-2026' })
    expect(done.statusCode).toBe(200)
    expect((await session.agent.get('/account')).statusCode).toBe(303)
    expect((await logIn(member.email, 'Ganz-neues-Passwort-2026')).response.statusCode).toBe(303)
    const token = await agent.csrf('/password/forgot')
    expect((await agent.post(link, { _csrf: token, password: 'Noch-ein-Passwort-2026' })).statusCode).toBe(
      410,
    )
  })
})
