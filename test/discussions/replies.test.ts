import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import { setThreadLocked } from '../../src/features/discussions/discussions.service.ts'
import type { Agent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createThread, htmx, reply, signedInMember } from './helpers.ts'

let database: TestDatabase
let app: FastifyInstance
let anna: { current: CurrentMember; agent: Agent }
let bernd: { current: CurrentMember; agent: Agent }
let moderator: { current: CurrentMember; agent: Agent }

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  anna = await signedInMember(database.db, app, { name: 'Anna Becker' })
  bernd = await signedInMember(database.db, app, { name: 'Bernd Brot' })
  moderator = await signedInMember(database.db, app, { name: 'Mona Moderation', role: 'moderator' })
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

/** htmx request headers with the CSRF token of `page`. */
async function htmxHeaders(agent: Agent, page: string) {
  return { ...htmx, 'x-csrf-token': await agent.csrf(page) }
}

const postIdFrom = (location: string) => Number(/#post-(\d+)$/.exec(location)?.[1])

describe('replying without JavaScript', () => {
  it('replies to the thread from the form under it and redirects to the new post', async () => {
    const { threadId } = await createThread(database.db, anna.current)
    const response = await bernd.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, {
      body: 'Eine *Antwort* auf das Thema.',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toMatch(new RegExp(`^/t/${threadId}\\?at=\\d+#post-\\d+$`))
    const page = await bernd.agent.get(`/t/${threadId}`)
    const id = postIdFrom(response.headers.location as string)
    expect(page.body).toContain(`<li id="post-${id}">`)
    expect(page.body).toContain('<em>Antwort</em>')
    expect(page.body).toContain('Antworten (1)')
  })

  it('opens a reply page for a post, showing that post, and nests the reply under it', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const first = await reply(database.db, anna.current, threadId, openingPostId, 'Erste Ebene')
    const form = await bernd.agent.get(`/p/${first}/reply`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('<html')
    expect(form.body).toContain('Sie antworten auf')
    expect(form.body).toContain('Erste Ebene')
    expect(form.body).toContain(`name="parent" value="${first}"`)
    expect(form.body).not.toContain('data-closable')
    const response = await bernd.agent.submit(`/p/${first}/reply`, `/t/${threadId}/posts`, {
      parent: String(first),
      body: 'Zweite Ebene',
    })
    expect(response.statusCode).toBe(303)
    const second = postIdFrom(response.headers.location as string)
    const page = await bernd.agent.get(`/t/${threadId}`)
    expect(page.body).toMatch(
      new RegExp(
        `<li id="post-${first}">.*<details open><summary>1 Antwort</summary><ol><li id="post-${second}">`,
        's',
      ),
    )
  })

  it('answers a permalink /p/:id with a redirect to the post in its thread', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const id = await reply(database.db, bernd.current, threadId, openingPostId)
    const response = await anna.agent.get(`/p/${id}`)
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`/t/${threadId}?at=${id}#post-${id}`)
    expect((await anna.agent.get('/p/99999999')).statusCode).toBe(404)
    expect((await anna.agent.get('/p/abc')).statusCode).toBe(404)
  })
})

