// Tag pages ("Wer macht das schon?", /tags/<tag>) and the thread page's box (/network/thread/:id).
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'
import { linksIn } from '../helpers/routes.ts'
import { asCurrent, createRegisterChain, createThread, htmx, signedIn } from '../profiles/helpers.ts'

const context = useTestApp()

const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')

/** The part of the page from the heading with this id to the next section. */
function section(html: string, headingId: string): string {
  const start = html.indexOf(`id="${headingId}"`)
  expect(start, headingId).toBeGreaterThan(-1)
  const end = html.indexOf('</section>', start)
  return html.slice(start, end)
}

describe('the tag page', () => {
  it('lists the municipalities with a thread at stage Pilot or im Einsatz, with the people to ask, above every thread with the tag', async () => {
    const { db } = context.database
    const north = await createRegisterChain(db, {
      suffix: '91',
      gemeindeName: 'Gemeinde Nordheim',
      population: 3_500,
    })
    const south = await createRegisterChain(db, { suffix: '92', gemeindeName: 'Gemeinde Südheim' })
    const west = await createRegisterChain(db, { suffix: '93', gemeindeName: 'Gemeinde Westheim' })
    const nora = await createMember(db, {
      name: 'Nora Nord',
      jobTitle: 'CDO',
      organisationId: north.gemeinde.id,
    })
    const sven = await createMember(db, {
      name: 'Sven Süd',
      jobTitle: 'IT-Leitung',
      organisationId: south.gemeinde.id,
    })
    const wera = await createMember(db, { name: 'Wera West', organisationId: west.gemeinde.id })
    await createThread(db, asCurrent(nora), {
      title: 'KI-Chatbot im Einsatz',
      stage: 'in_use',
      tags: 'chatbot, ki',
    })
    await createThread(db, asCurrent(sven), {
      title: 'Chatbot-Pilot im Bürgerbüro',
      stage: 'pilot',
      tags: 'chatbot',
    })
    await createThread(db, asCurrent(wera), {
      title: 'Nur eine Chatbot-Idee',
      stage: 'idea',
      tags: 'chatbot',
    })
    await createThread(db, asCurrent(wera), { title: 'Ganz anderes Thema', stage: 'pilot', tags: 'e-akte' })
    const { agent } = await signedIn(db, context.app)

    const page = await agent.get('/tags/chatbot')
    expect(page.statusCode).toBe(200)
    const practice = section(page.body, 'practice-heading')
    expect(practice).toContain('Gemeinde Nordheim')
    expect(practice).toContain('Gemeinde Südheim')
    expect(practice).not.toContain('Gemeinde Westheim')
    // im Einsatz first, then Pilot.
    expect(practice.indexOf('Gemeinde Nordheim')).toBeLessThan(practice.indexOf('Gemeinde Südheim'))
    expect(practice).toContain(`href="/m/${nora.id}"><bdi>Nora Nord</bdi></a> (<bdi>CDO</bdi>)`)
    expect(practice).toContain(`href="/m/${sven.id}"`)
    expect(practice).toContain(`href="/o/${north.gemeinde.ars}"`)
    expect(textOf(practice)).toContain('Einwohnerzahl: 3.500')

    const threads = section(page.body, 'tag-threads-heading')
    for (const title of ['KI-Chatbot im Einsatz', 'Chatbot-Pilot im Bürgerbüro', 'Nur eine Chatbot-Idee'])
      expect(threads).toContain(title)
    expect(threads).not.toContain('Ganz anderes Thema')
    // The practice box comes above the list.
    expect(page.body.indexOf('practice-heading')).toBeLessThan(page.body.indexOf('tag-threads-heading'))
  })

  it('names the successor to ask when the author has left', async () => {
    const { db } = context.database
    const chain = await createRegisterChain(db, { suffix: '94', gemeindeName: 'Gemeinde Wechselburg' })
    const leaver = await createMember(db, { name: 'Lea Leaving', organisationId: chain.gemeinde.id })
    await createThread(db, asCurrent(leaver), {
      title: 'Open Data im Einsatz',
      stage: 'in_use',
      tags: 'open data',
    })
    const heir = await createMember(db, {
      name: 'Hans Heir',
      jobTitle: 'CDO',
      organisationId: chain.gemeinde.id,
    })
    await db.updateTable('members').set({ status: 'left' }).where('id', '=', leaver.id).execute()
    await db
      .insertInto('successions')
      .values({
        leaver_id: leaver.id,
        successor_email: heir.email,
        successor_id: heir.id,
        completed_at: new Date(),
      })
      .execute()
    const { agent } = await signedIn(db, context.app)
    const practice = section((await agent.get('/tags/open%20data')).body, 'practice-heading')
    expect(practice).toContain('Gemeinde Wechselburg')
    expect(practice).toContain(`href="/m/${heir.id}"><bdi>Hans Heir</bdi>`)
    expect(practice).toContain('Nachfolge von Lea Leaving')
    expect(practice).not.toContain(`href="/m/${leaver.id}"`)
  })

  it('pages the threads with a cursor, and shows the people first only', async () => {
    const { db } = context.database
    const author = asCurrent(await createMember(db))
    for (let index = 1; index <= 27; index++)
      await createThread(db, author, {
        title: `Thema Nummer ${index} zu Paging`,
        stage: 'pilot',
        tags: 'paging',
      })
    const { agent } = await signedIn(db, context.app)
    const first = await agent.get('/tags/paging')
    const titles = (html: string) =>
      [...html.matchAll(/Thema Nummer (\d+) zu Paging<\/bdi><\/a><\/h3>/g)].map((m) => m[1])
    expect(titles(first.body)).toHaveLength(25)
    expect(titles(first.body)[0]).toBe('27')
    const next = linksIn(first.body).find((link) => link.startsWith('/tags/paging?after='))
    expect(next).toBeDefined()
    const second = await agent.get(next!)
    expect(second.statusCode).toBe(200)
    expect(titles(second.body)).toEqual(['2', '1'])
    expect(second.body).not.toContain('practice-heading')
    expect(second.body).not.toContain('Ältere Themen')
    expect(second.body).toContain('href="/tags/paging">Zu den neuesten Themen')
    // A cursor that is not ours shows the first page.
    const junk = await agent.get('/tags/paging?after=kaputt')
    expect(titles(junk.body)).toHaveLength(25)
  })

  it('knows tags by their normal form and answers 404 for what cannot be a tag', async () => {
    const { db } = context.database
    const author = asCurrent(await createMember(db))
    await createThread(db, author, { title: 'Großschreibung im Schlagwort', tags: 'smart city' })
    const { agent } = await signedIn(db, context.app)
    expect((await agent.get('/tags/Smart%20%20City')).body).toContain('Großschreibung im Schlagwort')
    const empty = await agent.get('/tags/niemand-hat-das')
    expect(empty.statusCode).toBe(200)
    expect(empty.body).toContain('Es gibt noch kein Thema mit #niemand-hat-das.')
    for (const bad of ['%3Cscript%3E', '-minus', 'a'.repeat(31), '%20'])
      expect((await agent.get(`/tags/${bad}`)).statusCode, bad).toBe(404)
  })

  it('lists members who name the tag as their expertise', async () => {
    const { db } = context.database
    const expert = await signedIn(db, context.app, { name: 'Erna Expertin' })
    await expert.agent.submit('/account/profile', '/account/profile', {
      name: 'Erna Expertin',
      jobTitle: 'Datenschutz',
      topics: 'dsgvo',
      introduction: '',
    })
    const { agent } = await signedIn(db, context.app)
    const experts = section((await agent.get('/tags/dsgvo')).body, 'experts-heading')
    expect(experts).toContain(`href="/m/${expert.member.id}"><bdi>Erna Expertin</bdi>`)
  })
})

