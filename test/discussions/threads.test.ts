import { describe, expect, it } from 'vitest'
import { archiveCategory } from '../../src/features/discussions/categories.service.ts'
import { useTestApp } from '../helpers/app.ts'
import { createOrganisation } from '../helpers/factories.ts'
import { categoryId, createThread, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()

describe('starting a thread', () => {
  it('shows the form with the limits stated and the seeded categories', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app)
    const response = await agent.get('/t/new?category=smart-city')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Neues Thema')
    expect(response.body).toContain('Zwischen 5 und 150 Zeichen')
    expect(response.body).toContain('Höchstens 20000 Zeichen')
    expect(response.body).toMatch(/<option value="\d+" selected>Smart City<\/option>/)
  })

  it('creates the thread and redirects to it', async () => {
    const org = await createOrganisation(setup.database.db, { name: 'Stadt Beispielhausen' })
    const { agent } = await signedInMember(setup.database.db, setup.app, {
      name: 'Karla Kolumna',
      jobTitle: 'CDO',
      organisationId: org.id,
    })
    const response = await agent.submit('/t/new', '/t', {
      title: 'Chatbot für das Bürgerbüro',
      category: String(await categoryId(setup.database.db, 'ki')),
      stage: 'pilot',
      tags: 'Chatbot, Bürgerservice',
      confidential: 'on',
      body: 'Wir testen **gerade** einen Chatbot.',
    })
    expect(response.statusCode).toBe(303)
    const location = response.headers.location as string
    expect(location).toMatch(/^\/t\/\d+$/)
    const page = await agent.get(location)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h1><bdi>Chatbot für das Bürgerbüro</bdi></h1>')
    expect(page.body).toContain('Karla Kolumna')
    expect(page.body).toContain('CDO · Stadt Beispielhausen')
    expect(page.body).toContain('<strong>gerade</strong>')
    expect(page.body).toContain('class="confidential"')
    expect(page.body).toContain('#chatbot')
    expect(page.body).toContain('Reifegrad: Pilot')
    expect(page.body).toContain('Sie folgen diesem Thema')
  })
})

describe('bad input when starting a thread', () => {
  const valid = async () => ({
    title: 'Ein gültiger Titel',
    category: String(await categoryId(setup.database.db, 'ki')),
    stage: 'idea',
    tags: '',
    body: 'Ein gültiger Text.',
  })

  it('re-renders the form with a message per field and everything typed kept (422)', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app)
    const cases: [Record<string, string>, string][] = [
      [{ title: '' }, 'Bitte füllen Sie dieses Feld aus.'],
      [{ title: 'Kurz' }, 'Bitte mindestens 5 Zeichen eingeben.'],
      [{ title: 'T'.repeat(151) }, 'Bitte höchstens 150 Zeichen eingeben.'],
      [{ category: '' }, 'Bitte wählen Sie einen Themenraum.'],
      [{ category: '99999' }, 'Diesen Themenraum gibt es nicht'],
      [{ category: 'ki' }, 'Diesen Themenraum gibt es nicht'],
      [{ category: '2147483648' }, 'Diesen Themenraum gibt es nicht'],
      [{ stage: 'fertig' }, 'Bitte wählen Sie einen der angebotenen Reifegrade.'],
      [{ tags: 'a, b, c, d, e, f' }, 'Bitte höchstens 5 Schlagwörter angeben.'],
      [{ tags: 'x'.repeat(31) }, 'höchstens 30 Zeichen'],
      [{ tags: '<script>' }, 'Schlagwörter dürfen nur'],
      [{ body: '' }, 'Bitte füllen Sie dieses Feld aus.'],
      [{ body: 'b'.repeat(20_001) }, 'Bitte höchstens 20000 Zeichen eingeben.'],
    ]
    for (const [change, message] of cases) {
      const form = { ...(await valid()), ...change }
      const response = await agent.submit('/t/new', '/t', form)
      expect(response.statusCode, JSON.stringify(change).slice(0, 60)).toBe(422)
      expect(response.body).toContain(message)
      expect(response.body).toContain('class="error-summary"')
      if (form.title) expect(response.body).toContain(form.title.slice(0, 150))
      if (form.body) expect(response.body).toContain(form.body)
    }
    expect(
      await setup.database.db
        .selectFrom('threads')
        .select('id')
        .where('title', '=', 'Ein gültiger Titel')
        .execute(),
    ).toEqual([])
  })

  it('does not accept an archived category', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app)
    const id = await categoryId(setup.database.db, 'organisation-personal')
    await archiveCategory(setup.database.db, id, true)
    const form = await agent.get('/t/new')
    expect(form.body).not.toContain('Organisation &amp; Personal</option>')
    const response = await agent.submit('/t/new', '/t', { ...(await valid()), category: String(id) })
    expect(response.statusCode).toBe(422)
    await archiveCategory(setup.database.db, id, false)
  })

  it('ignores fields the form does not have', async () => {
    const { agent, member } = await signedInMember(setup.database.db, setup.app)
    const response = await agent.submit('/t/new', '/t', {
      ...(await valid()),
      title: 'Mit fremden Feldern',
      locked: 'true',
      author_id: '1',
      reply_count: '99',
    })
    expect(response.statusCode).toBe(303)
    const thread = await setup.database.db
      .selectFrom('threads')
      .selectAll()
      .where('title', '=', 'Mit fremden Feldern')
      .executeTakeFirstOrThrow()
    expect(thread.locked).toBe(false)
    expect(thread.author_id).toBe(member.id)
    expect(thread.reply_count).toBe(0)
  })
})