describe('replying with htmx', () => {
  it('opens the reply form inline as a fragment with focus on the text', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const first = await reply(database.db, anna.current, threadId, openingPostId)
    const response = await bernd.agent.get(`/p/${first}/reply`, htmx)
    expect(response.statusCode).toBe(200)
    expect(response.headers.vary).toContain('HX-Request')
    expect(response.body).not.toContain('<html')
    expect(response.body).toContain(`<div class="reply-box" id="reply-${first}" data-closable>`)
    expect(response.body).toContain(`hx-post="/t/${threadId}/posts"`)
    expect(response.body).toMatch(/<textarea[^>]*data-focus-first/)
  })

  it("inserts a nested reply in place: only the new post comes back, focused, starting its parent's list", async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const first = await reply(database.db, anna.current, threadId, openingPostId, 'Erste')
    const response = await bernd.agent.post(
      `/t/${threadId}/posts`,
      { parent: String(first), body: 'Neu und *eingefügt*' },
      await htmxHeaders(bernd.agent, `/t/${threadId}`),
    )
    expect(response.statusCode).toBe(200)
    expect(response.headers['hx-retarget']).toBe(`#post-${first}`)
    expect(response.headers['hx-reswap']).toBe('beforeend')
    expect(response.body).not.toContain('<html')
    expect(response.body).toMatch(
      /^<details open><summary>1 Antwort<\/summary><ol><li id="post-\d+"><article data-focus-first tabindex="-1">/,
    )
    expect(response.body).not.toContain(`id="post-${first}"`)
    expect(response.body).not.toContain('Erste')
    expect(response.body).toMatch(/<article data-focus-first tabindex="-1">.*Neu und <em>eingefügt<\/em>/s)
    // The inline form goes; the replies heading is swapped out of band with the new count.
    expect(response.body).toContain(`<div id="reply-${first}" hx-swap-oob="delete"></div>`)
    expect(response.body).toContain('<h2 id="replies-heading" hx-swap-oob="true">Antworten (2)</h2>')

    // A second reply to the same post joins its list, and its count changes out of band.
    const second = await bernd.agent.post(
      `/t/${threadId}/posts`,
      { parent: String(first), body: 'Noch eine' },
      await htmxHeaders(bernd.agent, `/t/${threadId}`),
    )
    expect(second.headers['hx-retarget']).toBe(`#post-${first}>details>ol`)
    expect(second.headers['hx-reswap']).toBe('beforeend')
    expect(second.body).toMatch(/^<li id="post-\d+"><article data-focus-first/)
    expect(second.body).toContain(
      `<summary hx-swap-oob="innerHTML:#post-${first}>details>summary">2 Antworten</summary>`,
    )
    expect(second.body.match(/<li /g)).toHaveLength(1)
  })

  it('puts a reply below the indentation limit into the list of the level-5 ancestor', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    let parent = openingPostId
    const chain: number[] = []
    for (let i = 0; i < 7; i++) {
      parent = await reply(database.db, anna.current, threadId, parent, `Ebene ${i + 1}`)
      chain.push(parent)
    }
    const response = await bernd.agent.post(
      `/t/${threadId}/posts`,
      { parent: String(chain[6]), body: 'Ganz tief unten' },
      await htmxHeaders(bernd.agent, `/t/${threadId}`),
    )
    expect(response.statusCode).toBe(200)
    expect(response.headers['hx-retarget']).toBe(`#post-${chain[4]}>details>ol`)
    expect(response.body).toMatch(/^<li id="post-\d+">/)
    expect(response.body.match(/<li /g)).toHaveLength(1)
    expect(response.body).toMatch(
      /<article data-focus-first tabindex="-1">.*Antwort auf <bdi>Anna Becker<\/bdi>.*Ganz tief unten/s,
    )
    // Every list above it shows one reply more: levels 1 to 5 (7 and 6 posts … 3 below).
    for (const [level, count] of [
      [0, 7],
      [1, 6],
      [2, 5],
      [3, 4],
      [4, 3],
    ] as const) {
      expect(response.body).toContain(
        `<summary hx-swap-oob="innerHTML:#post-${chain[level]}>details>summary">${count} Antworten</summary>`,
      )
    }
  })

  it('appends a reply to the thread at the end of the list and renews the form', async () => {
    const { threadId } = await createThread(database.db, anna.current)
    const response = await bernd.agent.post(
      `/t/${threadId}/posts`,
      { body: 'Unten angehängt' },
      await htmxHeaders(bernd.agent, `/t/${threadId}`),
    )
    expect(response.statusCode).toBe(200)
    expect(response.headers['hx-retarget']).toBe('#replies')
    expect(response.headers['hx-reswap']).toBe('beforeend')
    expect(response.body).toMatch(/^<li id="post-\d+"><article data-focus-first/)
    expect(response.body).toContain('<h2 id="replies-heading" hx-swap-oob="true">Antworten (1)</h2>')
    expect(response.body).toContain(
      '<section id="thread-reply" class="thread-reply" aria-labelledby="thread-reply-heading" hx-swap-oob="true">',
    )
  })

  it('shows errors inside the inline form and keeps the text (422)', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const first = await reply(database.db, anna.current, threadId, openingPostId)
    const long = 'x'.repeat(20_001)
    const response = await bernd.agent.post(
      `/t/${threadId}/posts`,
      { parent: String(first), body: long },
      await htmxHeaders(bernd.agent, `/t/${threadId}`),
    )
    expect(response.statusCode).toBe(422)
    expect(response.body).not.toContain('<html')
    expect(response.body).toContain(`id="reply-${first}"`)
    expect(response.body).toContain('Bitte höchstens 20000 Zeichen eingeben.')
    expect(response.body).toContain(long)
    const empty = await bernd.agent.post(
      `/t/${threadId}/posts`,
      { body: '   ' },
      await htmxHeaders(bernd.agent, `/t/${threadId}`),
    )
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('<section id="thread-reply"')
    expect(empty.body).toContain('Bitte füllen Sie dieses Feld aus.')
  })
})

