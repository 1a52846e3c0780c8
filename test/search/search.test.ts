// Search through the real routes, on threads and replies written through the discussions
// services (so the triggers keep the index): German stemming and folding, query syntax,
// snippets, the index following edits and deletions, filters, sorting and paging.
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { deletePost, editPost } from '../../src/features/discussions/discussions.service.ts'
import { clock, createThread, reply, signedInMember } from '../discussions/helpers.ts'
import type { Agent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createOrganisation } from '../helpers/factories.ts'

const setup = useTestApp()

let agent: Agent
type Author = Awaited<ReturnType<typeof signedInMember>>['current']
let author: Author
let other: Author
const ids: Record<string, number> = {}

/** The thread ids of the hits of a search, in order (from the result list's links). */
async function hits(query: string, extra = ''): Promise<number[]> {
  const response = await agent.get(`/search?q=${encodeURIComponent(query)}${extra}`)
  expect(response.statusCode, query).toBeLessThan(500)
  const list = response.body.split('<ol class="thread-list search-hits"')[1]?.split('</ol>')[0] ?? ''
  return [...list.matchAll(/<h3><a href="\/t\/(\d+)/g)].map((m) => Number(m[1]))
}

beforeAll(async () => {
  const db = setup.database.db
  const reader = await signedInMember(db, setup.app)
  agent = reader.agent
  const bayern = await createOrganisation(db, { name: 'Markt Beispielsried' })
  await db.updateTable('organisations').set({ land: '09' }).where('id', '=', bayern.id).execute()
  author = (await signedInMember(db, setup.app, { name: 'Berta Bauer', organisationId: bayern.id })).current
  other = (await signedInMember(db, setup.app, { name: 'Otto Ohnesorg' })).current

  ids.chatbot = (
    await createThread(db, author, {
      title: 'Chatbot für Bürgeranfragen im Rathaus',
      tags: 'ki, bürgerservice',
      stage: 'pilot',
      body: 'Wir beantworten Fragen rund um die Müllabfuhr mit einem Sprachassistenten.',
    })
  ).threadId
  ids.tender = (
    await createThread(db, other, {
      title: 'Erfahrungen mit der Vergabe',
      category: 'it-steuerung',
      stage: 'concept',
      body: 'Unsere Ausschreibungen für Software dauern zu lange. Straßenbeleuchtung kommt als Nächstes.',
    })
  ).threadId
  ids.replyOnly = (
    await createThread(db, other, {
      title: 'Offene Fragen zum Onlinezugang',
      category: 'ozg',
      body: 'Welche Leistungen habt ihr zuerst umgesetzt?',
    })
  ).threadId
  const opening = await db
    .selectFrom('threads')
    .select('opening_post_id')
    .where('id', '=', ids.replyOnly)
    .executeTakeFirstOrThrow()
  ids.reply = await reply(
    db,
    author,
    ids.replyOnly,
    opening.opening_post_id!,
    'Bei uns läuft die Terminvergabe für das Bürgerbüro seit März.',
  )
})

describe('German words', () => {
  it('finds inflected forms by their stem', async () => {
    expect(await hits('Chatbots')).toEqual([ids.chatbot])
    expect(await hits('Ausschreibung')).toEqual([ids.tender])
    expect(await hits('Bürgeranfrage')).toEqual([ids.chatbot])
  })

  it('finds umlauts and ß typed or not, both ways', async () => {
    expect(await hits('Buergeranfragen')).toEqual([ids.chatbot])
    expect(await hits('Muellabfuhr')).toEqual([ids.chatbot])
    expect(await hits('Strassenbeleuchtung')).toEqual([ids.tender])
    expect(await hits('STRASSENBELEUCHTUNG')).toEqual([ids.tender])
    expect(await hits('BÜRGERANFRAGEN')).toEqual([ids.chatbot])
  })
})

describe('query syntax', () => {
  it('matches the last word as a beginning', async () => {
    expect(await hits('Sprachassi')).toEqual([ids.chatbot])
    expect(await hits('Terminverg')).toEqual([ids.replyOnly])
    // Typed past the stem ("ausschreib"): still found while typing.
    expect(await hits('Ausschreibun')).toEqual([ids.tender])
  })

  it('needs every word, unless joined by oder/or', async () => {
    expect(await hits('Chatbot Ausschreibungen')).toEqual([])
    expect((await hits('Chatbot oder Ausschreibungen')).sort()).toEqual([ids.chatbot, ids.tender].sort())
    expect((await hits('Chatbot OR Ausschreibungen')).sort()).toEqual([ids.chatbot, ids.tender].sort())
  })

  it('matches phrases in order and excludes with a minus', async () => {
    expect(await hits('"Fragen rund um die Müllabfuhr"')).toEqual([ids.chatbot])
    expect(await hits('"Müllabfuhr rund Fragen"')).toEqual([])
    expect(await hits('Fragen')).toContain(ids.replyOnly)
    expect(await hits('Fragen -Onlinezugang')).toEqual([ids.chatbot])
    expect(await hits('Fragen -"Onlinezugang"')).toEqual([ids.chatbot])
  })

  it('answers any input with a page, never an error', async () => {
    const inputs = [
      '"',
      '""',
      '-',
      '- - -',
      '&|!:*()',
      "'; drop table posts; --",
      '\\',
      'or',
      'oder oder',
      '"unclosed phrase',
      '-only -exclusions',
      'und die der',
      '<script>alert(1)</script>',
      'a:*',
      'x'.repeat(1024),
      `${'Chatbot '.repeat(150)}`,
      '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀',
    ]
    for (const input of inputs) {
      const response = await agent.get(`/search?q=${encodeURIComponent(input)}`)
      expect(response.statusCode, input.slice(0, 40)).toBe(200)
      expect(response.body).not.toContain('<script>alert(1)</script>')
    }
    const long = await agent.get(`/search?q=${encodeURIComponent(`Chatbot ${'Rathaus '.repeat(140)}`)}`)
    expect(long.body).toContain('Ihre Suche war sehr lang')
    const stopWords = await agent.get('/search?q=und+die+der')
    expect(stopWords.body).toContain('nur sehr häufige Wörter')
    const onlyExclusions = await agent.get('/search?q=-Chatbot')
    expect(onlyExclusions.body).toContain('nur Ausschlüsse')
    const empty = await agent.get('/search')
    expect(empty.body).toContain('Geben Sie oben einen Suchbegriff ein')
  })
})

describe('results', () => {
  it('shows thread, Themenraum, stage, organisation, replies and a highlighted passage', async () => {
    const page = await agent.get('/search?q=Müllabfuhr')
    expect(page.body).toContain('<bdi>Chatbot für Bürgeranfragen im Rathaus</bdi>')
    expect(page.body).toContain('Reifegrad: Pilot')
    expect(page.body).toContain('<bdi>Markt Beispielsried</bdi>')
    expect(page.body).toContain('keine Antworten')
    expect(page.body).toContain('<mark>Müllabfuhr</mark>')
    expect(page.body).toContain('<title>Suche: Müllabfuhr – Vertrauensraum</title>')
  })

  it("links the author's profile, and beside it a filter for the author's hits", async () => {
    const page = await agent.get('/search?q=Müllabfuhr&sort=newest')
    expect(page.body).toContain(`<a href="/m/${author.id}"><bdi>Berta Bauer</bdi></a>`)
    const filter =
      /\(<a href="([^"]+)" aria-label="nur diese Person: Treffer von Berta Bauer">nur diese Person<\/a>\)/.exec(
        page.body,
      )
    const href = filter?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')
    expect(href).toBe(`/search?q=M%C3%BCllabfuhr&sort=newest&author=${author.id}`)
  })

  it('links a match in a reply to that reply', async () => {
    const page = await agent.get('/search?q=Terminvergabe')
    expect(page.body).toContain(`href="/t/${ids.replyOnly}?at&#x3D;${ids.reply}#post-${ids.reply}"`)
    expect(page.body).toContain('Treffer in einer Antwort')
  })

  it('ranks a title match above a match in the text', async () => {
    const db = setup.database.db
    const inText = await createThread(db, other, {
      title: 'Allgemeiner Austausch',
      body: 'Nebenbei: unser Rathaus hat jetzt einen Kiosk.',
    })
    const order = await hits('Rathaus')
    expect(order.indexOf(ids.chatbot!)).toBeLessThan(order.indexOf(inText.threadId))
  })
})

