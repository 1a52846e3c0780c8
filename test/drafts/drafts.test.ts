// Drafts on the server: saved per member and form, given back to that member only, used up once
// the form's key wrote a post, thrown away on request; the layout carries the session warning
// with the idle time; extending the session answers 204. (The browser side: test/e2e/drafts.test.ts.)
import { describe, expect, it } from 'vitest'
import { createThread, signedInMember } from '../discussions/helpers.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'

const setup = useTestApp({ SESSION_IDLE_MINUTES: '30' })

async function member() {
  const m = await signedInMember(setup.database.db, setup.app)
  const token = await m.agent.csrf('/')
  const save = (fields: Record<string, string>) => m.agent.post('/drafts', fields, { 'x-csrf-token': token })
  return { ...m, token, save }
}

describe('drafts', () => {
  it('are kept per member and form, and given back only to their member', async () => {
    const anna = await member()
    const other = await member()
    const { threadId } = await createThread(setup.database.db, anna.current)
    const key = `/t/${threadId}/posts|`
    expect(
      (await anna.save({ key, body: 'Ein halber Gedanke', formKey: crypto.randomUUID() })).statusCode,
    ).toBe(204)
    const back = await anna.agent.get(`/drafts?key=${encodeURIComponent(key)}`)
    expect(back.statusCode).toBe(200)
    expect(back.headers['cache-control']).toContain('no-store')
    expect(back.json().fields.body).toBe('Ein halber Gedanke')
    expect((await other.agent.get(`/drafts?key=${encodeURIComponent(key)}`)).statusCode).toBe(204)
    // Saving again replaces it; an emptied form removes it.
    await anna.save({ key, body: 'Ein ganzer Gedanke' })
    expect((await anna.agent.get(`/drafts?key=${encodeURIComponent(key)}`)).json().fields.body).toBe(
      'Ein ganzer Gedanke',
    )
    await anna.save({ key, body: '' })
    expect((await anna.agent.get(`/drafts?key=${encodeURIComponent(key)}`)).statusCode).toBe(204)
  })

  it('are used up once their form key wrote a post, and can be thrown away', async () => {
    const anna = await member()
    const { threadId, openingPostId } = await createThread(setup.database.db, anna.current)
    const key = `/t/${threadId}/posts|${openingPostId}`
    const formKey = crypto.randomUUID()
    await anna.save({ key, body: 'Gleich gesendet', parent: String(openingPostId), formKey })
    const { replyToPost } = await import('../../src/features/discussions/discussions.service.ts')
    await replyToPost(setup.database.db, { now: () => new Date() }, anna.current, threadId, {
      parent: String(openingPostId),
      body: 'Gleich gesendet',
      formKey,
    })
    expect((await anna.agent.get(`/drafts?key=${encodeURIComponent(key)}`)).statusCode).toBe(204)
    const rows = await setup.database.db
      .selectFrom('drafts')
      .select('draft_key')
      .where('member_id', '=', anna.member.id)
      .execute()
    expect(rows).toEqual([])

    await anna.save({ key: '/t|', title: 'Neues Thema', body: 'Text' })
    expect(
      (await anna.agent.post('/drafts/discard', { key: '/t|' }, { 'x-csrf-token': anna.token })).statusCode,
    ).toBe(204)
    expect((await anna.agent.get(`/drafts?key=${encodeURIComponent('/t|')}`)).statusCode).toBe(204)
  })

  it('refuse other keys, huge fields and requests without CSRF token or session', async () => {
    const anna = await member()
    for (const key of ['/admin|', '/t/1/posts|x', `/t|${'1'.repeat(11)}`, '']) {
      expect((await anna.save({ key, body: 'x' })).statusCode, key).toBe(422)
    }
    expect((await anna.save({ key: '/t|', body: 'x'.repeat(20_001) })).statusCode).toBe(422)
    expect((await anna.agent.post('/drafts', { key: '/t|', body: 'x' })).statusCode).toBe(403)
    const anonymous = createAgent(setup.app)
    const response = await anonymous.get('/drafts?key=%2Ft%7C')
    expect(response.statusCode).toBeGreaterThanOrEqual(300)
    expect(response.statusCode).toBeLessThan(500)
  })
})

describe('the session warning', () => {
  it('is in every member page with the idle time, not for visitors; extending answers 204', async () => {
    const anna = await member()
    const page = (await anna.agent.get('/')).body
    expect(page).toContain('id="session-timeout"')
    expect(page).toContain('data-idle-seconds="1800"')
    expect(page).toContain('<script src="/static/drafts.js" defer></script>')
    expect((await setup.app.inject({ url: '/login' })).body).not.toContain('session-timeout')
    const extended = await anna.agent.post('/session/extend', {}, { 'x-csrf-token': anna.token })
    expect(extended.statusCode).toBe(204)
    expect((await anna.agent.post('/session/extend', {})).statusCode).toBe(403)
  })
})
