import { describe, expect, it } from 'vitest'
import type { Agent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'
import { createThread, htmx, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()

async function htmxHeaders(agent: Agent, page: string) {
  return { ...htmx, 'x-csrf-token': await agent.csrf(page) }
}

async function notificationsOf(memberId: number) {
  return setup.database.db
    .selectFrom('notifications')
    .select(['kind', 'post_id', 'read_at'])
    .where('member_id', '=', memberId)
    .orderBy('id')
    .execute()
}

describe('"hilfreich"', () => {
  it('toggles as a plain form and shows the count', async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const reader = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current)
    const page = await reader.agent.get(`/t/${threadId}`)
    // The button belongs to the page's form #pf by name (no count while nobody found it helpful).
    expect(page.body).toContain('<form id="pf" method="post" action="/p/helpful"')
    expect(page.body).toContain(
      `<button form="pf" name="${openingPostId}" aria-pressed="false">Hilfreich</button>`,
    )
    const pressOnPage = () => reader.agent.submit(`/t/${threadId}`, '/p/helpful', { [openingPostId]: '' })
    const response = await pressOnPage()
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`/t/${threadId}?at=${openingPostId}#post-${openingPostId}`)
    expect((await reader.agent.get(`/t/${threadId}`)).body).toContain(
      `<button form="pf" name="${openingPostId}" aria-pressed="true">Hilfreich 1</button>`,
    )
    expect((await author.agent.get(`/t/${threadId}`)).body).toContain(
      '<span class="helpful">Hilfreich 1</span>',
    )
    await pressOnPage()
    expect((await reader.agent.get(`/t/${threadId}`)).body).toContain(
      `name="${openingPostId}" aria-pressed="false">Hilfreich</button>`,
    )
  })

  it('answers a #pf post that names no post, two posts or something else with 400, never a 500', async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const reader = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current)
    const id = String(openingPostId)
    const forms: Record<string, string | string[]>[] = [
      {},
      { [id]: '', 99: '' },
      { [id]: 'x' },
      { [`${id}\u0000`]: '' },
      { '0': '' },
      { [`0${id}`]: '' },
      { '2147483648': '' },
      { [`${'9'.repeat(40)}`]: '' },
      { [id]: ['', ''] },
    ]
    for (const form of forms) {
      const response = await reader.agent.submit(`/t/${threadId}`, '/p/helpful', form)
      expect(response.statusCode, JSON.stringify(form)).toBe(400)
    }
    expect((await reader.agent.submit(`/t/${threadId}`, '/p/helpful', { 2147483647: '' })).statusCode).toBe(
      404,
    )
    // Nothing was pressed on the way.
    expect((await reader.agent.get(`/t/${threadId}`)).body).toContain(`name="${id}" aria-pressed="false">`)
  })

  it('toggles with htmx, answering with the button alone', async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const reader = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current)
    const response = await reader.agent.post(
      `/p/${openingPostId}/helpful`,
      {},
      await htmxHeaders(reader.agent, `/t/${threadId}`),
    )
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe(
      `<button form="pf" name="${openingPostId}" aria-pressed="true" data-focus-first>Hilfreich 1</button>`,
    )
  })

  it("is not for one's own posts, deleted posts or posts that do not exist", async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current)
    expect((await author.agent.submit(`/t/${threadId}`, `/p/${openingPostId}/helpful`, {})).statusCode).toBe(
      403,
    )
    expect((await author.agent.submit(`/t/${threadId}`, '/p/99999999/helpful', {})).statusCode).toBe(404)
    expect((await author.agent.submit(`/t/${threadId}`, '/p/x/helpful', {})).statusCode).toBe(404)
  })
})

describe('following a thread', () => {
  it('happens automatically on starting and replying; unfollowing works with and without htmx', async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const replier = await signedInMember(setup.database.db, setup.app)
    const { threadId } = await createThread(setup.database.db, author.current)
    await reply(setup.database.db, replier.current, threadId, undefined)
    const follows = await setup.database.db
      .selectFrom('follows')
      .select('member_id')
      .where('thread_id', '=', threadId)
      .execute()
    expect(follows.map((f) => f.member_id).sort()).toEqual([author.member.id, replier.member.id].sort())

    const plain = await replier.agent.submit(`/t/${threadId}`, `/t/${threadId}/follow`, { follow: 'false' })
    expect(plain.statusCode).toBe(303)
    expect((await replier.agent.get(`/t/${threadId}`)).body).toContain('>Thema folgen</button>')

    const again = await replier.agent.post(
      `/t/${threadId}/follow`,
      { follow: 'true' },
      await htmxHeaders(replier.agent, `/t/${threadId}`),
    )
    expect(again.statusCode).toBe(200)
    expect(again.body).not.toContain('<html')
    expect(again.body).toContain('aria-pressed="true" data-focus-first>Sie folgen diesem Thema')
    expect((await replier.agent.submit('/', '/t/99999999/follow', { follow: 'true' })).statusCode).toBe(404)
  })
})

