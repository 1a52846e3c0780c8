// Only the participants read a conversation. A verified member who takes no part, a moderator
// and an admin get the 404 of a conversation that does not exist, on every page and form of it;
// unverified people are sent to their status page. Messages appear nowhere else: not in search,
// profiles or the notifications.
import { describe, expect, it } from 'vitest'
import type { MemberStatus } from '../../src/db/schema.ts'
import { useTestApp } from '../helpers/app.ts'
import { conversation, signedInMember, write } from './helpers.ts'

const context = useTestApp()
const db = () => context.database.db
const secret = 'QXZ7GEHEIMNACHRICHT'

async function setUp() {
  const anna = await signedInMember(db(), context.app, { name: 'Anna Privat' })
  const bernd = await signedInMember(db(), context.app, { name: 'Bernd Privat' })
  const id = await conversation(db(), anna.current, [bernd.member.id], `Nur für dich: ${secret}`)
  const reply = await write(db(), bernd.current, id, `Antwort ${secret}`)
  return { anna, bernd, id, reply }
}

/** Every URL of a conversation (and its message) a browser could ask for. */
const pagesOf = (id: number, messageId: number) => [
  `/messages/${id}`,
  `/messages/${id}?before=${messageId + 1}`,
  `/messages/${id}/participants`,
  `/messages/${id}/participants?q=Privat`,
  `/messages/${id}/leave`,
  `/messages/${id}/m/${messageId}/report`,
]

describe('who reads a conversation', () => {
  it('the participants do (the test can fail)', async () => {
    const { anna, id, reply } = await setUp()
    for (const url of pagesOf(id, reply)) {
      const response = await anna.agent.get(url)
      expect(response.statusCode, url).toBe(200)
    }
    expect((await anna.agent.get(`/messages/${id}`)).body).toContain(secret)
  })

  for (const role of ['member', 'moderator', 'admin'] as const) {
    it(`a ${role} who takes no part gets the 404 of a missing conversation, everywhere`, async () => {
      const { id, reply } = await setUp()
      const outsider = await signedInMember(db(), context.app, { role })
      const missing = await outsider.agent.get('/messages/2147483647')
      expect(missing.statusCode).toBe(404)
      for (const url of pagesOf(id, reply)) {
        const response = await outsider.agent.get(url)
        expect(response.statusCode, url).toBe(404)
        expect(response.body, url).not.toContain(secret)
        expect(response.body, url).not.toContain('Privat')
        // The same page as for a conversation that does not exist.
        expect(response.body.replace(/name="csrf-token" content="[^"]+"/, ''), url).toBe(
          missing.body.replace(/name="csrf-token" content="[^"]+"/, ''),
        )
      }
      const token = await outsider.agent.csrf('/messages')
      const writes = [
        [`/messages/${id}`, { body: 'Eingeschlichen' }],
        [`/messages/${id}/participants`, { add: String(outsider.member.id) }],
        [`/messages/${id}/leave`, {}],
        [`/messages/${id}/m/${reply}/report`, { reason: 'spam', text: '' }],
      ] as const
      for (const [url, form] of writes) {
        const response = await outsider.agent.post(url, { _csrf: token, ...form })
        expect(response.statusCode, url).toBe(404)
        expect(response.body).not.toContain(secret)
      }
      const list = await outsider.agent.get('/messages')
      expect(list.body).not.toContain(`/messages/${id}"`)
      expect(list.body).not.toContain('Anna Privat')
      const rows = await db()
        .selectFrom('direct_messages' as never)
        .select('body_source' as never)
        .where('conversation_id' as never, '=', id as never)
        .execute()
      expect(JSON.stringify(rows)).not.toContain('Eingeschlichen')
    })
  }

  const statuses: MemberStatus[] = [
    'pending_email',
    'pending_review',
    'rejected',
    'suspended',
    'expired',
    'left',
  ]
  it('unverified people, even former participants, get their status page and nothing else', async () => {
    const { anna, id, reply } = await setUp()
    for (const status of statuses) {
      await db()
        .updateTable('members')
        .set({ status } as never)
        .where('id', '=', anna.member.id)
        .execute()
      for (const url of ['/messages', '/messages/new', ...pagesOf(id, reply)]) {
        const response = await anna.agent.get(url)
        expect(response.statusCode, `${url} as ${status}`).toBe(303)
        expect(response.body).not.toContain(secret)
      }
    }
  })

  it('messages appear in no search, no profile and no notification', async () => {
    const { anna, bernd } = await setUp()
    for (const url of [
      '/search?q=Antwort',
      `/m/${anna.member.id}`,
      `/m/${bernd.member.id}`,
      '/notifications',
      '/',
    ]) {
      const response = await bernd.agent.get(url)
      expect(response.statusCode, url).toBeLessThan(500)
      expect(response.body, url).not.toContain(secret)
    }
  })
})
