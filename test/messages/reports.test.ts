// Reporting a message: a participant reports one message; the moderators see that message and
// nothing else of the conversation, and dismiss, hide or suspend its author (audited).
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { conversation, signedInMember, write } from './helpers.ts'

const context = useTestApp()
const db = () => context.database.db

async function reported() {
  const anna = await signedInMember(db(), context.app, { name: 'Anna Auffällig' })
  const bernd = await signedInMember(db(), context.app, { name: 'Bernd Betroffen' })
  const clara = await signedInMember(db(), context.app, { name: 'Clara Unbeteiligt' })
  const id = await conversation(
    db(),
    bernd.current,
    [anna.member.id, clara.member.id],
    'Harmloser Anfang VORHER',
  )
  const bad = await write(db(), anna.current, id, 'Beleidigung MELDEPUNKT')
  await write(db(), clara.current, id, 'Private Nebenbemerkung NACHHER')
  const moderator = await signedInMember(db(), context.app, { role: 'moderator' })
  return { anna, bernd, clara, id, bad, moderator }
}

async function report(
  agent: Awaited<ReturnType<typeof signedInMember>>['agent'],
  id: number,
  messageId: number,
) {
  return agent.submit(`/messages/${id}/m/${messageId}/report`, `/messages/${id}/m/${messageId}/report`, {
    reason: 'inappropriate',
    text: 'Bitte ansehen',
  })
}

describe('reporting a message', () => {
  it('shows the moderators only the reported message', async () => {
    const { bernd, id, bad, moderator } = await reported()
    const before = await moderator.agent.get('/moderation/messages')
    expect(before.body).not.toContain('MELDEPUNKT')
    const sent = await report(bernd.agent, id, bad)
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe(`/messages/${id}#m-${bad}`)
    const queue = await moderator.agent.get('/moderation/messages')
    expect(queue.statusCode).toBe(200)
    expect(queue.body).toContain('MELDEPUNKT')
    expect(queue.body).toContain('Anna Auffällig')
    expect(queue.body).toContain('Bitte ansehen')
    for (const other of ['VORHER', 'NACHHER', 'Clara Unbeteiligt', `/messages/${id}`]) {
      expect(queue.body).not.toContain(other)
    }
    // The badge counts it; the moderator still cannot open the conversation.
    expect((await moderator.agent.get(`/messages/${id}`)).statusCode).toBe(404)
    const home = await moderator.agent.get('/moderation')
    expect(home.body).toMatch(/class="count" aria-hidden="true">\d+</)
    // A member is not a moderator.
    expect((await bernd.agent.get('/moderation/messages')).statusCode).toBe(403)
  })

  it("asks for a reason; one's own message or a foreign message cannot be reported", async () => {
    const { anna, bernd, id, bad } = await reported()
    const empty = await bernd.agent.submit(
      `/messages/${id}/m/${bad}/report`,
      `/messages/${id}/m/${bad}/report`,
      {
        reason: '',
        text: 'Text bleibt',
      },
    )
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('error-summary')
    expect(empty.body).toContain('Text bleibt')
    expect((await anna.agent.get(`/messages/${id}/m/${bad}/report`)).statusCode).toBe(404)
    const other = await reported()
    expect((await bernd.agent.get(`/messages/${other.id}/m/${other.bad}/report`)).statusCode).toBe(404)
    expect((await bernd.agent.get(`/messages/${id}/m/${other.bad}/report`)).statusCode).toBe(404)
  })

  it('hiding replaces the text for the participants and is audited', async () => {
    const { bernd, clara, id, bad, moderator } = await reported()
    await report(bernd.agent, id, bad)
    const hidden = await moderator.agent.submit('/moderation/messages', `/moderation/messages/${bad}/hide`, {
      reason: 'Beleidigend',
    })
    expect(hidden.statusCode).toBe(303)
    const page = await clara.agent.get(`/messages/${id}`)
    expect(page.body).not.toContain('MELDEPUNKT')
    expect(page.body).toContain('Von der Moderation ausgeblendet.')
    const { rows } = await sql<{ action: string; details: { messageId: number } }>`
      select action, details from audit_events where action = 'message.hidden' order by id desc limit 1`.execute(
      db(),
    )
    expect(rows[0]?.details.messageId).toBe(bad)
    expect((await moderator.agent.get('/moderation/messages')).body).not.toContain(`reported-message-${bad}"`)
    const audit = await moderator.agent.get('/moderation/audit')
    expect(audit.body).toContain('Nachricht ausgeblendet')
  })

  it('dismissing closes the reports once; a second decision is a conflict', async () => {
    const { bernd, id, bad, moderator } = await reported()
    await report(bernd.agent, id, bad)
    const token = await moderator.agent.csrf('/moderation/messages')
    const first = await moderator.agent.post(`/moderation/messages/${bad}/dismiss`, {
      _csrf: token,
      reason: 'Passt',
    })
    expect(first.statusCode).toBe(303)
    const second = await moderator.agent.post(`/moderation/messages/${bad}/dismiss`, {
      _csrf: token,
      reason: 'Passt',
    })
    expect(second.statusCode).toBe(409)
    const noReason = await moderator.agent.post(`/moderation/messages/${bad}/hide`, {
      _csrf: token,
      reason: '',
    })
    expect(noReason.statusCode).toBe(422)
  })

  it('suspending the author stops them from sending', async () => {
    const { anna, bernd, id, bad, moderator } = await reported()
    await report(bernd.agent, id, bad)
    const done = await moderator.agent.submit('/moderation/messages', `/moderation/messages/${bad}/suspend`, {
      reason: 'Wiederholt beleidigend',
    })
    expect(done.statusCode).toBe(303)
    const member = await db()
      .selectFrom('members')
      .select('status')
      .where('id', '=', anna.member.id)
      .executeTakeFirst()
    expect(member?.status).toBe('suspended')
    const again = await anna.agent.post(`/messages/${id}`, { body: 'Trotzdem' })
    expect(again.statusCode).not.toBe(200)
    const count = await sql<{ n: number }>`
      select count(*)::int as n from direct_messages where body_source = 'Trotzdem'`.execute(db())
    expect(count.rows[0]?.n).toBe(0)
  })
})
