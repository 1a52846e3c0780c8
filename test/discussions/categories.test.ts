import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { categoryId, createThread, htmx, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()

describe('the home page', () => {
  it('lists the seeded categories in order with their newest activity', async () => {
    const { agent, current } = await signedInMember(setup.database.db, setup.app)
    await createThread(setup.database.db, current, {
      category: 'open-source',
      title: 'Älteres Thema im Open-Source-Raum',
    })
    await createThread(setup.database.db, current, {
      category: 'open-source',
      title: 'Neuestes Thema im Open-Source-Raum',
    })
    const response = await agent.get('/')
    expect(response.statusCode).toBe(200)
    const names = [...response.body.matchAll(/<h3><a href="\/c\/([a-z-]+)">/g)].map((m) => m[1])
    expect(names.slice(0, 7)).toEqual([
      'ki',
      'smart-city',
      'ozg',
      'it-steuerung',
      'open-source',
      'datenschutz',
      'organisation-personal',
    ])
    const card = response.body.slice(
      response.body.indexOf('href="/c/open-source"'),
      response.body.indexOf('href="/c/datenschutz"'),
    )
    expect(card).toContain('2 Themen')
    expect(card).toContain('Zuletzt aktiv: <a href="/t/')
    expect(card).toContain('Neuestes Thema im Open-Source-Raum')
    expect(response.body).toContain('Zuletzt aktive Themen')
  })
})

describe('a category page', () => {
  it('lists threads by last activity: a reply moves a thread to the top', async () => {
    const { agent, current } = await signedInMember(setup.database.db, setup.app)
    const old = await createThread(setup.database.db, current, {
      category: 'ozg',
      title: 'Erst alt, dann belebt',
    })
    await createThread(setup.database.db, current, { category: 'ozg', title: 'Zwischendurch neu' })
    await reply(setup.database.db, current, old.threadId, undefined)
    const body = (await agent.get('/c/ozg')).body
    expect(body.indexOf('Erst alt, dann belebt')).toBeLessThan(body.indexOf('Zwischendurch neu'))
    expect(body).toContain('1 Antwort ·')
  })

  it('filters by stage and tag, and ignores filter values that cannot match', async () => {
    const { agent, current } = await signedInMember(setup.database.db, setup.app)
    await createThread(setup.database.db, current, {
      category: 'it-steuerung',
      title: 'Pilot mit Cloud',
      stage: 'pilot',
      tags: 'Cloud, Souveränität',
    })
    await createThread(setup.database.db, current, {
      category: 'it-steuerung',
      title: 'Idee ohne Schlagwort',
      stage: 'idea',
    })
    const pilots = (await agent.get('/c/it-steuerung?stage=pilot')).body
    expect(pilots).toContain('Pilot mit Cloud')
    expect(pilots).not.toContain('Idee ohne Schlagwort')
    const tagged = (await agent.get(`/c/it-steuerung?tag=${encodeURIComponent('Souveränität')}`)).body
    expect(tagged).toContain('Pilot mit Cloud')
    expect(tagged).not.toContain('Idee ohne Schlagwort')
    expect(tagged).toContain(`href="/c/it-steuerung?tag=${encodeURIComponent('souveränität')}"`)
    const none = await agent.get('/c/it-steuerung?stage=in_use&tag=cloud')
    expect(none.body).toContain('Keine Themen passen zu diesem Filter.')
    const bogus = await agent.get('/c/it-steuerung?stage=%3Cscript%3E&tag[]=x&after=nonsense')
    expect(bogus.statusCode).toBe(200)
    expect(bogus.body).toContain('Idee ohne Schlagwort')
  })

  it('answers unknown or malformed slugs with 404', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app)
    for (const slug of ['gibt-es-nicht', 'KI', '%00', 'a'.repeat(90)]) {
      expect((await agent.get(`/c/${slug}`)).statusCode, slug).toBe(404)
    }
    // Fastify refuses overlong path parameters itself, before any of our code runs.
    expect((await agent.get(`/c/${'a'.repeat(300)}`)).statusCode).toBe(414)
  })

  describe('paging with a keyset', () => {
    let cursorUrl: string
    let agent: Awaited<ReturnType<typeof signedInMember>>['agent']

    beforeAll(async () => {
      const member = await signedInMember(setup.database.db, setup.app)
      agent = member.agent
      const id = await categoryId(setup.database.db, 'smart-city')
      // 30 threads with one shared timestamp for a few of them: the id breaks the tie.
      await sql`
        insert into threads (category_id, author_id, title, stage, created_at, last_activity_at)
        select ${id}, ${member.member.id}, 'Seitenthema ' || lpad(n::text, 2, '0'), 'idea',
          timestamptz '2026-01-01' + make_interval(mins => least(n, 20)),
          timestamptz '2026-01-01' + make_interval(mins => least(n, 20))
        from generate_series(1, 30) n
      `.execute(setup.database.db)
    })

    it('shows 25 threads and a plain "Weitere laden" link to the next page', async () => {
      const page = await agent.get('/c/smart-city')
      expect(page.body.match(/Seitenthema \d\d/g)?.length).toBe(25)
      expect(page.body).toContain('Seitenthema 30')
      expect(page.body).not.toContain('Seitenthema 05')
      const link =
        /<a class="button secondary" href="([^"]+)" hx-get="([^"]+)" hx-target="#threads" hx-swap="beforeend">Weitere laden<\/a>/.exec(
          page.body,
        )
      expect(link).not.toBeNull()
      cursorUrl = link![1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')
      expect(cursorUrl).toMatch(/^\/c\/smart-city\?after=\d+-\d+$/)
    })

    it('without JavaScript the link opens the next page in full', async () => {
      const next = await agent.get(cursorUrl)
      expect(next.statusCode).toBe(200)
      expect(next.body).toContain('<html')
      const titles = next.body.match(/Seitenthema \d\d/g)
      expect(titles).toEqual([
        'Seitenthema 05',
        'Seitenthema 04',
        'Seitenthema 03',
        'Seitenthema 02',
        'Seitenthema 01',
      ])
      expect(next.body).not.toContain('Weitere laden')
      expect(next.body).toContain('Zurück zu den neuesten Themen')
    })

    it('with htmx it returns only the next items and a new "more" area', async () => {
      const next = await agent.get(cursorUrl, htmx)
      expect(next.statusCode).toBe(200)
      expect(next.headers.vary).toContain('HX-Request')
      expect(next.body).not.toContain('<html')
      expect(next.body.trim().startsWith('<li>')).toBe(true)
      expect(next.body).toContain('<div id="more" hx-swap-oob="true"></div>')
      expect(next.body).toMatch(/<a href="\/t\/\d+" data-focus-first><bdi>Seitenthema 05<\/bdi><\/a>/)
      expect(next.body.match(/Seitenthema \d\d/g)?.length).toBe(5)
    })

    it('keeps the filter in the next link', async () => {
      const page = await agent.get('/c/smart-city?stage=idea')
      expect(page.body).toMatch(/href="\/c\/smart-city\?stage&#x3D;idea&amp;after&#x3D;\d+-\d+"/)
    })
  })
})

