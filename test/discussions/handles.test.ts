// Member handles: unique, made from the name when a member is inserted (by any code path), and
// an @handle notifies exactly the one member it names.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'
import { createThread, htmx, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()

async function handleOf(memberId: number): Promise<string> {
  const result = await sql<{ handle: string }>`select handle from members where id = ${memberId}`.execute(
    setup.database.db,
  )
  return result.rows[0]!.handle
}

describe('member handles', () => {
  it('are made from the name, unique, and namesakes get a number', async () => {
    const first = await createMember(setup.database.db, { name: 'Heike  Hand-Werk' })
    const second = await createMember(setup.database.db, { name: 'heike hand-werk' })
    const third = await createMember(setup.database.db, { name: 'Heike Hand-Werk' })
    const odd = await createMember(setup.database.db, { name: "Dr. O'Neill (\u200BIT)" })
    expect(await handleOf(first.id)).toBe('Heike_Hand-Werk')
    expect(await handleOf(second.id)).toBe('heike_hand-werk_2')
    expect(await handleOf(third.id)).toBe('Heike_Hand-Werk_3')
    expect(await handleOf(odd.id)).toBe('Dr._ONeill_IT')
    // Unique regardless of case, enforced by the database.
    await expect(
      sql`update members set handle = 'HEIKE_HAND-WERK' where id = ${odd.id}`.execute(setup.database.db),
    ).rejects.toThrow(/members_handle_key/)
  })

  it('notify exactly one person: the namesake with that handle, not everyone of that name', async () => {
    const author = await signedInMember(setup.database.db, setup.app, { name: 'Autorin Anfang' })
    const one = await signedInMember(setup.database.db, setup.app, { name: 'Nora Namensvetterin' })
    const two = await signedInMember(setup.database.db, setup.app, { name: 'Nora Namensvetterin' })
    expect(await handleOf(two.member.id)).toBe('Nora_Namensvetterin_2')
    const { threadId } = await createThread(setup.database.db, author.current)
    await reply(setup.database.db, author.current, threadId, undefined, 'Frage an @Nora_Namensvetterin_2')
    const mentioned = await setup.database.db
      .selectFrom('notifications')
      .select('member_id')
      .where('thread_id', '=', threadId)
      .where('kind', '=', 'mention')
      .execute()
    expect(mentioned.map((n) => n.member_id)).toEqual([two.member.id])
    expect(one.member.id).not.toBe(two.member.id)
    const page = await author.agent.get(`/t/${threadId}`)
    expect(page.body).toContain('<strong class="mention">@Nora_Namensvetterin_2</strong>')
  })

  it('are suggested while typing, by handle or by name, with the handle to insert', async () => {
    const { agent } = await signedInMember(setup.database.db, setup.app, { name: 'Suchende Person' })
    await createMember(setup.database.db, { name: 'Quentin Quelle' })
    await createMember(setup.database.db, { name: 'Quentin Quelle' })
    const byName = await agent.get('/mentions?q=quel', htmx)
    expect(byName.body).toContain('data-handle="Quentin_Quelle"')
    expect(byName.body).toContain('data-handle="Quentin_Quelle_2"')
    const byHandle = await agent.get(`/mentions?q=${encodeURIComponent('Quentin_Quelle_2')}`, htmx)
    expect(byHandle.body).toContain('data-handle="Quentin_Quelle_2"')
    expect(byHandle.body).not.toContain('data-handle="Quentin_Quelle"')
    const page = await agent.get('/mentions?q=Quentin')
    expect(page.body).toContain('<code>@Quentin_Quelle_2</code>')
  })
})
