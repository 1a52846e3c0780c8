// The message flow through the pages: start a conversation with the picker (no JavaScript),
// read, reply (htmx appends and moves the focus), unread counts in the navigation, adding a
// person (who sees only what comes after), leaving, and the form's errors in one round.
import { describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { conversation, htmx, navCount, replyThroughPage, signedInMember, write } from './helpers.ts'

const context = useTestApp()
const db = () => context.database.db

describe('direct messages', () => {
  it('starts a conversation with a recipient picked by name, without JavaScript', async () => {
    const anna = await signedInMember(db(), context.app, { name: 'Anna Absender' })
    const bernd = await signedInMember(db(), context.app, { name: 'Bernd Pickmann' })
    const token = await anna.agent.csrf('/messages/new')
    const search = await anna.agent.post('/messages/new', {
      _csrf: token,
      q: 'Pickm',
      action: 'search',
      body: 'Entwurf',
    })
    expect(search.statusCode).toBe(200)
    expect(search.body).toContain('Bernd Pickmann')
    expect(search.body).toContain(`name="add" value="${bernd.member.id}"`)
    expect(search.body).toContain('>Entwurf</textarea>')
    const added = await anna.agent.post('/messages/new', {
      _csrf: token,
      add: String(bernd.member.id),
      body: 'Entwurf',
    })
    expect(added.body).toContain(`name="to" value="${bernd.member.id}"`)
    expect(added.body).toContain(`name="remove" value="${bernd.member.id}"`)
    const removed = await anna.agent.post('/messages/new', {
      _csrf: token,
      to: String(bernd.member.id),
      remove: String(bernd.member.id),
    })
    expect(removed.body).toContain('name="to" value=""')
    const sent = await anna.agent.post('/messages', {
      _csrf: token,
      to: String(bernd.member.id),
      body: 'Hallo Bernd, **wie** läuft euer Pilot?',
      formKey: '6f1c0b7e-7d53-4c1e-9b47-1a2b3c4d5e6f',
    })
    expect(sent.statusCode).toBe(303)
    const url = sent.headers.location as string
    expect(url).toMatch(/^\/messages\/\d+$/)
    const page = await anna.agent.get(url)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<strong>wie</strong>')
    expect(page.body).toContain('Unterhaltung mit Bernd Pickmann')
    // The same form sent again writes nothing new.
    const again = await anna.agent.post('/messages', {
      _csrf: token,
      to: String(bernd.member.id),
      body: 'Hallo Bernd, **wie** läuft euer Pilot?',
      formKey: '6f1c0b7e-7d53-4c1e-9b47-1a2b3c4d5e6f',
    })
    expect(again.headers.location).toBe(url)
    const rows = await db()
      .selectFrom('direct_messages' as never)
      .selectAll()
      .execute()
    expect(
      rows.filter((r) => (r as { body_source: string }).body_source.startsWith('Hallo Bernd')),
    ).toHaveLength(1)
  })

  it('the live picker (htmx) answers with the results only', async () => {
    const anna = await signedInMember(db(), context.app)
    await signedInMember(db(), context.app, { name: 'Lina Livesuche' })
    const fragment = await anna.agent.get('/messages/recipients?q=Livesu', htmx)
    expect(fragment.body).toContain('Lina Livesuche')
    expect(fragment.body).not.toContain('<html')
    const page = await anna.agent.get('/messages/recipients?q=Livesu')
    expect(page.body).toContain('<html')
    expect(page.body).toContain('Lina Livesuche')
  })

  it('shows the unread count in the navigation, unread first in the list, and reads it away', async () => {
    const anna = await signedInMember(db(), context.app, { name: 'Anna Zähler' })
    const bernd = await signedInMember(db(), context.app, { name: 'Bernd Zähler' })
    const carla = await signedInMember(db(), context.app, { name: 'Carla Zähler' })
    const older = await conversation(db(), carla.current, [bernd.member.id], 'Alte Frage')
    await bernd.agent.get(`/messages/${older}`)
    const id = await conversation(db(), anna.current, [bernd.member.id], 'Neue Frage')
    await write(db(), carla.current, older, 'Noch was')
    await bernd.agent.get(`/messages/${older}`)
    const home = await bernd.agent.get('/messages')
    expect(navCount(home.body)).toBe('1')
    expect(home.body).toContain('1 ungelesene Nachricht')
    expect(home.body.indexOf(`/messages/${id}"`)).toBeLessThan(home.body.indexOf(`/messages/${older}"`))
    await bernd.agent.get(`/messages/${id}`)
    expect(navCount((await bernd.agent.get('/messages')).body)).toBe('')
    // The author's own message is never unread for them.
    expect(navCount((await anna.agent.get('/messages')).body)).toBe('')
  })

  it('appends a reply with htmx, moves the focus to it and gives a fresh form', async () => {
    const anna = await signedInMember(db(), context.app)
    const bernd = await signedInMember(db(), context.app)
    const id = await conversation(db(), anna.current, [bernd.member.id])
    const answer = await replyThroughPage(bernd.agent, id, 'Gern, _morgen_?', htmx)
    expect(answer.statusCode).toBe(200)
    expect(answer.body).toMatch(/<li class="message card own" id="m-\d+"><article[^>]*data-focus-first/)
    expect(answer.body).toContain('<em>morgen</em>')
    expect(answer.body).toContain('id="reply-box" hx-swap-oob="true"')
    expect(answer.body).not.toContain('<html')
    const empty = await replyThroughPage(bernd.agent, id, '   ', htmx)
    expect(empty.statusCode).toBe(422)
    expect(empty.headers['hx-retarget']).toBe('#reply-box')
    expect(empty.body).toContain('error-summary')
    // Without JavaScript: back to the conversation at the new message.
    const plain = await replyThroughPage(bernd.agent, id, 'Ohne Skript')
    expect(plain.statusCode).toBe(303)
    expect(plain.headers.location).toMatch(new RegExp(`^/messages/${id}#m-\\d+$`))
  })

  it('names every problem of the new-message form at once and keeps what was typed', async () => {
    const anna = await signedInMember(db(), context.app)
    const none = await anna.agent.submit('/messages/new', '/messages', { to: '', body: '' })
    expect(none.statusCode).toBe(422)
    expect(none.body).toContain('Wählen Sie mindestens eine Person aus.')
    expect(none.body).toContain('href="#field-body"')
    expect(none.body).toContain('href="#field-to"')
    const unverified = await signedInMember(db(), context.app, { status: 'pending_review' })
    const kept = await anna.agent.submit('/messages/new', '/messages', {
      to: String(unverified.member.id),
      body: 'Bleibt stehen',
    })
    expect(kept.statusCode).toBe(422)
    expect(kept.body).toContain('nicht mehr erreichbar')
    expect(kept.body).toContain('>Bleibt stehen</textarea>')
  })

  it('allows at most 20 participants', async () => {
    const anna = await signedInMember(db(), context.app)
    const others = []
    for (let i = 0; i < 20; i++) others.push((await signedInMember(db(), context.app)).member.id)
    const tooMany = await anna.agent.submit('/messages/new', '/messages', {
      to: others.join(','),
      body: 'An alle',
    })
    expect(tooMany.statusCode).toBe(422)
    expect(tooMany.body).toContain('höchstens 20 Teilnehmende')
    const fine = await anna.agent.submit('/messages/new', '/messages', {
      to: others.slice(0, 19).join(','),
      body: 'An 19',
    })
    expect(fine.statusCode).toBe(303)
  })

  it('a person added later reads what comes after, not what came before', async () => {
    const anna = await signedInMember(db(), context.app, { name: 'Anna Gruppe' })
    const bernd = await signedInMember(db(), context.app)
    const dora = await signedInMember(db(), context.app, { name: 'Dora Dazu' })
    const id = await conversation(db(), anna.current, [bernd.member.id], 'Vorher: geheime Absprache')
    const search = await anna.agent.get(`/messages/${id}/participants?q=Dora Dazu`)
    expect(search.body).toContain('Dora Dazu')
    const added = await anna.agent.submit(
      `/messages/${id}/participants?q=Dora`,
      `/messages/${id}/participants`,
      {
        add: String(dora.member.id),
      },
    )
    expect(added.statusCode).toBe(303)
    await write(db(), bernd.current, id, 'Nachher: willkommen')
    const page = await dora.agent.get(`/messages/${id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Nachher: willkommen')
    expect(page.body).toContain('Anna Gruppe hat Dora Dazu hinzugefügt.')
    expect(page.body).not.toContain('geheime Absprache')
    const twice = await anna.agent.submit(`/messages/${id}/participants`, `/messages/${id}/participants`, {
      add: String(dora.member.id),
    })
    expect(twice.statusCode).toBe(422)
    expect(twice.body).toContain('nimmt schon teil')
  })

  it('leaving ends access; the others see that the person left', async () => {
    const anna = await signedInMember(db(), context.app, { name: 'Anna Geht' })
    const bernd = await signedInMember(db(), context.app)
    const id = await conversation(db(), anna.current, [bernd.member.id], 'Bis bald')
    expect((await anna.agent.get(`/messages/${id}/leave`)).statusCode).toBe(200)
    const left = await anna.agent.submit(`/messages/${id}/leave`, `/messages/${id}/leave`, {})
    expect(left.statusCode).toBe(303)
    expect((await anna.agent.get(`/messages/${id}`)).statusCode).toBe(404)
    expect((await anna.agent.get('/messages')).body).not.toContain(`/messages/${id}"`)
    const page = await bernd.agent.get(`/messages/${id}`)
    expect(page.body).toContain('Anna Geht hat die Unterhaltung verlassen.')
    expect(page.body).toContain('Bis bald')
  })

  it('opens long conversations as a window of the latest 50, earlier ones by a link', async () => {
    const anna = await signedInMember(db(), context.app)
    const bernd = await signedInMember(db(), context.app)
    const id = await conversation(db(), anna.current, [bernd.member.id], 'Nachricht 0')
    for (let i = 1; i <= 55; i++)
      await write(db(), i % 2 ? bernd.current : anna.current, id, `Nachricht ${i}`)
    const page = await anna.agent.get(`/messages/${id}`)
    expect(page.body.match(/class="message card/g)).toHaveLength(50)
    expect(page.body).toContain('Nachricht 55')
    expect(page.body).not.toContain('Nachricht 5<')
    const before = page.body.match(/href="\/messages\/\d+\?before(?:=|&#x3D;)(\d+)"/)?.[1]
    expect(before).toBeDefined()
    const older = await anna.agent.get(`/messages/${id}?before=${before}`)
    expect(older.body).toContain('Nachricht 0')
    expect(older.body).not.toContain('id="reply-box"')
  })

  it('anonymous visitors are sent to the login', async () => {
    const response = await createAgent(context.app).get('/messages')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toContain('/login')
  })
})
