// The settings page (members only, works without JavaScript) and the one-click unsubscribe.
import { describe, expect, it } from 'vitest'
import { unsubscribeToken } from '../../src/features/digests/unsubscribe.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { queuedJobs } from '../mail/queue.ts'
import { createCategory, setDigestSettings, unsubscribeKey } from './fixtures.ts'

const setup = useTestApp()

const settingsOf = (memberId: number) =>
  setup.database.db
    .selectFrom('member_digest_settings')
    .selectAll()
    .where('member_id', '=', memberId)
    .executeTakeFirst()

async function signedIn(status: 'verified' | 'pending_review' = 'verified') {
  const member = await createMember(setup.database.db, { status })
  const agent = createAgent(setup.app)
  await signInAs(setup.database.db, agent, member.id)
  return { member, agent }
}

describe('digest settings page', () => {
  it('is for verified members only', async () => {
    const anonymous = await setup.app.inject('/account/digest')
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toMatch(/^\/login/)
    const { agent } = await signedIn('pending_review')
    const pending = await agent.get('/account/digest')
    expect(pending.statusCode).toBe(303)
    expect(pending.headers.location).toBe('/status')
  })

  it('shows the defaults: weekly, all categories, notification mail immediately', async () => {
    const { agent } = await signedIn()
    const page = await agent.get('/account/digest')
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/name="frequency" id="[^"]+" value="weekly" checked/)
    expect(page.body).toMatch(/name="scope" id="[^"]+" value="all" checked/)
    expect(page.body).toMatch(/name="notifyMode" id="[^"]+" value="immediately" checked/)
    expect(page.body).toContain('Versand um 07 Uhr; wöchentlich jeweils am Montag.')
  })

  it('saves a choice with a plain form post (303) and shows it again', async () => {
    const { member, agent } = await signedIn()
    const ki = await createCategory(setup.database.db, 'KI-Test')
    const smart = await createCategory(setup.database.db, 'Smart-Test')
    const response = await agent.submit('/account/digest', '/account/digest', {
      frequency: 'daily',
      scope: 'selected',
      categories: [String(ki.id), String(smart.id)],
      notifyMode: 'hourly',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/account/digest?saved=1')
    const row = await settingsOf(member.id)
    expect(row).toMatchObject({
      frequency: 'daily',
      all_categories: false,
      notify_mode: 'hourly',
    })
    expect([...row!.category_ids].sort()).toEqual([ki.id, smart.id].sort())
    const page = await agent.get('/account/digest?saved=1')
    expect(page.body).toContain('gespeichert')
    expect(page.body).toMatch(new RegExp(`name="categories" id="[^"]+" value="${ki.id}" checked`))
    expect(page.body).toMatch(/value="daily" checked/)
  })

  it('answers bad input with 422, field errors and the typed values, never a 500', async () => {
    const { member, agent } = await signedIn()
    const ki = await createCategory(setup.database.db)
    const cases: Record<string, string | string[]>[] = [
      { frequency: 'hourly', scope: 'all', notifyMode: 'never' },
      { frequency: 'daily', scope: 'selected', notifyMode: 'never' },
      { frequency: 'daily', scope: 'selected', categories: ['999999'], notifyMode: 'never' },
      { frequency: 'daily', scope: 'selected', categories: [String(ki.id), 'abc'], notifyMode: 'never' },
      { frequency: ['daily', 'weekly'], scope: 'everything', notifyMode: 'sometimes' },
      {},
    ]
    for (const form of cases) {
      const response = await agent.submit('/account/digest', '/account/digest', form)
      expect(response.statusCode, JSON.stringify(form)).toBe(422)
      expect(response.body).toContain('error-summary')
    }
    const withTyped = await agent.submit('/account/digest', '/account/digest', {
      frequency: 'daily',
      scope: 'selected',
      notifyMode: 'never',
    })
    expect(withTyped.body).toContain('Bitte wählen Sie mindestens einen Themenraum.')
    expect(withTyped.body).toMatch(/value="daily" checked/)
    expect(withTyped.body).toMatch(/value="never" checked/)
    expect(await settingsOf(member.id)).toBeUndefined()
  })

  it('refuses a post without CSRF token', async () => {
    const { member, agent } = await signedIn()
    const response = await agent.post('/account/digest', {
      frequency: 'daily',
      scope: 'all',
      notifyMode: 'never',
    })
    expect(response.statusCode).toBe(403)
    expect(await settingsOf(member.id)).toBeUndefined()
  })
})

describe('one-click unsubscribe', () => {
  it('GET only shows a confirm button and changes nothing', async () => {
    const member = await createMember(setup.database.db, { name: 'Ulla Unsichtbar' })
    await setDigestSettings(setup.database.db, member.id, { frequency: 'daily' })
    const token = unsubscribeToken(unsubscribeKey, member.id)
    const page = await setup.app.inject(`/unsubscribe/${token}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`<form method="post" action="/unsubscribe/${token}">`)
    expect(page.body).not.toContain('Ulla')
    expect(page.body).not.toContain(member.email)
    expect((await settingsOf(member.id))!.frequency).toBe('daily')
    expect(page.headers['set-cookie']).toBeUndefined()
  })

  it('POST turns the digest off without session or CSRF token, without redirect, idempotently', async () => {
    const member = await createMember(setup.database.db, { name: 'Otto Einklick' })
    await setDigestSettings(setup.database.db, member.id, { frequency: 'daily', notifyMode: 'hourly' })
    const url = `/unsubscribe/${unsubscribeToken(unsubscribeKey, member.id)}`
    for (let i = 0; i < 2; i++) {
      const response = await setup.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      })
      expect(response.statusCode).toBe(200)
      expect(response.headers.location).toBeUndefined()
      expect(response.body).toContain('Sie erhalten keine Zusammenfassungen mehr')
      expect(response.body).not.toContain('Otto')
    }
    const row = await settingsOf(member.id)
    expect(row!.frequency).toBe('never')
    expect(row!.notify_mode).toBe('hourly') // only the digest is turned off
  })

  it('accepts the one-click body as multipart/form-data, and a member without settings row', async () => {
    const member = await createMember(setup.database.db)
    const boundary = '----vr'
    const response = await setup.app.inject({
      method: 'POST',
      url: `/unsubscribe/${unsubscribeToken(unsubscribeKey, member.id)}`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    })
    expect(response.statusCode).toBe(200)
    expect((await settingsOf(member.id))!.frequency).toBe('never')
  })

  it('shows a clear page and changes nothing for bad or tampered tokens', async () => {
    const member = await createMember(setup.database.db)
    const other = await createMember(setup.database.db)
    await setDigestSettings(setup.database.db, member.id, { frequency: 'daily' })
    await setDigestSettings(setup.database.db, other.id, { frequency: 'daily' })
    const good = unsubscribeToken(unsubscribeKey, member.id)
    const [id, mac] = good.split('.') as [string, string]
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`
    const bad = [
      `${id}.${flipped}`,
      `${other.id}.${mac}`,
      `${id}.${mac.slice(0, 20)}`,
      `${id}`,
      'abc',
      `0.${mac}`,
      `${id}.${mac}x`,
      encodeURIComponent(`${id}.${mac}' or 1=1`),
      `${'9'.repeat(40)}.${mac}`,
    ]
    for (const token of bad) {
      for (const method of ['GET', 'POST'] as const) {
        const response = await setup.app.inject({
          method,
          url: `/unsubscribe/${token}`,
          ...(method === 'POST'
            ? {
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                payload: 'List-Unsubscribe=One-Click',
              }
            : {}),
        })
        expect(response.statusCode, `${method} ${token}`).toBe(400)
        expect(response.body).toContain('Ungültiger Abmeldelink')
        expect(response.body).toContain('Es wurde nichts geändert')
      }
    }
    expect((await settingsOf(member.id))!.frequency).toBe('daily')
    expect((await settingsOf(other.id))!.frequency).toBe('daily')
  })
})

describe('send due digests now (admin)', () => {
  it('queues a compose job per due member and reports the count; members cannot use it', async () => {
    const admin = await createMember(setup.database.db, { role: 'admin' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, admin.id)
    const response = await agent.submit('/admin/mail', '/admin/digests/send', {})
    expect(response.statusCode).toBe(303)
    const count = Number(new URL(response.headers.location as string, 'http://x').searchParams.get('count'))
    expect(count).toBeGreaterThan(0)
    expect(await queuedJobs(setup.database.db, 'compose_digest')).toHaveLength(count)
    const page = await agent.get(response.headers.location as string)
    expect(page.body).toContain(
      `${count} ${count === 1 ? 'Zusammenfassung' : 'Zusammenfassungen'} in die Warteschlange gestellt.`,
    )

    const { agent: memberAgent } = await signedIn()
    const denied = await memberAgent.submit('/account/digest', '/admin/digests/send', {})
    expect(denied.statusCode).toBe(403)
  })
})
