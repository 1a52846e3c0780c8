// The profile page (/m/<id>) and editing one's own profile (/account/profile).
import { describe, expect, it } from 'vitest'
import { deletePost } from '../../src/features/discussions/discussions.service.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'
import { asCurrent, createRegisterChain, createThread, reply, signedIn } from './helpers.ts'

const context = useTestApp()

/** The text of the page without tags, for "the page says …" checks. */
const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')

describe('the profile page', () => {
  it('shows name, job, organisation with its chain, topics, introduction, threads with stage, replies and member since', async () => {
    const { db } = context.database
    const chain = await createRegisterChain(db, { suffix: '91', gemeindeName: 'Gemeinde Wettringen' })
    const { member, current, agent } = await signedIn(db, context.app, {
      name: 'Paula Profil',
      jobTitle: 'Digitallotsin',
      organisationId: chain.gemeinde.id,
    })
    const saved = await agent.submit('/account/profile', '/account/profile', {
      name: 'Paula Profil',
      jobTitle: 'Digitallotsin',
      topics: 'E-Akte, ki',
      introduction: 'Ich baue **die E-Akte** auf.',
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`/m/${member.id}`)
    await createThread(db, current, { title: 'Pilot: E-Akte im Bauamt', stage: 'pilot', tags: 'e-akte' })
    const other = await createMember(db, { name: 'Otto Anders' })
    const { threadId } = await createThread(db, asCurrent(other), { title: 'Ottos Frage zur Cloud' })
    await reply(db, current, threadId, 'Wir nutzen das schon.')

    const page = await agent.get(`/m/${member.id}`)
    expect(page.statusCode).toBe(200)
    const html = page.body
    expect(html).toContain('<h1><bdi>Paula Profil</bdi>')
    expect(html).toContain('<bdi>Digitallotsin</bdi>')
    expect(html).toContain(`href="/o/${chain.gemeinde.ars}"><bdi>Gemeinde Wettringen</bdi>`)
    // The chain of parents, nearest first: Amt, Kreis, Land.
    const chainText = textOf(html.slice(html.indexOf('Gemeinde Wettringen')))
    expect(chainText.indexOf(chain.verband.name)).toBeLessThan(chainText.indexOf(chain.kreis.name))
    expect(chainText.indexOf(chain.kreis.name)).toBeLessThan(chainText.indexOf(chain.land.name))
    expect(html).toContain('href="/tags/e-akte">#e-akte</a>')
    expect(html).toContain('href="/tags/ki">#ki</a>')
    expect(html).toContain('<strong>die E-Akte</strong>')
    expect(html).toContain('Pilot: E-Akte im Bauamt')
    expect(textOf(html)).toMatch(/Pilot: E-Akte im Bauamt Pilot/)
    expect(html).toContain('Ottos Frage zur Cloud')
    expect(textOf(html)).toContain('Mitglied seit')
    expect(html).toContain('href="/account/profile"')
    // A reply links the thread window that holds it; nobody writes a message to themselves.
    expect(html).toMatch(/href="\/t\/\d+\?at(?:=|&#x3D;)(\d+)#post-\1"/)
    expect(html).not.toContain('/messages/new?to=')
  })

  it('another member sees the profile without the edit link; deleted replies are not listed', async () => {
    const { db } = context.database
    const { member, current } = await signedIn(db, context.app, { name: 'Rita Rückzug' })
    const other = await createMember(db)
    const { threadId } = await createThread(db, asCurrent(other), { title: 'Ein fremdes Thema' })
    const postId = await reply(db, current, threadId, 'Das nehme ich zurück.')
    await deletePost(db, { now: () => new Date() }, current, postId)
    const viewer = await signedIn(db, context.app)
    const page = await viewer.agent.get(`/m/${member.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Rita Rückzug')
    expect(page.body).not.toContain('href="/account/profile"')
    expect(page.body).toContain(`href="/messages/new?to=${member.id}"`)
    expect(page.body).not.toContain('Ein fremdes Thema')
    expect(page.body).toContain('Noch keine Antworten.')
  })

  it('has no profile for applicants, rejected or unknown members', async () => {
    const { db } = context.database
    const { agent } = await signedIn(db, context.app)
    for (const status of ['pending_email', 'pending_review', 'rejected'] as const) {
      const person = await createMember(db, { status })
      expect((await agent.get(`/m/${person.id}`)).statusCode, status).toBe(404)
    }
    expect((await agent.get('/m/2147483647')).statusCode).toBe(404)
    expect((await agent.get('/m/abc')).statusCode).toBe(404)
  })
})

describe('editing the profile', () => {
  it('shows every problem in one round, names each field, keeps what was typed', async () => {
    const { db } = context.database
    const { agent } = await signedIn(db, context.app, { name: 'Bea Bearbeitet' })
    const typed = {
      name: 'x'.repeat(121),
      jobTitle: '<b>Chefin</b>',
      topics: 'eins, zwei, drei, vier, fünf, sechs',
      introduction: 'y'.repeat(2001),
    }
    const response = await agent.submit('/account/profile', '/account/profile', typed)
    expect(response.statusCode).toBe(422)
    const html = response.body
    expect(html).toContain('<title>Fehler: Profil bearbeiten')
    const summary = html.slice(
      html.indexOf('error-summary'),
      html.indexOf('</div>', html.indexOf('error-summary')),
    )
    expect(summary).toContain('href="#field-name"')
    expect(summary).toContain('href="#field-jobTitle"')
    expect(summary).toContain('href="#field-topics"')
    expect(summary).toContain('href="#field-introduction"')
    expect(summary).toContain('Name: ')
    expect(summary).toContain('höchstens 5 Fachgebiete')
    expect(summary).toContain('spitze Klammern')
    // Everything typed comes back (escaped).
    expect(html).toContain(`value="${'x'.repeat(121)}"`)
    expect(html).toContain('value="&lt;b&gt;Chefin&lt;/b&gt;"')
    expect(html).toContain('eins, zwei, drei, vier, fünf, sechs')
    expect(html).toContain('y'.repeat(2001))
    // Nothing was saved.
    const row = await db
      .selectFrom('members')
      .select('name')
      .where('name', '=', 'Bea Bearbeitet')
      .executeTakeFirst()
    expect(row).toBeDefined()
  })

  it('renders a script in the introduction as text, never as markup', async () => {
    const { db } = context.database
    const { member, agent } = await signedIn(db, context.app, { name: 'Sam Skript' })
    const response = await agent.submit('/account/profile', '/account/profile', {
      name: 'Sam Skript',
      jobTitle: 'IT-Leitung',
      topics: '',
      introduction: '<script>alert(1)</script> [Link](javascript:alert(2)) <img src=x onerror=alert(3)>',
    })
    expect(response.statusCode).toBe(303)
    const html = (await agent.get(`/m/${member.id}`)).body
    const intro = html.slice(
      html.indexOf('<div class="md">'),
      html.indexOf('</div>', html.indexOf('<div class="md">')),
    )
    expect(intro).not.toMatch(/<script|<img|href="javascript:/i)
    expect(intro).not.toMatch(/<[^>]*\son\w+=/i)
    expect(intro).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('refuses a name that reads like a staff member', async () => {
    const { db } = context.database
    await createMember(db, { name: 'Mona Moderation', role: 'moderator' })
    const { agent } = await signedIn(db, context.app)
    const response = await agent.submit('/account/profile', '/account/profile', {
      name: 'MONA  Moderátion',
      jobTitle: 'Sachbearbeitung',
      topics: '',
      introduction: '',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('href="#field-name"')
  })

  it('refuses topics with characters a tag cannot have', async () => {
    const { db } = context.database
    const { agent } = await signedIn(db, context.app)
    const response = await agent.submit('/account/profile', '/account/profile', {
      name: 'Tina Tag',
      jobTitle: 'Sachbearbeitung',
      topics: 'ki, #open_data',
      introduction: '',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Fachgebiete bestehen aus Buchstaben')
    expect(response.body).toContain('value="ki, #open_data"')
  })

  it('saves name and job title with an audit entry, topics normalised', async () => {
    const { db } = context.database
    const { member, agent } = await signedIn(db, context.app, { name: 'Alt Name', jobTitle: 'Alt' })
    const form = await agent.get('/account/profile')
    expect(form.body).toContain('value="Alt Name"')
    const response = await agent.submit('/account/profile', '/account/profile', {
      name: '  Neu   Name ',
      jobTitle: 'CDO',
      topics: 'Open  Data, open data, KI',
      introduction: '',
    })
    expect(response.statusCode).toBe(303)
    const row = await db
      .selectFrom('members')
      .select(['name', 'job_title'])
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ name: 'Neu Name', job_title: 'CDO' })
    const topics = await db
      .selectFrom('member_expertise')
      .select('tag')
      .where('member_id', '=', member.id)
      .orderBy('position')
      .execute()
    expect(topics.map((t) => t.tag)).toEqual(['open data', 'ki'])
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('subject_id', '=', member.id)
      .where('action', '=', 'profile.updated')
      .executeTakeFirstOrThrow()
    expect(audit.details).toEqual({
      changes: { name: { from: 'Alt Name', to: 'Neu Name' }, jobTitle: { from: 'Alt', to: 'CDO' } },
    })
    // The profile shows the flash once.
    const page = await agent.get(`/m/${member.id}`)
    expect(page.body).toContain('Ihr Profil ist gespeichert.')
  })
})