describe("the header field's live results", () => {
  const live = (q: string) =>
    agent.get(`/search?q=${encodeURIComponent(q)}`, {
      'hx-request': 'true',
      'hx-target': 'header-search-results',
    })

  it('answers with the best few hits, a link to all results and the count for the live region', async () => {
    const response = await live('Müllabfuhr')
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain('<html')
    expect(response.body).toContain(
      `<a href="/t/${ids.chatbot}"><bdi>Chatbot für Bürgeranfragen im Rathaus</bdi></a>`,
    )
    expect(response.body).toMatch(
      /<a href="\/search\?q(=|&#x3D;)M%C3%BCllabfuhr">Alle Ergebnisse für „Müllabfuhr“<\/a>/,
    )
    expect(response.body).toMatch(/id="header-search-status"[^>]*hx-swap-oob="innerHTML">1 Thema gefunden/)
  })

  it('shows at most five, says when nothing was found, and is empty for an empty field', async () => {
    const db = setup.database.db
    for (let i = 0; i < 6; i++)
      await createThread(db, other, { title: `Kopfzeilensuche Nummer ${i}`, body: 'Text' })
    const many = await live('Kopfzeilensuche')
    expect(many.body.match(/<li><a href="\/t\//g)).toHaveLength(5)
    expect(many.body).toContain('Die besten 5 Themen')
    const none = await live('Quarkspeisenautomat')
    expect(none.body).toContain('Keine Treffer für „Quarkspeisenautomat“')
    const empty = await live('')
    expect(empty.body).not.toContain('<li>')
    expect(empty.body).not.toContain('Alle Ergebnisse')
  })
})

describe('snippets cannot inject markup', () => {
  const corpus = [
    '<script>alert("xss")</script> Giraffenhaus',
    '<img src=x onerror=alert(1)> Giraffenhaus',
    '"><svg onload=alert(1)> Giraffenhaus',
    '&lt;b&gt;entity&lt;/b&gt; Giraffenhaus',
    `Giraffenhaus \uE001 fake \uE002 mark </mark><mark>`,
    '[link](javascript:alert(1)) Giraffenhaus `<b>code</b>`',
  ]

  it('escapes everything from the stored text and marks only the matches', async () => {
    const db = setup.database.db
    for (const body of corpus) await createThread(db, other, { title: 'Sicherheitstest Zoo', body })
    const page = await agent.get('/search?q=Giraffenhaus')
    const list = page.body.split('<ol class="thread-list search-hits"')[1]!.split('</ol>')[0]!
    expect(list).not.toMatch(/<(script|img|svg|b)\b/i)
    expect(list).not.toContain('onerror=alert(1)>')
    // The text of the would-be markup stays, escaped (ts_headline leaves out what looks like a tag).
    expect(list).toContain('alert(&quot;xss&quot;)')
    // Only the matching word is marked, and every mark is closed.
    const marks = [...list.matchAll(/<mark>([^<]*)<\/mark>/g)].map((m) => m[1])
    expect(marks.length).toBeGreaterThanOrEqual(corpus.length)
    expect(new Set(marks)).toEqual(new Set(['Giraffenhaus']))
    expect(list.split('<mark>').length).toBe(list.split('</mark>').length)
  })
})

describe('the index follows every write', () => {
  it('finds a new reply at once, its edited text instead of the old, and nothing once deleted', async () => {
    const db = setup.database.db
    const { threadId, openingPostId } = await createThread(db, author, {
      title: 'Schnelligkeit des Index',
      body: 'Eröffnung.',
    })
    const postId = await reply(db, other, threadId, openingPostId, 'Wir nutzen Zebrastreifen-Sensoren.')
    expect(await hits('Zebrastreifen')).toEqual([threadId])
    await editPost(db, clock, other, postId, { body: 'Wir nutzen Ampelsensoren.', version: '1' })
    expect(await hits('Zebrastreifen')).toEqual([])
    expect(await hits('Ampelsensoren')).toEqual([threadId])
    await deletePost(db, clock, other, postId)
    expect(await hits('Ampelsensoren')).toEqual([])
    const rows = await sql`select 1 from search_posts where post_id = ${postId}`.execute(db)
    expect(rows.rows).toHaveLength(0)
  })

  it('follows edits and deletion of the opening post, and title and tag changes', async () => {
    const db = setup.database.db
    const { threadId, openingPostId } = await createThread(db, author, {
      title: 'Eröffnungsfeier Indexprüfung',
      body: 'Kaffeemaschinenportal für alle.',
    })
    expect(await hits('Kaffeemaschinenportal')).toEqual([threadId])
    await editPost(db, clock, author, openingPostId, { body: 'Teeküchenportal für alle.', version: '1' })
    expect(await hits('Kaffeemaschinenportal')).toEqual([])
    expect(await hits('Teeküchenportal')).toEqual([threadId])
    await deletePost(db, clock, author, openingPostId)
    expect(await hits('Teeküchenportal')).toEqual([])
    // The title still finds the thread.
    expect(await hits('Eröffnungsfeier Indexprüfung')).toEqual([threadId])
    await db.updateTable('threads').set({ title: 'Umbenanntes Thema' }).where('id', '=', threadId).execute()
    expect(await hits('Umbenanntes')).toEqual([threadId])
    await db.insertInto('thread_tags').values({ thread_id: threadId, tag: 'quantenrechner' }).execute()
    expect(await hits('Quantenrechner')).toEqual([threadId])
    await db.deleteFrom('thread_tags').where('thread_id', '=', threadId).execute()
    expect(await hits('Quantenrechner')).toEqual([])
  })
})

describe('filters and paging', () => {
  it('filters by Themenraum, stage, tag, author, organisation, Land and date', async () => {
    expect(await hits('Fragen', '&category=ki')).toEqual([ids.chatbot])
    expect(await hits('Fragen', '&category=ozg')).toEqual([ids.replyOnly])
    expect(await hits('Fragen', '&stage=pilot')).toEqual([ids.chatbot])
    // Both together (their own walk, along the index of Themenraum, stage and activity).
    expect(await hits('Fragen', '&category=ki&stage=pilot')).toEqual([ids.chatbot])
    expect(await hits('Fragen', '&category=ki&stage=idea')).toEqual([])
    expect(await hits('Fragen', '&category=ozg&stage=idea')).toEqual([ids.replyOnly])
    expect(await hits('Fragen', '&tag=ki')).toEqual([ids.chatbot])
    expect(await hits('Fragen', `&author=${other.id}`)).toEqual([ids.replyOnly])
    expect(await hits('Fragen', `&organisation=${author.organisationId}`)).toEqual([ids.chatbot])
    expect(await hits('Fragen', '&land=09')).toEqual([ids.chatbot])
    expect(await hits('Bürgerbüro', '&land=09')).toEqual([ids.replyOnly])
    // Dates are Berlin dates (after 23:00 UTC that is already tomorrow).
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(new Date())
    expect((await hits('Fragen', `&from=${today}&to=${today}`)).length).toBeGreaterThan(0)
    expect(await hits('Fragen', '&to=2001-01-01')).toEqual([])
    expect(await hits('Fragen', '&from=01.01.2001')).toContain(ids.chatbot)
  })

  it('answers impossible filters with a message, not an error', async () => {
    for (const extra of [
      '&from=2026-02-30',
      '&from=31.13.2026',
      '&to=gestern',
      '&from=99999-01-01',
      '&from=2026-12-01&to=2026-01-01',
      '&category=gibt-es-nicht',
      '&stage=fertig',
      '&land=99',
      '&author=0',
      '&organisation=99999999999',
      '&page=-1',
      '&page=999999999',
      '&sort=zufall',
    ]) {
      const response = await agent.get(`/search?q=Fragen${extra}`)
      expect(response.statusCode, extra).toBeLessThan(500)
      if (/from|to|category|stage|land|author|organisation/.test(extra))
        expect(response.body, extra).toMatch(
          /Bitte ein gültiges Datum|Von-Datum liegt nach|Diesen Filter gibt es nicht/,
        )
    }
  })

  it('pages through many hits with stable links that keep the filters', async () => {
    const db = setup.database.db
    const made: number[] = []
    for (let i = 0; i < 45; i++)
      made.push(
        (await createThread(db, other, { title: `Laternenparade Nummer ${i}`, stage: 'idea' })).threadId,
      )
    const first = await agent.get('/search?q=Laternenparade&stage=idea')
    const next = first.body
      .match(/rel="next" href="([^"]+)"/)?.[1]
      ?.replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=')
    expect(next).toBe('/search?q=Laternenparade&stage=idea&page=2')
    const pages = [
      await hits('Laternenparade', '&stage=idea'),
      await hits('Laternenparade', '&stage=idea&page=2'),
      await hits('Laternenparade', '&stage=idea&page=3'),
    ]
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5])
    expect(new Set(pages.flat())).toEqual(new Set(made))
    const last = await agent.get('/search?q=Laternenparade&stage=idea&page=3')
    expect(last.body).not.toContain('rel="next"')
    const newest = await hits('Laternenparade', '&sort=newest')
    expect(newest[0]).toBe(made.at(-1))
  })
})