describe('unread posts', () => {
  it('are counted per thread in the lists and opening jumps to the first unread post', async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const reader = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current, {
      category: 'datenschutz',
      title: 'Ungelesenes zählen',
    })
    let list = (await reader.agent.get('/c/datenschutz')).body
    expect(list).toContain('neu für Sie')
    await reader.agent.get(`/t/${threadId}`)
    list = (await reader.agent.get('/c/datenschutz')).body
    expect(list).not.toContain('neu für Sie')
    expect(list).toContain(`href="/t/${threadId}"`)

    const first = await reply(setup.database.db, author.current, threadId, openingPostId, 'Neu eins')
    const second = await reply(setup.database.db, author.current, threadId, first, 'Neu zwei')
    list = (await reader.agent.get('/c/datenschutz')).body
    expect(list).toContain('2 neue Beiträge')
    expect(list).toContain(`href="/t/${threadId}/unread"`)
    const jump = await reader.agent.get(`/t/${threadId}/unread`)
    expect(jump.statusCode).toBe(303)
    expect(jump.headers.location).toBe(`/t/${threadId}?at=${first}#post-${first}`)

    const page = (await reader.agent.get(`/t/${threadId}`)).body
    expect(page).toContain(
      `<a class="button secondary" href="#post-${first}">Zum ersten ungelesenen Beitrag</a>`,
    )
    expect(page).toMatch(new RegExp(`<li id="post-${second}"><article class="new">`))
    const after = (await reader.agent.get(`/t/${threadId}`)).body
    expect(after).not.toContain('Zum ersten ungelesenen Beitrag')
    expect((await reader.agent.get('/c/datenschutz')).body).not.toContain('2 neue Beiträge')
    const nothing = await reader.agent.get(`/t/${threadId}/unread`)
    expect(nothing.headers.location).toBe(`/t/${threadId}`)
  })

  it('do not include my own replies', async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const { threadId } = await createThread(setup.database.db, author.current, {
      category: 'ozg',
      title: 'Eigene Antworten',
    })
    await author.agent.get(`/t/${threadId}`)
    await author.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, { body: 'Meine eigene Antwort' })
    const list = (await author.agent.get('/c/ozg')).body
    const item = list.slice(list.indexOf('Eigene Antworten'))
    expect(item.slice(0, 600)).not.toContain('neu')
  })
})

describe('notifications', () => {
  it('tell me about replies to my posts, new posts in threads I follow and @mentions', async () => {
    const anna = await signedInMember(setup.database.db, setup.app, { name: 'Anna Achtsam' })
    const bernd = await signedInMember(setup.database.db, setup.app, { name: 'Bernd Beispiel' })
    const carla = await signedInMember(setup.database.db, setup.app, { name: 'Carla Claudia Cramer' })
    const pending = await createMember(setup.database.db, { name: 'Paul Pending', status: 'pending_review' })
    const { threadId, openingPostId } = await createThread(setup.database.db, anna.current, {
      title: 'Benachrichtigt werden',
    })
    await reply(setup.database.db, carla.current, threadId, openingPostId, 'Carla folgt jetzt')
    const fromBernd = await reply(
      setup.database.db,
      bernd.current,
      threadId,
      openingPostId,
      'Hallo @Carla_Claudia_Cramer und @Paul_Pending',
    )
    expect((await notificationsOf(anna.member.id)).map((n) => n.kind)).toEqual(['reply', 'reply'])
    expect(await notificationsOf(carla.member.id)).toEqual([
      { kind: 'mention', post_id: fromBernd, read_at: null },
    ])
    expect(await notificationsOf(pending.id)).toEqual([])
    expect(await notificationsOf(bernd.member.id)).toEqual([])

    const page = await anna.agent.get('/notifications')
    // Member text inside the sentence is isolated (<bdi>): the link reads as one sentence.
    expect(page.body).toContain(
      '<bdi>Bernd Beispiel</bdi> hat auf Ihren Beitrag in „<bdi>Benachrichtigt werden</bdi>“ geantwortet',
    )
    expect(page.body).toMatch(/<span class="count">2<span class="visually-hidden"> ungelesen<\/span><\/span>/)

    await reply(setup.database.db, anna.current, threadId, fromBernd, 'Anna antwortet Bernd')
    expect((await notificationsOf(bernd.member.id)).map((n) => n.kind)).toEqual(['reply'])
    expect((await notificationsOf(carla.member.id)).map((n) => n.kind)).toEqual([
      'mention',
      'followed_thread',
    ])
  })

  it('show a bell with the count on full pages, and the bell alone as a fragment for htmx', async () => {
    const anna = await signedInMember(setup.database.db, setup.app)
    const bernd = await signedInMember(setup.database.db, setup.app)
    const { threadId } = await createThread(setup.database.db, anna.current, { title: 'Glocke läuten' })
    await reply(setup.database.db, bernd.current, threadId, undefined)
    const home = await anna.agent.get('/')
    expect(home.body).toContain(
      '<a href="/notifications" id="bell" class="bell">Benachrichtigungen <span class="count">1',
    )
    const bell = await anna.agent.get('/notifications/bell', htmx)
    expect(bell.statusCode).toBe(200)
    expect(bell.body).not.toContain('<html')
    expect(bell.body).not.toContain('hx-get')
    expect(bell.body).toContain('<span class="count">1')
    const plain = await anna.agent.get('/notifications/bell')
    expect(plain.statusCode).toBe(303)
    expect(plain.headers.location).toBe('/notifications')
  })

  it('are marked read by opening one, by opening the thread, or all at once', async () => {
    const anna = await signedInMember(setup.database.db, setup.app)
    const bernd = await signedInMember(setup.database.db, setup.app)
    const other = await signedInMember(setup.database.db, setup.app)
    const first = await createThread(setup.database.db, anna.current)
    const second = await createThread(setup.database.db, anna.current)
    const third = await createThread(setup.database.db, anna.current)
    const r1 = await reply(setup.database.db, bernd.current, first.threadId, undefined)
    await reply(setup.database.db, bernd.current, second.threadId, undefined)
    await reply(setup.database.db, bernd.current, third.threadId, undefined)
    const [n1] = await setup.database.db
      .selectFrom('notifications')
      .select('id')
      .where('post_id', '=', r1)
      .execute()

    expect((await other.agent.get(`/notifications/${n1!.id}`)).statusCode).toBe(404)
    expect((await anna.agent.get('/notifications/abc')).statusCode).toBe(404)
    const open = await anna.agent.get(`/notifications/${n1!.id}`)
    expect(open.statusCode).toBe(303)
    expect(open.headers.location).toBe(`/t/${first.threadId}?at=${r1}#post-${r1}`)
    expect((await notificationsOf(anna.member.id)).filter((n) => n.read_at === null)).toHaveLength(2)

    const thread = await anna.agent.get(`/t/${second.threadId}`)
    expect(thread.body).toContain('<span class="count">1')
    expect((await notificationsOf(anna.member.id)).filter((n) => n.read_at === null)).toHaveLength(1)

    const all = await anna.agent.post(
      '/notifications/read',
      {},
      await htmxHeaders(anna.agent, '/notifications'),
    )
    expect(all.statusCode).toBe(200)
    expect(all.body).toContain('Alle Benachrichtigungen sind gelesen.')
    expect(all.body).toContain('id="bell" class="bell" hx-swap-oob="true">Benachrichtigungen</a>')
    expect((await notificationsOf(anna.member.id)).filter((n) => n.read_at === null)).toHaveLength(0)
    const plain = await anna.agent.submit('/notifications', '/notifications/read', {})
    expect(plain.statusCode).toBe(303)
  })
})