describe('managing categories (admins)', () => {
  it('is for admins only', async () => {
    const member = await signedInMember(setup.database.db, setup.app)
    const moderator = await signedInMember(setup.database.db, setup.app, { role: 'moderator' })
    expect((await member.agent.get('/admin/categories')).statusCode).toBe(403)
    expect((await moderator.agent.get('/admin/categories')).statusCode).toBe(403)
    const post = await member.agent.submit('/', '/admin/categories', { name: 'X', slug: 'x' })
    expect(post.statusCode).toBe(403)
  })

  it('creates, renames, orders and archives categories', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app, { role: 'admin' })
    const created = await agent.submit('/admin/categories', '/admin/categories', {
      name: 'Geodaten',
      slug: 'geodaten',
      description: 'Karten und Geodienste',
    })
    expect(created.statusCode).toBe(303)
    const id = await categoryId(setup.database.db, 'geodaten')
    let list = (await agent.get('/admin/categories')).body
    expect(list.indexOf('Geodaten')).toBeGreaterThan(list.indexOf('Organisation &amp; Personal'))

    const renamed = await agent.submit(`/admin/categories/${id}`, `/admin/categories/${id}`, {
      name: 'Geodaten & Karten',
      slug: 'geo',
      description: 'Neu beschrieben',
    })
    expect(renamed.statusCode).toBe(303)
    expect((await agent.get('/c/geo')).body).toContain('<h1>Geodaten &amp; Karten</h1>')

    await agent.submit('/admin/categories', `/admin/categories/${id}/move`, { direction: 'up' })
    list = (await agent.get('/admin/categories')).body
    expect(list.indexOf('Geodaten &amp; Karten')).toBeLessThan(list.indexOf('Organisation &amp; Personal'))

    const archived = await agent.submit('/admin/categories', `/admin/categories/${id}/archive`, {
      archived: 'true',
    })
    expect(archived.statusCode).toBe(303)
    expect((await agent.get('/')).body).not.toContain('href="/c/geo"')
    const page = await agent.get('/c/geo')
    expect(page.body).toContain('Dieser Themenraum ist archiviert')
    expect(page.body).not.toContain('/t/new?category=geo')
    await agent.submit('/admin/categories', `/admin/categories/${id}/archive`, { archived: 'false' })
    expect((await agent.get('/')).body).toContain('href="/c/geo"')
  })

  it('rejects bad input with the form re-rendered and the text kept', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app, { role: 'admin' })
    const cases: [Record<string, string>, string][] = [
      [{ name: '', slug: 'leer' }, 'Bitte füllen Sie dieses Feld aus.'],
      [{ name: 'Groß', slug: 'Groß Buchstaben' }, 'Bitte nur Kleinbuchstaben'],
      [{ name: 'Doppelt', slug: 'ki' }, 'Diesen Kurznamen hat schon'],
      [{ name: 'N'.repeat(81), slug: 'lang' }, 'Bitte höchstens 80 Zeichen eingeben.'],
      [
        { name: 'Beschrieben', slug: 'beschrieben', description: 'd'.repeat(501) },
        'Bitte höchstens 500 Zeichen',
      ],
    ]
    for (const [form, message] of cases) {
      const response = await agent.submit('/admin/categories', '/admin/categories', form)
      expect(response.statusCode, JSON.stringify(form).slice(0, 40)).toBe(422)
      expect(response.body).toContain(message)
      if (form.name) expect(response.body).toContain(form.name.replace('&', '&amp;'))
    }
    const id = await categoryId(setup.database.db, 'ki')
    const rename = await agent.submit(`/admin/categories/${id}`, `/admin/categories/${id}`, {
      name: 'KI',
      slug: 'smart-city',
    })
    expect(rename.statusCode).toBe(422)
    expect((await agent.get('/admin/categories/99999')).statusCode).toBe(404)
    expect((await agent.get('/admin/categories/abc')).statusCode).toBe(404)
    expect(
      (await agent.submit('/admin/categories', '/admin/categories/99999/archive', { archived: 'true' }))
        .statusCode,
    ).toBe(404)
    expect(
      (await agent.submit('/admin/categories', `/admin/categories/${id}/move`, { direction: 'sideways' }))
        .statusCode,
    ).toBe(422)
  })
})
