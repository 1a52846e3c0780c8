// What the pages show around and between posts: the bell on every full page (layout data,
// loaded once), a valid heading outline with posts' own headings in it, what comes first on
// the home page, staff marks, isolated member text, and titles that only look filled.
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { categoryId, createThread, htmx, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()

/** Heading levels in document order, and the places where one skips a level going down. */
function outlineProblems(html: string): string[] {
  const levels = [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]))
  const problems: string[] = []
  if (levels[0] !== 1) problems.push(`starts at h${levels[0]}`)
  levels.forEach((level, index) => {
    const before = levels[index - 1]
    if (before !== undefined && level > before + 1) problems.push(`h${before} → h${level}`)
  })
  return problems
}

describe('the layout', () => {
  it("shows the bell with its count on every full page, other features' too, without an extra request", async () => {
    const anna = await signedInMember(setup.database.db, setup.app)
    const bernd = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, anna.current)
    await reply(setup.database.db, bernd.current, threadId, undefined)
    for (const url of ['/', '/account', '/notifications', '/c/ki', '/t/new']) {
      const page = await anna.agent.get(url)
      expect(page.statusCode, url).toBe(200)
      expect(page.body, url).toContain('id="bell" class="bell"')
      expect(page.body, url).toContain(
        '<span class="count">1<span class="visually-hidden"> ungelesen</span></span>',
      )
      expect(page.body, url).not.toContain('hx-get="/notifications/bell"')
    }
    // A form shown again with errors (a POST) has it as well.
    const failed = await anna.agent.submit('/t/new', '/t', { title: '' })
    expect(failed.statusCode).toBe(422)
    expect(failed.body).toContain('<span class="count">1')
    // Fragments do not carry the layout.
    expect((await anna.agent.get(`/p/${openingPostId}`, htmx)).body).not.toContain('id="bell"')
  })
})

describe('the heading outline', () => {
  it('stays valid with posts that bring their own headings (thread, reply, delete, revisions, preview)', async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const moderator = await signedInMember(setup.database.db, setup.app, { role: 'moderator' })
    const body = '## Zweite Ebene zuerst\n\nText\n\n#### Tief\n\n# Oben'
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current, { body })
    const id = await reply(
      setup.database.db,
      author.current,
      threadId,
      openingPostId,
      '### Antwort\n\nmit Text',
    )
    await author.agent.submit(`/p/${id}/edit`, `/p/${id}/edit`, {
      body: '# Neu\n\n### Darunter',
      version: '1',
    })
    const conflict = await author.agent.submit(`/p/${id}/edit`, `/p/${id}/edit`, {
      body: 'Alt',
      version: '1',
    })
    expect(conflict.statusCode).toBe(409)
    const pages: [string, string][] = [
      ['thread', (await moderator.agent.get(`/t/${threadId}`)).body],
      ['reply', (await moderator.agent.get(`/p/${id}/reply`)).body],
      ['delete', (await author.agent.get(`/p/${id}/delete`)).body],
      ['revisions', (await moderator.agent.get(`/p/${id}/revisions`)).body],
      ['edit conflict', conflict.body],
      ['preview', (await author.agent.submit('/t/new', '/preview', { body })).body],
    ]
    for (const [name, html] of pages) {
      expect(html, name).toContain('<h3>')
      expect(outlineProblems(html), name).toEqual([])
    }
  })
})

describe('the home page', () => {
  it('shows the latest threads before the Themenraum cards (what is new comes first on a phone)', async () => {
    const { agent, current } = await signedInMember(setup.database.db, setup.app)
    await createThread(setup.database.db, current, { title: 'Ganz frisch auf der Startseite' })
    const home = (await agent.get('/')).body
    const recent = home.indexOf('Zuletzt aktive Themen')
    expect(recent).toBeGreaterThan(-1)
    expect(recent).toBeLessThan(home.indexOf('class="category-list"'))
    expect(recent).toBeLessThan(home.indexOf('<bdi>Ganz frisch auf der Startseite</bdi>'))
  })
})

describe('member text', () => {
  it('marks staff beside their names in posts, visibly and in words', async () => {
    const author = await signedInMember(setup.database.db, setup.app, { name: 'Norma Mitglied' })
    const admin = await signedInMember(setup.database.db, setup.app, { name: 'Ada Admin', role: 'admin' })
    const { threadId } = await createThread(setup.database.db, author.current)
    await reply(setup.database.db, admin.current, threadId, undefined, 'Hinweis der Administration')
    const page = (await author.agent.get(`/t/${threadId}`)).body
    expect(page).toContain('<bdi>Ada Admin</bdi> <span class="staff">Administration</span>')
    expect(page).not.toMatch(/Norma Mitglied<\/bdi><\/b> <span class="staff">/)
  })

  it('is isolated: names and titles with bidi overrides cannot turn the text around them', async () => {
    const trick = 'Erika \u202EnnamretsuM'
    const author = await signedInMember(setup.database.db, setup.app, { name: trick })
    const { threadId } = await createThread(setup.database.db, author.current, { title: `Titel ${trick}` })
    const thread = (await author.agent.get(`/t/${threadId}`)).body
    expect(thread).toContain(`<h1><bdi>Titel ${trick}</bdi></h1>`)
    expect(thread).toContain(`<bdi>${trick}</bdi></a>`)
    const list = (await author.agent.get('/c/ki')).body
    expect(list).toContain(`<bdi>Titel ${trick}</bdi>`)
    expect(list).toContain(`<bdi>${trick}</bdi>`)
  })

  it('refuses a thread title made only of invisible characters', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app)
    const response = await agent.submit('/t/new', '/t', {
      title: '\u200B\u200B\u200C\u2060\uFEFF\u200B\u200B',
      category: String(await categoryId(setup.database.db)),
      stage: 'idea',
      body: 'Text',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('<a href="#field-title">Titel: Bitte füllen Sie dieses Feld aus.</a>')
  })
})