describe('@mention suggestions', () => {
  it('offer verified members only, as a fragment for htmx and as a page without JavaScript', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app)
    await createMember(setup.database.db, { name: 'Zora Zuverlässig', jobTitle: 'IT-Leitung' })
    await createMember(setup.database.db, { name: 'Zoe Zugelassen-Nicht', status: 'pending_review' })
    await createMember(setup.database.db, { name: 'Zeno Zurückgewiesen', status: 'rejected' })
    const fragment = await agent.get('/mentions?q=zo', htmx)
    expect(fragment.statusCode).toBe(200)
    expect(fragment.body).not.toContain('<html')
    expect(fragment.body).toContain('data-handle="Zora_Zuverlässig"')
    expect(fragment.body).toContain('IT-Leitung')
    expect(fragment.body).not.toContain('Zoe')
    const page = await agent.get('/mentions?q=%40Zora')
    expect(page.body).toContain('<html')
    expect(page.body).toContain('<code>@Zora_Zuverlässig</code>')
    expect((await agent.get('/mentions?q=ze', htmx)).body).not.toContain('Zeno')
    expect((await agent.get('/mentions?q=z', htmx)).body.trim()).toBe('')
    expect((await agent.get('/mentions?q=%25', htmx)).statusCode).toBe(200)
    expect((await agent.get('/mentions?q[]=a', htmx)).statusCode).toBe(200)
  })
})

describe('the preview', () => {
  it('renders Markdown as a fragment for htmx and as a page without JavaScript', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app)
    const fragment = await agent.post(
      '/preview',
      { body: '**fett** <script>x</script>' },
      await htmxHeaders(agent, '/t/new'),
    )
    expect(fragment.statusCode).toBe(200)
    expect(fragment.body).not.toContain('<html')
    expect(fragment.body).toContain('<strong>fett</strong>')
    expect(fragment.body).not.toContain('<script>')
    const page = await agent.submit('/t/new', '/preview', { body: '*kursiv*' })
    expect(page.body).toContain('<html')
    expect(page.body).toContain('<em>kursiv</em>')
    const tooLong = await agent.post(
      '/preview',
      { body: 'x'.repeat(20_001) },
      await htmxHeaders(agent, '/t/new'),
    )
    expect(tooLong.statusCode).toBe(422)
    expect(tooLong.body).toContain('Bitte höchstens 20000 Zeichen eingeben.')
  })
})
