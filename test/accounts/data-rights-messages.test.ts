// Data rights cover direct messages and groups: the export holds the member's own messages and
// groups (not what others wrote); deleting the account with "remove" takes their messages and
// blocks away and ends their part in every conversation, "keep" leaves the text under the tombstone.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { eraseMember } from '../../src/features/accounts/account-deletion.ts'
import { collectMemberData } from '../../src/features/accounts/data-export.ts'
import { blockMember } from '../../src/features/messages/messages.service.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'
import { asCurrent, conversation, write } from '../messages/helpers.ts'

const setup = useTestApp()
const db = () => setup.database.db

async function twoTalking(name: string) {
  const leaver = await createMember(db(), { name })
  const colleague = await createMember(db(), { name: `Kollegin von ${name}` })
  const conversationId = await conversation(db(), asCurrent(leaver), [colleague.id], `Frage von ${name}`)
  await write(db(), asCurrent(colleague), conversationId, 'Antwort der Kollegin, nur ihre.')
  await blockMember(db(), asCurrent(leaver), (await createMember(db())).id)
  return { leaver, colleague, conversationId }
}

async function messageTexts(conversationId: number): Promise<string[]> {
  const { rows } = await sql<{ body_source: string }>`select body_source from direct_messages
    where conversation_id = ${conversationId} and kind = 'message' order by id`.execute(db())
  return rows.map((r) => r.body_source)
}

describe('data rights and direct messages', () => {
  it('exports the member’s own messages, conversations, blocks and groups, and nothing others wrote', async () => {
    const { leaver, conversationId } = await twoTalking('Edda Export')
    const group = await sql<{ id: number }>`insert into groups (name, description, join_mode)
      values ('AG Exportprobe', '', 'open') returning id`.execute(db())
    await sql`insert into group_members (group_id, member_id, role) values (${group.rows[0]!.id}, ${leaver.id}, 'admin')`.execute(
      db(),
    )
    const data = await collectMemberData(db(), leaver.id)
    const text = JSON.stringify(data)
    expect(data?.directMessages.messagesWritten.map((m) => m.markdown)).toEqual(['Frage von Edda Export'])
    expect(data?.directMessages.conversations.map((c) => c.conversation)).toEqual([conversationId])
    expect(data?.directMessages.blockedMembers).toHaveLength(1)
    expect(data?.groups).toEqual([expect.objectContaining({ group: 'AG Exportprobe', role: 'admin' })])
    expect(text).not.toContain('Antwort der Kollegin')
  })

  it('removes the messages at the member’s choice and ends their part in every conversation', async () => {
    const { leaver, colleague, conversationId } = await twoTalking('Rolf Raus')
    await db()
      .transaction()
      .execute((trx) =>
        eraseMember(trx, leaver.id, { posts: 'remove', actorId: leaver.id, reason: 'own_request' }),
      )
    expect(await messageTexts(conversationId)).toEqual(['Antwort der Kollegin, nur ihre.'])
    const parts = await sql<{
      member_id: number
      left: boolean
    }>`select member_id, left_at is not null as left
      from conversation_participants where conversation_id = ${conversationId} order by member_id`.execute(
      db(),
    )
    expect(parts.rows).toEqual([
      { member_id: leaver.id, left: true },
      { member_id: colleague.id, left: false },
    ])
    const blocks = await sql<{ n: number }>`select count(*)::int as n from member_blocks
      where blocker_id = ${leaver.id} or blocked_id = ${leaver.id}`.execute(db())
    expect(blocks.rows[0]!.n).toBe(0)
  })

  it('keeps the messages under "Ehemaliges Mitglied" when the member chose to keep their posts', async () => {
    const { leaver, conversationId } = await twoTalking('Karla Bleibt')
    await db()
      .transaction()
      .execute((trx) =>
        eraseMember(trx, leaver.id, { posts: 'keep', actorId: leaver.id, reason: 'own_request' }),
      )
    expect(await messageTexts(conversationId)).toEqual([
      'Frage von Karla Bleibt',
      'Antwort der Kollegin, nur ihre.',
    ])
    const author = await sql<{
      name: string
    }>`select m.name from direct_messages dm join members m on m.id = dm.author_id
      where dm.conversation_id = ${conversationId} and dm.body_source like 'Frage%'`.execute(db())
    expect(author.rows[0]!.name).toBe('Ehemaliges Mitglied')
  })
})