describe('the thread box', () => {
  it("shows for the thread's tags who does it elsewhere, as a fragment for htmx and as a page without", async () => {
    const { db } = context.database
    const chain = await createRegisterChain(db, { suffix: '95', gemeindeName: 'Gemeinde Vorreiter' })
    const pioneer = await createMember(db, { name: 'Pia Pionier', organisationId: chain.gemeinde.id })
    await createThread(db, asCurrent(pioneer), {
      title: 'Laufender Pilot',
      stage: 'pilot',
      tags: 'bürgerkonto',
    })
    const asker = await signedIn(db, context.app)
    const { threadId } = await createThread(db, asker.current, {
      title: 'Wer hat Erfahrung?',
      stage: 'idea',
      tags: 'bürgerkonto, e-akte',
    })
    const fragment = await asker.agent.get(`/network/thread/${threadId}`, htmx)
    expect(fragment.statusCode).toBe(200)
    expect(fragment.body).not.toContain('<html')
    expect(fragment.body).toContain('<section id="who-does-this"')
    expect(fragment.body).toContain('Gemeinde Vorreiter')
    expect(fragment.body).toContain(`href="/m/${pioneer.id}"`)
    expect(fragment.body).toContain('href="/tags/b%C3%BCrgerkonto"')
    // The thread itself is not "elsewhere".
    expect(fragment.body).not.toContain('Wer hat Erfahrung?')
    const page = await asker.agent.get(`/network/thread/${threadId}`)
    expect(page.body).toContain('<html')
    expect(page.body).toContain('Gemeinde Vorreiter')
    expect(page.body).toContain(`href="/t/${threadId}"`)
    expect((await asker.agent.get('/network/thread/987654321')).statusCode).toBe(404)
  })
})
