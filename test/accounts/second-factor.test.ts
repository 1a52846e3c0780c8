// The second factor: staff enrol at first sign-in and reach nothing before; sign-in asks for the
// code; wrong and replayed codes; recovery codes; members opt in; step-up for sensitive staff
// actions; an admin's reset. Real database, real mail jobs, a clock the test moves.
import { describe, expect, it } from 'vitest'
import { resetSecondFactorOf } from '../../src/features/accounts/operator.ts'
import { createAgent } from '../helpers/agent.ts'
import { createMember, createOrganisation, defaultPassword, signInAs } from '../helpers/factories.ts'
import { sendQueuedMail } from '../helpers/mail.ts'
import { signIn } from './helpers.ts'
import { codeAt, enrolThroughPage, keyOnPage, useClockedApp } from './second-factor-helpers.ts'

const setup = useClockedApp()
const db = () => setup.database.db

async function auditActions(memberId: number): Promise<string[]> {
  const rows = await db()
    .selectFrom('audit_events')
    .select('action')
    .where('subject_id', '=', memberId)
    .where('action', 'like', 'second_factor.%')
    .orderBy('id')
    .execute()
  return rows.map((r) => r.action)
}

/** A moderator who has enrolled; returns their agent (fully signed in), key and codes. */
async function enrolledModerator() {
  const member = await createMember(db(), { role: 'moderator' })
  const { agent, response } = await signIn(setup.app, member.email)
  expect(response.headers.location).toBe('/login/second-factor?next=%2F')
  const { key, codes } = await enrolThroughPage(
    agent,
    setup.clock,
    '/login/second-factor',
    '/login/second-factor/enrol',
  )
  return { member, agent, key, codes }
}

/** Moves the clock to the start of a fresh 30-second step (codes of earlier steps are used up). */
function nextStep() {
  const now = setup.clock.now().getTime()
  setup.clock.set((Math.floor(now / 30_000) + 1) * 30_000 + 1_000)
}

