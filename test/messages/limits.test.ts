// Against mass messaging and unwanted contact: new conversations per hour and messages per
// minute are limited per member; a suspended member cannot send (also when the session still
// says verified); a blocked member cannot start a conversation with or add the one who blocked
// them, and their messages stop for them.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { sendMessage } from '../../src/features/messages/messages.service.ts'
import { ForbiddenError } from '../../src/lib/errors.ts'
import { useTestApp } from '../helpers/app.ts'
import { conversation, navCount, signedInMember, write } from './helpers.ts'

const context = useTestApp()
const db = () => context.database.db

describe('limits', () => {
  it('at most 10 new conversations per hour', async () => {
    const sender = await signedInMember(db(), context.app)
    const recipient = await signedInMember(db(), context.app)
    const token = await sender.agent.csrf('/messages/new')
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const response = await sender.agent.post('/messages', {
        _csrf: token,
        to: String(recipient.member.id),
        body: `Werbung ${i}`,
      })
      statuses.push(response.statusCode)
    }
    expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true)
    expect(statuses[10]).toBe(429)
    // The picker's search does not count against it.
    const search = await sender.agent.post('/messages/new', { _csrf: token, q: 'x', action: 'search' })
    expect(search.statusCode).toBe(200)
  })

  it('at most 20 messages per minute', async () => {
    const sender = await signedInMember(db(), context.app)
    const recipient = await signedInMember(db(), context.app)
    const id = await conversation(db(), sender.current, [recipient.member.id])
    const token = await sender.agent.csrf(`/messages/${id}`)
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) {
      statuses.push(
        (await sender.agent.post(`/messages/${id}`, { _csrf: token, body: `Flut ${i}` })).statusCode,
      )
    }
    expect(statuses.slice(0, 20).every((s) => s === 303)).toBe(true)
    expect(statuses[20]).toBe(429)
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from direct_messages where conversation_id = ${id} and body_source like 'Flut %'`.execute(
      db(),
    )
    expect(rows[0]?.n).toBe(20)
  })

  it('a suspended member cannot send, even with a stale verified member at hand', async () => {
    const sender = await signedInMember(db(), context.app)
    const recipient = await signedInMember(db(), context.app)
    const id = await conversation(db(), sender.current, [recipient.member.id])
    await sql`update members set status = 'suspended' where id = ${sender.member.id}`.execute(db())
    await expect(
      sendMessage(db(), sender.current, id, { body: 'Noch schnell', formKey: '' }),
    ).rejects.toThrow(ForbiddenError)
    const page = await sender.agent.post(`/messages/${id}`, { body: 'Per Formular' })
    expect(page.statusCode).toBe(303)
    expect(page.headers.location).toBe('/status')
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from direct_messages where conversation_id = ${id}`.execute(db())
    expect(rows[0]?.n).toBe(1)
  })
})

describe('blocking', () => {
  it('stops their messages, and they cannot start a conversation with or add the blocker', async () => {
    const anna = await signedInMember(db(), context.app, { name: 'Anna Nervig' })
    const bernd = await signedInMember(db(), context.app, { name: 'Bernd Blockierer' })
    const clara = await signedInMember(db(), context.app)
    const id = await conversation(db(), clara.current, [anna.member.id, bernd.member.id], 'Zu dritt')
    await bernd.agent.get(`/messages/${id}`)
    const blocked = await bernd.agent.submit(`/messages/${id}`, '/messages/blocks', {
      member: String(anna.member.id),
      back: `/messages/${id}`,
    })
    expect(blocked.statusCode).toBe(303)
    expect(blocked.headers.location).toBe(`/messages/${id}`)
    await write(db(), anna.current, id, 'Nervige Nachricht')
    const page = await bernd.agent.get(`/messages/${id}`)
    expect(page.body).not.toContain('Nervige Nachricht')
    expect(page.body).toContain('Blockierung von Anna Nervig aufheben')
    expect(navCount((await bernd.agent.get('/messages')).body)).toBe('')
    expect((await clara.agent.get(`/messages/${id}`)).body).toContain('Nervige Nachricht')

    const start = await anna.agent.submit('/messages/new', '/messages', {
      to: String(bernd.member.id),
      body: 'Hallo?',
    })
    expect(start.statusCode).toBe(422)
    expect(start.body).toContain('Bernd Blockierer empfängt keine Nachrichten von Ihnen.')
    const other = await conversation(db(), anna.current, [clara.member.id])
    const add = await anna.agent.submit(
      `/messages/${other}/participants`,
      `/messages/${other}/participants`,
      {
        add: String(bernd.member.id),
      },
    )
    expect(add.statusCode).toBe(422)

    const settings = await bernd.agent.get('/messages/settings')
    expect(settings.body).toContain('Anna Nervig')
    const unblocked = await bernd.agent.submit('/messages/settings', '/messages/blocks/remove', {
      member: String(anna.member.id),
      back: '',
    })
    expect(unblocked.headers.location).toBe('/messages/settings')
    expect((await bernd.agent.get(`/messages/${id}`)).body).toContain('Nervige Nachricht')
    const self = await bernd.agent.submit('/messages/settings', '/messages/blocks', {
      member: String(bernd.member.id),
      back: '',
    })
    expect(self.statusCode).toBe(422)
  })

  it('saves the mail setting with all problems named', async () => {
    const anna = await signedInMember(db(), context.app)
    const bad = await anna.agent.submit('/messages/settings', '/messages/settings', { mailMode: 'sometimes' })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('href="#field-mailMode"')
    const good = await anna.agent.submit('/messages/settings', '/messages/settings', { mailMode: 'never' })
    expect(good.statusCode).toBe(200)
    expect(good.body).toMatch(/value="never" checked/)
  })
})