describe('bad input when replying', () => {
  it('rejects an empty or overlong body with the page re-rendered and the text kept', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const empty = await bernd.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, { body: '' })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('<html')
    expect(empty.body).toContain('Bitte füllen Sie dieses Feld aus.')
    const long = `Anfang ${'y'.repeat(20_000)}`
    const tooLong = await bernd.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, {
      parent: String(openingPostId),
      body: long,
    })
    expect(tooLong.statusCode).toBe(422)
    expect(tooLong.body).toContain(long)
  })

  it('rejects unknown, malformed, foreign and deleted parents with a message, keeping the text', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const other = await createThread(database.db, anna.current)
    const deleted = await reply(database.db, anna.current, threadId, openingPostId)
    await anna.agent.submit(`/t/${threadId}`, `/p/${deleted}/delete`, {})
    const cases: [string, string][] = [
      ['99999999', 'Den Beitrag, auf den Sie antworten wollten, gibt es nicht.'],
      ['abc', 'Den Beitrag, auf den Sie antworten wollten, gibt es nicht.'],
      ['2147483648', 'Den Beitrag, auf den Sie antworten wollten, gibt es nicht.'],
      [String(other.openingPostId), 'gehört zu einem anderen Thema'],
      [String(deleted), 'wurde gelöscht'],
    ]
    for (const [parent, message] of cases) {
      const response = await bernd.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, {
        parent,
        body: `Mein Text für ${parent}`,
      })
      expect(response.statusCode, parent).toBe(422)
      expect(response.body).toContain(message)
      expect(response.body).toContain(`Mein Text für ${parent}`)
    }
  })

  it('answers a thread that does not exist with 404, and a reply form for a deleted post too', async () => {
    const response = await bernd.agent.submit('/', '/t/99999999/posts', { body: 'Hallo' })
    expect(response.statusCode).toBe(404)
    expect((await bernd.agent.submit('/', '/t/abc/posts', { body: 'Hallo' })).statusCode).toBe(404)
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const deleted = await reply(database.db, anna.current, threadId, openingPostId)
    await anna.agent.submit(`/t/${threadId}`, `/p/${deleted}/delete`, {})
    expect((await bernd.agent.get(`/p/${deleted}/reply`)).statusCode).toBe(404)
  })

  it('ignores fields the form does not have', async () => {
    const { threadId } = await createThread(database.db, anna.current)
    const response = await bernd.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, {
      body: 'Nur der Text zählt',
      author_id: String(anna.current.id),
      thread_id: '1',
      depth: '0',
    })
    expect(response.statusCode).toBe(303)
    const post = await database.db
      .selectFrom('posts')
      .selectAll()
      .where('id', '=', postIdFrom(response.headers.location as string))
      .executeTakeFirstOrThrow()
    expect(post.author_id).toBe(bernd.current.id)
    expect(post.thread_id).toBe(threadId)
    expect(post.depth).toBe(1)
  })
})