describe('the thread page', () => {
  it('answers unknown and malformed thread ids with 404, never a 500', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app)
    for (const id of ['99999999', 'abc', '0', '-1', '1.5', '99999999999', '1e3']) {
      const response = await agent.get(`/t/${id}`)
      expect(response.statusCode, id).toBe(404)
    }
    expect((await agent.get('/t/99999999/unread')).statusCode).toBe(404)
  })

  it('shows a "vertraulich" banner only on confidential threads', async () => {
    const { agent, current } = await signedInMember(setup.database.db, setup.app)
    const secret = await createThread(setup.database.db, current, { confidential: true })
    const open = await createThread(setup.database.db, current)
    expect((await agent.get(`/t/${secret.threadId}`)).body).toContain('Vertraulich.')
    expect((await agent.get(`/t/${open.threadId}`)).body).not.toContain('class="confidential"')
  })

  it('nests replies six deep and continues deeper ones with "Antwort auf …"', async () => {
    const { agent, current } = await signedInMember(setup.database.db, setup.app, { name: 'Tiefe Tina' })
    const { threadId, openingPostId } = await createThread(setup.database.db, current)
    let parent = openingPostId
    const ids: number[] = []
    for (let i = 0; i < 8; i++) {
      parent = await reply(setup.database.db, current, threadId, parent, `Ebene ${i + 1}`)
      ids.push(parent)
    }
    const body = (await agent.get(`/t/${threadId}`)).body
    const list = body.slice(body.indexOf('<ol id="replies"'), body.indexOf('<section id="thread-reply"'))
    // Six nested lists: the top-level list and five below it.
    expect(list.match(/<ol/g)?.length).toBe(6)
    expect(list).toContain(`<a href="#post-${ids[6]}" class="re">Antwort auf <bdi>Tiefe Tina</bdi></a>`)
    expect(list).not.toContain(`<a href="#post-${ids[4]}" class="re">`)
  })
})

describe('the stage (Reifegrad)', () => {
  it('is changed by the author, and the change shows in the history', async () => {
    const { agent, current } = await signedInMember(setup.database.db, setup.app, { name: 'Stefanie Stufe' })
    const { threadId } = await createThread(setup.database.db, current, { stage: 'idea' })
    const response = await agent.submit(`/t/${threadId}`, `/t/${threadId}/stage`, { stage: 'pilot' })
    expect(response.statusCode).toBe(303)
    const page = await agent.get(`/t/${threadId}`)
    expect(page.body).toContain('Reifegrad: Pilot')
    expect(page.body).toContain('Verlauf des Reifegrads')
    expect(page.body).toMatch(/Vage Idee → Pilot \(<bdi>Stefanie Stufe<\/bdi>\)/)
  })

  it('is changed by moderators but not by other members, and only to a known stage', async () => {
    const author = await signedInMember(setup.database.db, setup.app)
    const other = await signedInMember(setup.database.db, setup.app)
    const moderator = await signedInMember(setup.database.db, setup.app, { role: 'moderator' })
    const { threadId } = await createThread(setup.database.db, author.current)
    expect((await other.agent.get(`/t/${threadId}`)).body).not.toContain('stage-form')
    const denied = await other.agent.submit(`/t/${threadId}`, `/t/${threadId}/stage`, { stage: 'pilot' })
    expect(denied.statusCode).toBe(403)
    const allowed = await moderator.agent.submit(`/t/${threadId}`, `/t/${threadId}/stage`, {
      stage: 'dropped',
    })
    expect(allowed.statusCode).toBe(303)
    const bad = await author.agent.submit(`/t/${threadId}`, `/t/${threadId}/stage`, { stage: 'fertig' })
    expect(bad.statusCode).toBe(422)
    const thread = await setup.database.db
      .selectFrom('threads')
      .select('stage')
      .where('id', '=', threadId)
      .executeTakeFirstOrThrow()
    expect(thread.stage).toBe('dropped')
  })
})