describe('staff enrol at their first sign-in', () => {
  it('reach only the enrolment page (and logout) before, everything after', async () => {
    const moderator = await createMember(db(), { role: 'moderator' })
    const { agent, response } = await signIn(setup.app, moderator.email, { next: '/moderation' })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login/second-factor?next=%2Fmoderation')

    // Nothing else: member pages, staff pages, the home page's forum, the account page.
    for (const url of ['/moderation', '/account', '/account/second-factor', '/status', '/t/1']) {
      const page = await agent.get(url)
      expect(page.statusCode, url).toBe(303)
      expect(page.headers.location, url).toMatch(/^\/login\?next=/)
      const login = await agent.get(page.headers.location!)
      expect(login.headers.location, url).toMatch(/^\/login\/second-factor\?next=/)
    }
    const home = await agent.get('/')
    expect(home.body).not.toContain(moderator.name)
    expect(home.body).toContain('href="/login"')

    const enrolPage = await agent.get('/login/second-factor?next=%2Fmoderation')
    expect(enrolPage.statusCode).toBe(200)
    expect(enrolPage.body).toContain('<img src="/account/second-factor/qr.svg"')
    expect(enrolPage.body).toMatch(/<label for="field-code">/)
    expect(enrolPage.body).toContain('autocomplete="one-time-code"')
    expect(enrolPage.body).toContain('inputmode="numeric"')
    const qr = await agent.get('/account/second-factor/qr.svg')
    expect(qr.statusCode).toBe(200)
    expect(qr.headers['content-type']).toMatch(/^image\/svg\+xml/)
    expect(qr.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    expect(qr.body).not.toMatch(/style|script/i)

    // The same key on every visit (a scanned code stays good).
    const key = keyOnPage(enrolPage.body)
    expect(keyOnPage((await agent.get('/login/second-factor')).body)).toBe(key)

    const wrong = await agent.submit('/login/second-factor', '/login/second-factor/enrol', {
      code: '000000',
      next: '/moderation',
    })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('Fehler:')
    expect(wrong.body).toContain('href="#field-code"')

    const done = await agent.submit('/login/second-factor', '/login/second-factor/enrol', {
      code: codeAt(key, setup.clock.now().getTime()),
      next: '/moderation',
    })
    expect(done.statusCode).toBe(200)
    expect(done.body).toContain('href="/moderation"')
    expect((await agent.get('/moderation')).statusCode).toBe(200)
    expect(await auditActions(moderator.id)).toEqual(['second_factor.enrolled'])
    const mails = await sendQueuedMail(setup.database)
    expect(mails.map((m) => [m.to, m.subject])).toContainEqual([
      moderator.email,
      'Zweiter Faktor eingerichtet',
    ])
  })

  it('can sign out before enrolling', async () => {
    const admin = await createMember(db(), { role: 'admin' })
    const { agent } = await signIn(setup.app, admin.email)
    const out = await agent.submit('/login/second-factor', '/logout', {})
    expect(out.headers.location).toBe('/login?signedOut=1')
    const count = await db()
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('member_id', '=', admin.id)
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(0)
  })

  it('a member promoted while signed in must enrol at the next click', async () => {
    const member = await createMember(db())
    const { agent } = await signIn(setup.app, member.email)
    expect((await agent.get('/account')).statusCode).toBe(200)
    await db().updateTable('members').set({ role: 'moderator' }).where('id', '=', member.id).execute()
    const page = await agent.get('/account')
    expect(page.statusCode).toBe(303)
    expect(page.headers.location).toMatch(/^\/login\?next=/)
  })
})

describe('signing in with the second factor', () => {
  it('asks for the code after the password; nothing else is reachable until then', async () => {
    const { member, key } = await enrolledModerator()
    nextStep()
    const { agent, response } = await signIn(setup.app, member.email, { next: '/moderation' })
    expect(response.headers.location).toBe('/login/second-factor?next=%2Fmoderation')
    expect((await agent.get('/moderation')).headers.location).toMatch(/^\/login\?next=/)
    expect((await agent.get('/account/second-factor/qr.svg')).statusCode).toBe(404)
    const sessionBefore = agent.cookies.get('vr_session')
    const page = await agent.get('/login/second-factor?next=%2Fmoderation')
    expect(page.body).toContain('name="recoveryCode"')
    const ok = await agent.submit('/login/second-factor?next=%2Fmoderation', '/login/second-factor', {
      code: codeAt(key, setup.clock.now().getTime()),
      next: '/moderation',
    })
    expect(ok.statusCode).toBe(303)
    expect(ok.headers.location).toBe('/moderation')
    // A new session id for the full session.
    expect(agent.cookies.get('vr_session')).not.toBe(sessionBefore)
    expect((await agent.get('/moderation')).statusCode).toBe(200)
  })

  it('refuses a code used once already within its window (replay), and accepts the next one', async () => {
    const { member, key } = await enrolledModerator()
    nextStep()
    const code = codeAt(key, setup.clock.now().getTime())
    const first = await signIn(setup.app, member.email)
    const used = await first.agent.submit('/login/second-factor', '/login/second-factor', { code })
    expect(used.statusCode).toBe(303)

    const second = await signIn(setup.app, member.email)
    setup.clock.advance(5_000)
    const replayed = await second.agent.submit('/login/second-factor', '/login/second-factor', { code })
    expect(replayed.statusCode).toBe(422)
    expect(replayed.body).toContain('Dieser Code wurde schon benutzt')
    // An older code (one step back, still inside the drift window) is refused as well.
    const older = await second.agent.submit('/login/second-factor', '/login/second-factor', {
      code: codeAt(key, setup.clock.now().getTime() - 30_000),
    })
    expect(older.statusCode).toBe(422)
    nextStep()
    const fresh = await second.agent.submit('/login/second-factor', '/login/second-factor', {
      code: codeAt(key, setup.clock.now().getTime()),
    })
    expect(fresh.statusCode).toBe(303)
  })

  it('limits wrong codes per account: 5 in 15 minutes, then even the right code waits; the owner is mailed', async () => {
    const { member, key } = await enrolledModerator()
    await sendQueuedMail(setup.database)
    nextStep()
    const { agent } = await signIn(setup.app, member.email)
    for (let i = 0; i < 5; i++) {
      const wrong = await agent.submit('/login/second-factor', '/login/second-factor', { code: `12345${i}` })
      expect(wrong.statusCode).toBe(422)
      expect(wrong.body).toContain('Der Code stimmt nicht')
    }
    // From another browser too: the count is the account's.
    const other = await signIn(setup.app, member.email)
    const locked = await other.agent.submit('/login/second-factor', '/login/second-factor', {
      code: codeAt(key, setup.clock.now().getTime()),
    })
    expect(locked.statusCode).toBe(429)
    expect(locked.body).toContain('Zu viele falsche Codes')
    expect((await other.agent.get('/moderation')).statusCode).toBe(303)
    const mails = await sendQueuedMail(setup.database)
    expect(mails.filter((m) => m.to === member.email).map((m) => m.subject)).toEqual([
      'Falsche Codes bei der Anmeldung',
    ])
    const actions = await auditActions(member.id)
    expect(actions.filter((a) => a === 'second_factor.failed')).toHaveLength(5)
    expect(actions.filter((a) => a === 'second_factor.locked')).toHaveLength(1)
  })

  it('accepts each recovery code once, audits and mails its use', async () => {
    const { member, codes } = await enrolledModerator()
    await sendQueuedMail(setup.database)
    const first = await signIn(setup.app, member.email)
    const typed = codes[0]!.toUpperCase().replace(/-/g, ' ')
    const ok = await first.agent.submit('/login/second-factor', '/login/second-factor', {
      recoveryCode: typed,
    })
    expect(ok.statusCode).toBe(303)
    const home = await first.agent.get('/')
    expect(home.body).toContain('noch 9 übrig')

    const second = await signIn(setup.app, member.email)
    const again = await second.agent.submit('/login/second-factor', '/login/second-factor', {
      recoveryCode: codes[0]!,
    })
    expect(again.statusCode).toBe(422)
    expect(again.body).toContain('href="#field-recoveryCode"')
    const mails = await sendQueuedMail(setup.database)
    const mail = mails.find((m) => m.to === member.email && m.subject === 'Wiederherstellungscode benutzt')
    expect(String(mail?.text)).toContain('Sie haben noch 9 Codes')
    expect(await auditActions(member.id)).toContain('second_factor.recovery_code_used')
    // Only hashes are stored.
    const stored = await db()
      .selectFrom('member_recovery_codes')
      .select('code_hash')
      .where('member_id', '=', member.id)
      .execute()
    expect(stored).toHaveLength(10)
    for (const row of stored)
      for (const code of codes) expect(row.code_hash).not.toContain(code.replace(/-/g, ''))
    const factor = await db()
      .selectFrom('member_second_factors')
      .select('secret')
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(factor.secret).toMatch(/^v1\./)
  })
})

describe('members may opt in', () => {
  it('enrol on the account page, then sign in with the code; other sessions end at enrolment', async () => {
    const member = await createMember(db())
    const { agent } = await signIn(setup.app, member.email)
    const other = await signIn(setup.app, member.email)
    expect((await agent.get('/account')).body).toContain('href="/account/second-factor"')
    const { key } = await enrolThroughPage(
      agent,
      setup.clock,
      '/account/second-factor',
      '/account/second-factor/enrol',
    )
    expect((await agent.get('/account')).statusCode).toBe(200)
    expect((await other.agent.get('/account')).statusCode).toBe(303)

    nextStep()
    const again = await signIn(setup.app, member.email)
    expect(again.response.headers.location).toBe('/login/second-factor?next=%2F')
    expect((await again.agent.get('/account')).statusCode).toBe(303)
    const ok = await again.agent.submit('/login/second-factor', '/login/second-factor', {
      code: codeAt(key, setup.clock.now().getTime()),
    })
    expect(ok.headers.location).toBe('/')
    // A member can turn it off again (after confirming it recently); staff cannot.
    const off = await again.agent.submit('/account/second-factor', '/account/second-factor/disable', {})
    expect(off.headers.location).toBe('/account')
    expect((await again.agent.get('/account/second-factor')).body).toContain('id="second-factor-key"')
  })

  it('members without a factor sign in with the password alone, as before', async () => {
    const member = await createMember(db())
    const { response } = await signIn(setup.app, member.email, { next: '/account' })
    expect(response.headers.location).toBe('/account')
  })
})

describe('step-up for sensitive staff actions', () => {
  it('asks again after 15 minutes and carries the form over; fresh checks pass straight through', async () => {
    const { member, agent, key } = await enrolledModerator()
    await db().updateTable('members').set({ role: 'admin' }).where('id', '=', member.id).execute()
    const target = await createMember(db())

    setup.clock.advance(16 * 60_000)
    const page = `/moderation/members/${target.id}`
    const action = `/moderation/members/${target.id}/role`
    const asked = await agent.submit(page, action, { role: 'moderator' })
    expect(asked.statusCode).toBe(401)
    expect(asked.body).toContain('action="/account/second-factor/confirm"')
    expect(asked.body).toContain('<input type="hidden" name="role" value="moderator">')
    expect(asked.body).toContain(`<input type="hidden" name="_stepUp" value="${action}">`)
    const roleOf = async () =>
      (await db().selectFrom('members').select('role').where('id', '=', target.id).executeTakeFirstOrThrow())
        .role
    expect(await roleOf()).toBe('member')

    // What the browser sends: the page's fields plus the code; a 307 sends the same body on.
    const post = async (html: string, code: string) => {
      const body = { _csrf: csrfIn(html), role: 'moderator', _stepUp: action, code }
      const confirm = await agent.post('/account/second-factor/confirm', body)
      expect(confirm.statusCode).toBe(307)
      expect(confirm.headers.location).toBe(action)
      return agent.post(action, body)
    }
    const wrong = await post(asked.body, '000000')
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('Der Code stimmt nicht')
    expect(wrong.body).toContain('<input type="hidden" name="role" value="moderator">')
    expect(await roleOf()).toBe('member')

    nextStep()
    const done = await post(wrong.body, codeAt(key, setup.clock.now().getTime()))
    expect(done.statusCode).toBe(303)
    expect(await roleOf()).toBe('moderator')

    // Within 15 minutes of that, the next sensitive action goes through at once.
    setup.clock.advance(5 * 60_000)
    const suspend = await agent.submit(page, `/moderation/members/${target.id}/suspend`, {
      reason: 'Test',
      until: '',
    })
    expect(suspend.statusCode).toBe(303)
  })

  it('guards role changes, suspensions, organisation domains and the reset of a second factor', async () => {
    const guarded = [
      ['POST', '/moderation/members/:id/role'],
      ['POST', '/moderation/members/:id/suspend'],
      ['POST', '/admin/organisations'],
      ['POST', '/admin/organisations/:id'],
      ['POST', '/moderation/members/:id/second-factor/reset'],
    ] as const
    const recent = setup.app.registeredRoutes
      .filter((route) => (route.config as { secondFactor?: string } | undefined)?.secondFactor === 'recent')
      .map((route) => [route.method, route.url])
    for (const route of guarded) expect(recent).toContainEqual(route)
  })
})

describe('an admin resets another member’s second factor', () => {
  it('removes it, ends their sessions, audits and mails; they enrol again at the next sign-in', async () => {
    setup.clock.set(Date.now())
    const { member, agent: moderatorAgent } = await enrolledModerator()
    await sendQueuedMail(setup.database)
    const admin = await createMember(db(), {
      role: 'admin',
      organisationId: (await createOrganisation(db())).id,
    })
    const adminAgent = createAgent(setup.app)
    await signInAs(db(), adminAgent, admin.id)
    const page = await adminAgent.get(`/moderation/members/${member.id}`)
    expect(page.body).toContain(`action="/moderation/members/${member.id}/second-factor/reset"`)
    const reset = await adminAgent.submit(
      `/moderation/members/${member.id}`,
      `/moderation/members/${member.id}/second-factor/reset`,
      {},
    )
    expect(reset.statusCode).toBe(303)
    expect((await moderatorAgent.get('/moderation')).statusCode).toBe(303)
    expect(await auditActions(member.id)).toContain('second_factor.reset')
    const entry = await db()
      .selectFrom('audit_events')
      .select('actor_id')
      .where('action', '=', 'second_factor.reset')
      .where('subject_id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(entry.actor_id).toBe(admin.id)
    const mails = await sendQueuedMail(setup.database)
    expect(mails.map((m) => [m.to, m.subject])).toContainEqual([member.email, 'Zweiter Faktor zurückgesetzt'])
    const again = await signIn(setup.app, member.email, { password: defaultPassword })
    const enrol = await again.agent.get(again.response.headers.location!)
    expect(enrol.body).toContain('id="second-factor-key"')
  })

  it('the operator can reset it from the CLI when no admin can (resetSecondFactorOf)', async () => {
    const { member } = await enrolledModerator()
    expect(await resetSecondFactorOf(db(), member.email)).toBe(true)
    expect(
      await db()
        .selectFrom('member_second_factors')
        .select('member_id')
        .where('member_id', '=', member.id)
        .executeTakeFirst(),
    ).toBeUndefined()
    const entry = await db()
      .selectFrom('audit_events')
      .select(['actor_id', 'details'])
      .where('action', '=', 'second_factor.reset')
      .where('subject_id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(entry).toEqual({ actor_id: null, details: { via: 'cli' } })
    await expect(resetSecondFactorOf(db(), 'niemand@nirgendwo.example')).rejects.toThrow(/Kein Konto/)
  })

  it('is for admins only', async () => {
    const target = await createMember(db())
    const moderator = await createMember(db(), { role: 'moderator' })
    const agent = createAgent(setup.app)
    await signInAs(db(), agent, moderator.id)
    const refused = await agent.submit(
      '/moderation',
      `/moderation/members/${target.id}/second-factor/reset`,
      {},
    )
    expect(refused.statusCode).toBe(403)
  })
})

function csrfIn(html: string): string {
  const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1]
  if (!token) throw new Error('no CSRF token')
  return token
}