describe('locked threads', () => {
  it('take no replies: a clear message, the text kept (no-JS and htmx)', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const first = await reply(database.db, anna.current, threadId, openingPostId)
    const tokenPage = `/t/${threadId}`
    const token = await bernd.agent.csrf(tokenPage)
    await setThreadLocked(database.db, moderator.current, threadId, true)
    const page = await bernd.agent.get(`/t/${threadId}`)
    expect(page.body).toContain('Dieses Thema ist geschlossen')
    expect(page.body).not.toContain('<section id="thread-reply"')
    expect(page.body).not.toContain(`/p/${first}/reply`)
    const plain = await bernd.agent.post(`/t/${threadId}/posts`, {
      _csrf: token,
      body: 'Zu spät geschrieben',
    })
    expect(plain.statusCode).toBe(409)
    expect(plain.body).toContain('nimmt keine Antworten mehr an')
    expect(plain.body).toContain('Zu spät geschrieben')
    const inline = await bernd.agent.post(
      `/t/${threadId}/posts`,
      { parent: String(first), body: 'Auch zu spät' },
      { ...htmx, 'x-csrf-token': token },
    )
    expect(inline.statusCode).toBe(409)
    expect(inline.body).not.toContain('<html')
    expect(inline.body).toContain('nimmt keine Antworten mehr an')
    expect(inline.body).toContain('Auch zu spät')
  })

  it('are locked and unlocked by moderators only', async () => {
    const { threadId } = await createThread(database.db, anna.current)
    const denied = await anna.agent.submit(`/t/${threadId}`, `/t/${threadId}/lock`, { locked: 'true' })
    expect(denied.statusCode).toBe(403)
    const locked = await moderator.agent.submit(`/t/${threadId}`, `/t/${threadId}/lock`, { locked: 'true' })
    expect(locked.statusCode).toBe(303)
    expect((await anna.agent.get(`/t/${threadId}`)).body).toContain('Dieses Thema ist geschlossen')
    await moderator.agent.submit(`/t/${threadId}`, `/t/${threadId}/lock`, { locked: 'false' })
    expect((await anna.agent.get(`/t/${threadId}`)).body).not.toContain('Dieses Thema ist geschlossen')
  })
})

describe('editing a post', () => {
  it('works without JavaScript, keeps the earlier version and shows "bearbeitet"', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current, {
      body: 'Erste Fassung',
    })
    const form = await anna.agent.get(`/p/${openingPostId}/edit`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('<html')
    expect(form.body).toContain('>Erste Fassung</textarea>')
    expect(form.body).toContain('name="version" value="1"')
    const response = await anna.agent.submit(`/p/${openingPostId}/edit`, `/p/${openingPostId}/edit`, {
      body: 'Zweite **Fassung**',
      version: '1',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`/t/${threadId}?at=${openingPostId}#post-${openingPostId}`)
    const page = await bernd.agent.get(`/t/${threadId}`)
    expect(page.body).toContain('Zweite <strong>Fassung</strong>')
    expect(page.body).toContain('<span class="edited">bearbeitet</span>')
    const revisions = await database.db
      .selectFrom('post_revisions')
      .selectAll()
      .where('post_id', '=', openingPostId)
      .execute()
    expect(revisions.map((r) => [r.version, r.body_source])).toEqual([[1, 'Erste Fassung']])
  })

  it('works inline with htmx: the form replaces the post, saving brings the post back with focus', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const id = await reply(database.db, anna.current, threadId, openingPostId, 'Vorher')
    const form = await anna.agent.get(`/p/${id}/edit`, htmx)
    expect(form.body).not.toContain('<html')
    expect(form.body).toContain('<article class="editing">')
    expect(form.body).toContain(`hx-get="/p/${id}"`)
    const cancel = await anna.agent.get(`/p/${id}`, htmx)
    expect(cancel.statusCode).toBe(200)
    expect(cancel.body).toMatch(/^<article>/)
    const saved = await anna.agent.post(
      `/p/${id}/edit`,
      { body: 'Nachher', version: '1' },
      await htmxHeaders(anna.agent, `/t/${threadId}`),
    )
    expect(saved.statusCode).toBe(200)
    expect(saved.body).toMatch(/^<article data-focus-first tabindex="-1">/)
    expect(saved.body).toContain('<p>Nachher</p>')
    expect(saved.body).toContain('bearbeitet')
  })

  it('tells the second of two racing edits that the post changed, keeping their text (409)', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current, { body: 'Ursprung' })
    const first = await anna.agent.submit(`/p/${openingPostId}/edit`, `/p/${openingPostId}/edit`, {
      body: 'Aus dem ersten Fenster',
      version: '1',
    })
    expect(first.statusCode).toBe(303)
    const second = await anna.agent.submit(`/p/${openingPostId}/edit`, `/p/${openingPostId}/edit`, {
      body: 'Aus dem zweiten Fenster',
      version: '1',
    })
    expect(second.statusCode).toBe(409)
    expect(second.body).toContain('Der Beitrag wurde inzwischen geändert')
    expect(second.body).toContain('>Aus dem zweiten Fenster</textarea>')
    expect(second.body).toContain('<p>Aus dem ersten Fenster</p>')
    expect(second.body).toContain('name="version" value="2"')
    const inline = await anna.agent.post(
      `/p/${openingPostId}/edit`,
      { body: 'Drittes Fenster', version: '1' },
      await htmxHeaders(anna.agent, `/t/${threadId}`),
    )
    expect(inline.statusCode).toBe(409)
    expect(inline.body).not.toContain('<html')
    expect(inline.body).toContain('Drittes Fenster')
    const stored = await database.db
      .selectFrom('posts')
      .select('body_source')
      .where('id', '=', openingPostId)
      .executeTakeFirstOrThrow()
    expect(stored.body_source).toBe('Aus dem ersten Fenster')
  })

  it('rejects an empty body and other members', async () => {
    const { openingPostId } = await createThread(database.db, anna.current)
    const empty = await anna.agent.submit(`/p/${openingPostId}/edit`, `/p/${openingPostId}/edit`, {
      body: '',
      version: '1',
    })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('Bitte füllen Sie dieses Feld aus.')
    expect((await bernd.agent.get(`/p/${openingPostId}/edit`)).statusCode).toBe(403)
    const foreign = await bernd.agent.submit('/', `/p/${openingPostId}/edit`, { body: 'Fremd', version: '1' })
    expect(foreign.statusCode).toBe(403)
    expect((await anna.agent.get('/p/99999999/edit')).statusCode).toBe(404)
  })

  it('shows earlier versions to moderators only', async () => {
    const { openingPostId } = await createThread(database.db, anna.current, { body: 'Geheimer Entwurf' })
    await anna.agent.submit(`/p/${openingPostId}/edit`, `/p/${openingPostId}/edit`, {
      body: 'Neu',
      version: '1',
    })
    expect((await anna.agent.get(`/p/${openingPostId}/revisions`)).statusCode).toBe(403)
    const page = await moderator.agent.get(`/p/${openingPostId}/revisions`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Geheimer Entwurf')
    expect(page.body).toContain('Fassung 1')
  })
})