describe('newest first', () => {
  it('orders threads by their newest matching reply, and the link opens that reply', async () => {
    const db = setup.database.db
    const threads: number[] = []
    for (const title of ['Erstes Thema zur Sortierung', 'Zweites Thema zur Sortierung'])
      threads.push((await createThread(db, other, { title, body: 'Ohne das gesuchte Wort.' })).threadId)
    const openings = await db
      .selectFrom('threads')
      .select(['id', 'opening_post_id'])
      .where('id', 'in', threads)
      .execute()
    const opening = (id: number) => openings.find((t) => t.id === id)!.opening_post_id!
    await reply(db, author, threads[0]!, opening(threads[0]!), 'Der Zeppelinhafen ist geplant.')
    await reply(db, author, threads[1]!, opening(threads[1]!), 'Bei uns gibt es auch einen Zeppelinhafen.')
    expect(await hits('Zeppelinhafen', '&sort=newest')).toEqual([threads[1], threads[0]])
    const latest = await reply(db, author, threads[0]!, opening(threads[0]!), 'Zeppelinhafen: Neuigkeiten.')
    expect(await hits('Zeppelinhafen', '&sort=newest')).toEqual([threads[0], threads[1]])
    // As the last word, a beginning is enough; the hit links the newest matching reply.
    const page = await agent.get('/search?q=Zeppelinh&sort=newest')
    expect(page.body).toContain(`href="/t/${threads[0]}?at&#x3D;${latest}#post-${latest}"`)
  })
})

describe('typos', () => {
  it('offers titles that look like a word that found nothing', async () => {
    const page = await agent.get('/search?q=Chatobt')
    expect(page.body).toContain('Meinten Sie vielleicht')
    expect(page.body).toContain(`href="/t/${ids.chatbot}"`)
  })
})
