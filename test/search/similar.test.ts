// Similar threads: for a thread being written (htmx fragment) and on each thread page.
import { beforeAll, describe, expect, it } from 'vitest'
import { createThread, signedInMember } from '../discussions/helpers.ts'
import type { Agent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'

const setup = useTestApp()
let agent: Agent
const ids: Record<string, number> = {}
const htmx = { 'hx-request': 'true' }

beforeAll(async () => {
  const db = setup.database.db
  const { current } = await signedInMember(db, setup.app)
  ;({ agent } = await signedInMember(db, setup.app))
  ids.chatbot1 = (
    await createThread(db, current, {
      title: 'Chatbot für Bürgeranfragen',
      tags: 'chatbot, ki',
      stage: 'pilot',
      body: 'Ein Chatbot beantwortet Fragen zum Bürgerbüro.',
    })
  ).threadId
  ids.chatbot2 = (
    await createThread(db, current, {
      title: 'Erfahrungen mit Chatbots für Bürgeranfragen im Rathaus',
      stage: 'in_use',
      body: 'Unser Chatbot läuft seit einem Jahr.',
    })
  ).threadId
  ids.other = (
    await createThread(db, current, {
      title: 'Straßenbeleuchtung mit Sensoren',
      body: 'Laternen melden Defekte.',
    })
  ).threadId
  for (let i = 0; i < 6; i++)
    await createThread(db, current, { title: `Chatbot Variante ${i}`, body: 'Noch ein Chatbot.' })
})

const threadIdsIn = (html: string) => [...html.matchAll(/href="\/t\/(\d+)"/g)].map((m) => Number(m[1]))

describe('similar threads while writing', () => {
  it('lists at most five, the chatbot threads first, opening in a new tab with a hint', async () => {
    const token = await agent.csrf('/account')
    const response = await agent.post(
      '/search/similar',
      {
        _csrf: token,
        title: 'Ein Chatbot für unsere Bürgeranfragen',
        body: 'Wir wollen Fragen im Bürgerbüro beantworten.',
      },
      htmx,
    )
    expect(response.statusCode).toBe(200)
    const found = threadIdsIn(response.body)
    expect(found.length).toBeLessThanOrEqual(5)
    expect(found[0]).toBe(ids.chatbot1)
    expect(found).not.toContain(ids.other)
    expect(response.body).toContain('Gibt es schon')
    expect(response.body).toContain('target="_blank" rel="noopener"')
    expect(response.body).toContain('(öffnet in neuem Tab)')
    expect(response.body).toContain('Reifegrad: Pilot')
    expect(response.body).not.toContain('<html')
  })

  it('says so when nothing is similar, and stays quiet for an empty draft', async () => {
    const token = await agent.csrf('/account')
    const none = await agent.post('/search/similar', { _csrf: token, title: 'Quokkazucht', body: '' }, htmx)
    expect(none.body).toContain('Keine ähnlichen Themen')
    const empty = await agent.post('/search/similar', { _csrf: token, title: '', body: '' }, htmx)
    expect(threadIdsIn(empty.body)).toEqual([])
  })
})

describe('similar threads on the thread page', () => {
  it('are a fragment for htmx and a page without JavaScript, never the thread itself', async () => {
    const fragment = await agent.get(`/search/similar/${ids.chatbot1}`, htmx)
    expect(fragment.statusCode).toBe(200)
    expect(fragment.body).toContain('Ähnliche Themen')
    const found = threadIdsIn(fragment.body)
    expect(found).toContain(ids.chatbot2)
    expect(found).not.toContain(ids.chatbot1)
    expect(found.length).toBeLessThanOrEqual(5)
    const page = await agent.get(`/search/similar/${ids.chatbot1}`)
    expect(page.body).toContain('<h1>Ähnliche Themen</h1>')
    expect(page.body).toContain(`href="/t/${ids.chatbot1}"`)
  })

  it('is a 404 for a thread that does not exist', async () => {
    expect((await agent.get('/search/similar/99999999')).statusCode).toBe(404)
    expect((await agent.get('/search/similar/abc')).statusCode).toBe(404)
  })
})

describe('similar threads without JavaScript', () => {
  it('"Ähnliche Themen prüfen" shows them on the form page with everything typed, saving nothing', async () => {
    const db = setup.database.db
    const before = await db.selectFrom('threads').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()
    const form = await agent.get('/t/new')
    expect(form.body).toContain('Ähnliche Themen prüfen')
    expect(form.body).toContain('hx-post="/search/similar"')
    const response = await agent.submit('/t/new', '/t', {
      title: 'Ein Chatbot für unsere Bürgeranfragen',
      category: '',
      stage: 'pilot',
      tags: 'chatbot',
      body: 'Wir wollen Fragen im Bürgerbüro beantworten.',
      intent: 'similar',
    })
    expect(
      response.statusCode,
      response.body.match(/<title>[^<]*/)?.[0] +
        (response.body.match(/error-summary[\s\S]{0,400}/)?.[0] ?? ''),
    ).toBe(200)
    expect(response.body).toContain('Gibt es schon')
    expect(threadIdsIn(response.body)[0]).toBe(ids.chatbot1)
    expect(response.body).toContain('value="Ein Chatbot für unsere Bürgeranfragen"')
    expect(response.body).toContain('Wir wollen Fragen im Bürgerbüro beantworten.</textarea>')
    expect(response.body).not.toContain('error-summary')
    const after = await db.selectFrom('threads').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })

  it('the thread page links its similar threads (loaded by htmx when in view)', async () => {
    const page = await agent.get(`/t/${ids.chatbot1}`)
    expect(page.body).toContain(`hx-get="/search/similar/${ids.chatbot1}"`)
    expect(page.body).toContain(`href="/search/similar/${ids.chatbot1}"`)
  })

  it('the header of member pages has the search field', async () => {
    const page = await agent.get('/')
    expect(page.body).toMatch(/<form method="get" action="\/search" role="search"/)
    expect(page.body).toContain(
      '<label for="header-search" class="visually-hidden">Forum durchsuchen</label>',
    )
  })
})
