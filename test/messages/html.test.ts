// Every messages page is valid HTML (html-validate's recommended rules, as the browser tests
// check the other pages): the list, the form with results and with errors, a conversation, the
// participants, leave, settings and report pages, and the moderators' queue.
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { expectValidHtml } from '../e2e/helpers/checks.ts'
import { useTestApp } from '../helpers/app.ts'
import { conversation, signedInMember, write } from './helpers.ts'

const context = useTestApp()

it('every messages page is valid HTML', async () => {
  const db = context.database.db
  const anna = await signedInMember(db, context.app, { name: 'Anna Html' })
  const bernd = await signedInMember(db, context.app, { name: 'Bernd Html', role: 'moderator' })
  const id = await conversation(db, anna.current, [bernd.member.id], 'Hallo **du**')
  const answer = await write(db, bernd.current, id, 'Antwort')
  const { rows } = await sql<{ id: number }>`
    select min(id) as id from direct_messages where conversation_id = ${id}`.execute(db)
  const first = rows[0]!.id
  const reported = await bernd.agent.submit(
    `/messages/${id}/m/${first}/report`,
    `/messages/${id}/m/${first}/report`,
    {
      reason: 'spam',
      text: '',
    },
  )
  expect(reported.statusCode).toBe(303)
  const token = await anna.agent.csrf('/messages')
  const pages: [string, string, () => Promise<{ statusCode: number; body: string }>][] = [
    ['list', 'Unterhaltung', () => anna.agent.get('/messages')],
    ['new', 'Empfänger', () => anna.agent.get('/messages/new')],
    [
      'new with results',
      'Bernd Html hinzufügen',
      () => anna.agent.post('/messages/new', { _csrf: token, q: 'Bernd', action: 'search' }),
    ],
    [
      'new with errors',
      'error-summary',
      () => anna.agent.post('/messages', { _csrf: token, to: '', body: '' }),
    ],
    ['conversation', 'Antwort', () => anna.agent.get(`/messages/${id}`)],
    ['participants', 'Teilnehmende', () => anna.agent.get(`/messages/${id}/participants?q=Html`)],
    ['leave', 'verlassen', () => anna.agent.get(`/messages/${id}/leave`)],
    ['settings', 'Stündlich', () => anna.agent.get('/messages/settings')],
    ['report', 'Antwort', () => anna.agent.get(`/messages/${id}/m/${answer}/report`)],
    ['moderators’ queue', 'Hallo', () => bernd.agent.get('/moderation/messages')],
  ]
  for (const [label, expected, load] of pages) {
    const response = await load()
    expect(response.body, label).toContain(expected)
    await expectValidHtml(response.body, label)
  }
})
