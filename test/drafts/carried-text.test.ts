// A content form sent without JavaScript after the session ended: the answer is the sign-in page
// carrying the text in hidden fields; signing in saves it as a draft of that member and opens the
// form with it. Also: a token of an ended session, another site's post, a wrong password, htmx.
import type { LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { postMultipart } from '../attachments/helpers.ts'
import { asCurrent, categoryId, createThread, reply, signedInMember } from '../discussions/helpers.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { conversation } from '../messages/helpers.ts'

const setup = useTestApp()
const password = 'Ein langes Passwort für Tests 42'
const carriedNotice = 'Ihre Sitzung ist abgelaufen. Melden Sie sich an — Ihr Text bleibt erhalten.'

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#x27': "'",
  '#x60': '`',
  '#x3D': '=',
}
const decode = (value: string) =>
  value.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (_, name) => entities[name]!)

/** The hidden fields of a page's sign-in form, as a browser would send them. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = decode(match[2]!)
  }
  return fields
}

async function memberWithPassword() {
  const member = await createMember(setup.database.db, { password })
  const agent = createAgent(setup.app)
  await signInAs(setup.database.db, agent, member.id)
  return { member, agent }
}

async function endSessions(memberId: number) {
  await sql`update sessions set idle_expires_at = now() - interval '1 minute' where member_id = ${memberId}`.execute(
    setup.database.db,
  )
}

async function draftsOf(memberId: number) {
  return setup.database.db
    .selectFrom('drafts')
    .select(['draft_key', 'fields'])
    .where('member_id', '=', memberId)
    .execute()
}

function expectCarried(response: LightMyRequestResponse, text: string) {
  expect(response.statusCode).toBe(401)
  expect(response.headers.location).toBeUndefined()
  expect(response.body).toContain(carriedNotice)
  expect(hiddenFields(response.body).carry_body).toBe(text)
}

describe('a content form sent after the session ended', () => {
  it('a reply (multipart, without JavaScript) goes through the sign-in into a draft and back into its form', async () => {
    const { member, agent } = await memberWithPassword()
    const author = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current)
    const token = await agent.csrf(`/p/${openingPostId}/reply`)
    await endSessions(member.id)
    const text = 'Zeile eins mit "Anführung" & <Klammer>\nZeile zwei = zwei'
    const formKey = crypto.randomUUID()
    const sent = await postMultipart(setup.app, agent, `/t/${threadId}/posts`, [
      ['_csrf', token],
      ['parent', String(openingPostId)],
      ['formKey', formKey],
      ['body', text],
      { filename: '', content: Buffer.alloc(0) },
    ])
    expectCarried(sent, text)
    expect(await draftsOf(member.id)).toEqual([])

    const signedIn = await agent.post('/login', {
      ...hiddenFields(sent.body),
      email: member.email,
      password,
    })
    expect(signedIn.statusCode).toBe(303)
    expect(signedIn.headers.location).toBe(`/p/${openingPostId}/reply?draft=1`)
    expect(await draftsOf(member.id)).toEqual([
      {
        draft_key: `/t/${threadId}/posts|${openingPostId}`,
        fields: { body: text, parent: String(openingPostId), formKey },
      },
    ])

    const form = await agent.get(signedIn.headers.location as string)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Ihr Entwurf wurde wiederhergestellt.')
    expect(decode(form.body)).toContain(`>${text}</textarea>`)
    expect(form.body).toContain(`name="formKey" value="${formKey}"`)

    // Sending it writes the reply and uses the draft up.
    const reply = await agent.post(`/t/${threadId}/posts`, {
      _csrf: hiddenFields(form.body)._csrf!,
      parent: String(openingPostId),
      formKey,
      body: text,
    })
    expect(reply.statusCode).toBe(303)
    const again = await agent.get(`/p/${openingPostId}/reply?draft=1`)
    expect(again.body).not.toContain('Zeile zwei')
    expect(await draftsOf(member.id)).toEqual([])
  })

  it('a new thread keeps title, Themenraum, tags and text; a reply to the thread opens at the thread', async () => {
    const { member, agent } = await memberWithPassword()
    const token = await agent.csrf('/t/new')
    await endSessions(member.id)
    const category = String(await categoryId(setup.database.db))
    const sent = await agent.post('/t', {
      _csrf: token,
      title: 'Digitale Akte im Bauamt',
      category,
      stage: 'idea',
      tags: 'akte, bauamt',
      body: 'Wer hat Erfahrungen?',
      formKey: crypto.randomUUID(),
    })
    expectCarried(sent, 'Wer hat Erfahrungen?')
    // A wrong password keeps the text in the form and saves nothing.
    const wrong = await agent.post('/login', {
      ...hiddenFields(sent.body),
      email: member.email,
      password: 'falsch falsch falsch',
    })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain(carriedNotice)
    expect(await draftsOf(member.id)).toEqual([])
    const signedIn = await agent.post('/login', {
      ...hiddenFields(wrong.body),
      email: member.email,
      password,
    })
    expect(signedIn.headers.location).toBe('/t/new?draft=1')
    const form = await agent.get('/t/new?draft=1')
    expect(form.body).toContain('value="Digitale Akte im Bauamt"')
    expect(form.body).toContain('value="akte, bauamt"')
    expect(form.body).toContain('Wer hat Erfahrungen?</textarea>')
    expect(form.body).toMatch(new RegExp(`<option value="${category}" selected`))

    // A reply to the thread itself (no parent) opens the thread's own reply form.
    const { threadId } = await createThread(setup.database.db, {
      ...(await signedInMember(setup.database.db, setup.app)).current,
    })
    const token2 = await agent.csrf(`/t/${threadId}`)
    await endSessions(member.id)
    const reply = await agent.post(`/t/${threadId}/posts`, {
      _csrf: token2,
      parent: '',
      body: 'Ans Ende',
      formKey: crypto.randomUUID(),
    })
    expectCarried(reply, 'Ans Ende')
    const back = await agent.post('/login', { ...hiddenFields(reply.body), email: member.email, password })
    expect(back.headers.location).toBe(`/t/${threadId}?draft=1#thread-reply`)
    const thread = await agent.get(`/t/${threadId}?draft=1`)
    expect(thread.body).toContain('Ans Ende</textarea>')
  })

  it('an edit is carried too and opens again with the version it was written against', async () => {
    const { member, agent } = await memberWithPassword()
    const { threadId, openingPostId } = await createThread(setup.database.db, {
      ...(await signedInMember(setup.database.db, setup.app)).current,
    })
    const postId = await reply(setup.database.db, asCurrent(member), threadId, openingPostId, 'Erste Fassung')
    const token = await agent.csrf(`/p/${postId}/edit`)
    await endSessions(member.id)
    const sent = await agent.post(`/p/${postId}/edit`, { _csrf: token, body: 'Zweite Fassung', version: '1' })
    expectCarried(sent, 'Zweite Fassung')
    const signedIn = await agent.post('/login', { ...hiddenFields(sent.body), email: member.email, password })
    expect(signedIn.headers.location).toBe(`/p/${postId}/edit?draft=1`)
    const form = await agent.get(`/p/${postId}/edit?draft=1`)
    expect(form.body).toContain('Zweite Fassung</textarea>')
    expect(form.body).toContain('name="version" value="1"')
    const saved = await agent.post(`/p/${postId}/edit`, {
      _csrf: hiddenFields(form.body)._csrf!,
      body: 'Zweite Fassung',
      version: '1',
    })
    expect(saved.statusCode).toBe(303)
  })

  it('a direct message is carried too and opens again in the conversation', async () => {
    const { member, agent } = await memberWithPassword()
    const other = await signedInMember(setup.database.db, setup.app)
    const conversationId = await conversation(setup.database.db, asCurrent(member), [other.member.id])
    const token = await agent.csrf(`/messages/${conversationId}`)
    await endSessions(member.id)
    const formKey = crypto.randomUUID()
    const sent = await agent.post(`/messages/${conversationId}`, {
      _csrf: token,
      body: 'Nur unter uns',
      formKey,
    })
    expectCarried(sent, 'Nur unter uns')
    const signedIn = await agent.post('/login', { ...hiddenFields(sent.body), email: member.email, password })
    expect(signedIn.headers.location).toBe(`/messages/${conversationId}?draft=1#reply-box`)
    const page = await agent.get(`/messages/${conversationId}?draft=1`)
    expect(page.body).toContain('Nur unter uns</textarea>')
    expect(page.body).toContain(`value="${formKey}"`)
    expect(page.body).toContain('Ihr Entwurf wurde wiederhergestellt.')
  })

  it('a token of an ended session (signed in again in another tab) is carried too', async () => {
    const { member, agent } = await memberWithPassword()
    const author = await signedInMember(setup.database.db, setup.app)
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current)
    const token = await agent.csrf(`/p/${openingPostId}/reply`)
    await endSessions(member.id)
    await signInAs(setup.database.db, agent, member.id)
    const sent = await agent.post(`/t/${threadId}/posts`, {
      _csrf: token,
      parent: String(openingPostId),
      body: 'Mit altem Schlüssel',
      formKey: crypto.randomUUID(),
    })
    expectCarried(sent, 'Mit altem Schlüssel')
  })

  it('another site’s post, an htmx post, an empty form and other forms are answered as before', async () => {
    const { member, agent } = await memberWithPassword()
    const { threadId } = await createThread(
      setup.database.db,
      (await signedInMember(setup.database.db, setup.app)).current,
    )
    const token = await agent.csrf(`/t/${threadId}`)
    await endSessions(member.id)
    const form = { _csrf: token, parent: '', body: 'Untergeschoben', formKey: crypto.randomUUID() }
    const foreign = await agent.post(`/t/${threadId}/posts`, form, { origin: 'https://evil.example' })
    expect(foreign.body).not.toContain('Untergeschoben')
    expect(foreign.statusCode).not.toBe(401)
    const htmx = await agent.post(`/t/${threadId}/posts`, form, { 'hx-request': 'true' })
    expect(htmx.headers['hx-redirect']).toMatch(/^\/login/)
    const empty = await agent.post(`/t/${threadId}/posts`, { ...form, body: '  ' })
    expect(empty.statusCode).toBe(303)
    expect(empty.headers.location).toMatch(/^\/login/)
    const other = await agent.post('/account/language', { _csrf: token, locale: 'en' })
    expect(other.statusCode).toBe(303)
    // A carried key that is no form of ours is dropped at the sign-in: nothing saved, sign-in works.
    const login = createAgent(setup.app)
    const loginToken = await login.csrf('/login')
    const signedIn = await login.post('/login', {
      _csrf: loginToken,
      next: '/',
      carry_key: '/admin|',
      carry_body: 'x',
      email: member.email,
      password,
    })
    expect(signedIn.statusCode).toBe(303)
    expect(signedIn.headers.location).toBe('/')
    expect(await draftsOf(member.id)).toEqual([])
  })
})