describe('deleting a post', () => {
  it('leaves "[gelöscht]" in place and keeps the replies (no-JS)', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const parent = await reply(database.db, anna.current, threadId, openingPostId, 'Wird gelöscht')
    await reply(database.db, bernd.current, threadId, parent, 'Bleibt stehen')
    const confirm = await anna.agent.get(`/p/${parent}/delete`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('Endgültig löschen')
    const response = await anna.agent.submit(`/p/${parent}/delete`, `/p/${parent}/delete`, {})
    expect(response.statusCode).toBe(303)
    const page = await bernd.agent.get(`/t/${threadId}`)
    expect(page.body).toContain('[gelöscht]')
    expect(page.body).not.toContain('Wird gelöscht')
    expect(page.body).toContain('Bleibt stehen')
    expect(page.body).not.toContain(`/p/${parent}/reply`)
  })

  it('answers htmx with the deleted post, and refuses other members', async () => {
    const { threadId, openingPostId } = await createThread(database.db, anna.current)
    const id = await reply(database.db, anna.current, threadId, openingPostId)
    expect((await bernd.agent.get(`/p/${id}/delete`)).statusCode).toBe(403)
    expect((await bernd.agent.submit('/', `/p/${id}/delete`, {})).statusCode).toBe(403)
    const response = await anna.agent.post(
      `/p/${id}/delete`,
      {},
      await htmxHeaders(anna.agent, `/t/${threadId}`),
    )
    expect(response.statusCode).toBe(200)
    expect(response.body).toMatch(/^<article data-focus-first/)
    expect(response.body).toContain('[gelöscht]')
    const byModerator = await reply(database.db, bernd.current, threadId, openingPostId)
    expect((await moderator.agent.submit('/', `/p/${byModerator}/delete`, {})).statusCode).toBe(303)
  })
})
