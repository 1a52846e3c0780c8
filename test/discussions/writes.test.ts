// Writes that must happen once and not wait for ever: one-time form keys (a form sent twice
// writes one post), the lock timeout of writes on a thread, and what a locked thread allows.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { setThreadLocked } from '../../src/features/discussions/discussions.service.ts'
import { useTestApp } from '../helpers/app.ts'
import { categoryId, createThread, htmx, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()

const formKeyIn = (html: string) => /name="formKey" value="([^"]+)"/.exec(html)?.[1] ?? ''

async function postsOf(threadId: number) {
  return setup.database.db.selectFrom('posts').select('id').where('thread_id', '=', threadId).execute()
}

describe('one-time form keys', () => {
  it('make a reply sent twice (a retry, a double click without JavaScript) one post', async () => {
    const anna = await signedInMember(setup.database.db, setup.app)
    const bernd = await signedInMember(setup.database.db, setup.app)
    const { threadId } = await createThread(setup.database.db, anna.current)
    const page = await bernd.agent.get(`/t/${threadId}`)
    const formKey = formKeyIn(page.body)
    expect(formKey).toMatch(/^[0-9a-f-]{36}$/)
    const first = await bernd.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, {
      body: 'Nur einmal',
      formKey,
    })
    const again = await bernd.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, {
      body: 'Nur einmal',
      formKey,
    })
    expect(first.statusCode).toBe(303)
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toBe(first.headers.location)
    expect(await postsOf(threadId)).toHaveLength(2) // the opening post and one reply
    // Each page load gives the form a new key.
    expect(formKeyIn((await bernd.agent.get(`/t/${threadId}`)).body)).not.toBe(formKey)
  })

  it('make an htmx reply retried one post, and the renewed form gets a new key', async () => {
    const anna = await signedInMember(setup.database.db, setup.app)
    const bernd = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, anna.current)
    const headers = { ...htmx, 'x-csrf-token': await bernd.agent.csrf(`/t/${threadId}`) }
    const formKey = randomUUID()
    const first = await bernd.agent.post(`/t/${threadId}/posts`, { body: 'Per htmx', formKey }, headers)
    const retry = await bernd.agent.post(`/t/${threadId}/posts`, { body: 'Per htmx', formKey }, headers)
    expect(first.statusCode).toBe(200)
    expect(retry.statusCode).toBe(200)
    const id = /^<li id="post-(\d+)">/.exec(first.body)?.[1]
    expect(retry.body.startsWith(`<li id="post-${id}">`)).toBe(true)
    const renewed = formKeyIn(first.body)
    expect(renewed).toMatch(/^[0-9a-f-]{36}$/)
    expect(renewed).not.toBe(formKey)
    // An inline reply to a post, sent twice: one post.
    const nested = { parent: String(openingPostId), body: 'Inline', formKey: randomUUID() }
    await bernd.agent.post(`/t/${threadId}/posts`, nested, headers)
    await bernd.agent.post(`/t/${threadId}/posts`, nested, headers)
    expect(await postsOf(threadId)).toHaveLength(3)
  })

  it('make a new thread sent twice, even at the same moment, one thread', async () => {
    const { agent, member } = await signedInMember(setup.database.db, setup.app)
    const form = await agent.get('/t/new')
    const formKey = formKeyIn(form.body)
    expect(formKey).toMatch(/^[0-9a-f-]{36}$/)
    const values = {
      title: 'Einmal und nicht zweimal',
      category: String(await categoryId(setup.database.db)),
      stage: 'idea',
      body: 'Der Text.',
      formKey: formKey!,
    }
    const token = await agent.csrf('/t/new')
    const [one, two] = await Promise.all([
      agent.post('/t', { _csrf: token, ...values }),
      agent.post('/t', { _csrf: token, ...values }),
    ])
    const three = await agent.post('/t', { _csrf: token, ...values })
    expect([one.statusCode, two.statusCode, three.statusCode]).toEqual([303, 303, 303])
    expect(new Set([one.headers.location, two.headers.location, three.headers.location]).size).toBe(1)
    const threads = await setup.database.db
      .selectFrom('threads')
      .select('id')
      .where('author_id', '=', member.id)
      .where('title', '=', values.title)
      .execute()
    expect(threads).toHaveLength(1)
    // A form that failed keeps its key: sending it corrected still writes once.
    const failed = await agent.post('/t', { _csrf: token, ...values, title: '', formKey: randomUUID() })
    expect(failed.statusCode).toBe(422)
    expect(formKeyIn(failed.body)).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('a thread held by another write', () => {
  it('makes a reply give up after a few seconds with a clear answer and the text kept', async () => {
    const anna = await signedInMember(setup.database.db, setup.app)
    const bernd = await signedInMember(setup.database.db, setup.app)
    const { threadId } = await createThread(setup.database.db, anna.current)
    const token = await bernd.agent.csrf(`/t/${threadId}`)
    const holder = new pg.Client({ connectionString: setup.database.url })
    await holder.connect()
    try {
      await holder.query('begin')
      await holder.query('select id from threads where id = $1 for update', [threadId])
      const started = Date.now()
      const response = await bernd.agent.post(`/t/${threadId}/posts`, {
        _csrf: token,
        body: 'Warte nicht ewig',
      })
      const waited = Date.now() - started
      expect(response.statusCode).toBe(409)
      expect(response.headers['retry-after']).toBe('5')
      expect(response.body).toContain('Das Thema wird gerade von einer anderen Änderung belegt')
      expect(response.body).toContain('>Warte nicht ewig</textarea>')
      expect(waited).toBeLessThan(10_000)
      expect(waited).toBeGreaterThanOrEqual(2_500)
    } finally {
      await holder.query('rollback')
      await holder.end()
    }
    expect(await postsOf(threadId)).toHaveLength(1)
    const later = await bernd.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, {
      body: 'Jetzt geht es',
    })
    expect(later.statusCode).toBe(303)
  })
})

describe('a locked thread', () => {
  it('can no longer be edited by its authors, but by moderators (their own posts)', async () => {
    const anna = await signedInMember(setup.database.db, setup.app)
    const mona = await signedInMember(setup.database.db, setup.app, { role: 'moderator' })
    const { threadId, openingPostId } = await createThread(setup.database.db, anna.current)
    const byMona = await reply(setup.database.db, mona.current, threadId, openingPostId, 'Von der Moderation')
    const page = `/t/${threadId}`
    const annaToken = await anna.agent.csrf(page)
    await setThreadLocked(setup.database.db, mona.current, threadId, true)
    expect((await anna.agent.get(page)).body).not.toContain(`/p/${openingPostId}/edit`)
    expect((await anna.agent.get(`/p/${openingPostId}/edit`)).statusCode).toBe(403)
    const refused = await anna.agent.post(`/p/${openingPostId}/edit`, {
      _csrf: annaToken,
      body: 'Nachträglich geändert',
      version: '1',
    })
    expect(refused.statusCode).toBe(403)
    expect((await mona.agent.get(page)).body).toContain(`/p/${byMona}/edit`)
    const edited = await mona.agent.submit(`/p/${byMona}/edit`, `/p/${byMona}/edit`, {
      body: 'Ergänzt',
      version: '1',
    })
    expect(edited.statusCode).toBe(303)
  })

  it('says on its page that it takes no replies, without promising a text below', async () => {
    const anna = await signedInMember(setup.database.db, setup.app)
    const mona = await signedInMember(setup.database.db, setup.app, { role: 'moderator' })
    const { threadId, openingPostId } = await createThread(setup.database.db, anna.current)
    await setThreadLocked(setup.database.db, mona.current, threadId, true)
    const page = await anna.agent.get(`/t/${threadId}`)
    expect(page.body).toContain('In diesem geschlossenen Thema sind keine Antworten mehr möglich.')
    expect(page.body).not.toContain('bleibt unten erhalten')
    // The reply page of a locked thread offers no form that could only fail.
    const replyPage = await anna.agent.get(`/p/${openingPostId}/reply`)
    expect(replyPage.body).toContain('Dieses Thema ist geschlossen')
    expect(replyPage.body).not.toContain('bleibt unten erhalten')
    expect(replyPage.body).not.toContain('<textarea')
  })
})
