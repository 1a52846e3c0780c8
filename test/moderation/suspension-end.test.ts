// A suspension whose end date has passed is lifted at the member's next request, as an
// audited transition; a request that has nothing to lift writes nothing.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { loadCurrentMember } from '../../src/core/members/current-member.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

const setup = useTestApp()

async function suspended(until: string) {
  const member = await createMember(setup.database.db, { status: 'suspended' })
  await setup.database.db
    .updateTable('members')
    .set({
      suspended_until: sql`${until}::date`,
      status_reason: 'Test',
      updated_at: sql`now() - interval '1 day'`,
    })
    .where('id', '=', member.id)
    .execute()
  return member
}

const auditOf = (id: number) =>
  setup.database.db
    .selectFrom('audit_events')
    .select(['action', 'actor_id', 'details'])
    .where('subject_id', '=', id)
    .execute()

const rowOf = (id: number) =>
  setup.database.db
    .selectFrom('members')
    .select(['status', 'status_reason', 'suspended_until', 'updated_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

describe('the end of a suspension', () => {
  it('is lifted at the next request and written to the audit log once, by the system', async () => {
    const member = await suspended('2020-01-01')
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, member.id)
    expect((await agent.get('/account')).statusCode).toBe(200)
    expect((await agent.get('/account')).statusCode).toBe(200)
    expect(await rowOf(member.id)).toMatchObject({
      status: 'verified',
      status_reason: null,
      suspended_until: null,
    })
    expect(await auditOf(member.id)).toEqual([
      { action: 'member.suspension_ended', actor_id: null, details: { until: '2020-01-01' } },
    ])
  })

  it('is lifted once when two requests notice it at the same time', async () => {
    const member = await suspended('2020-01-01')
    const results = await Promise.all([
      loadCurrentMember(setup.database.db, member.id),
      loadCurrentMember(setup.database.db, member.id),
      loadCurrentMember(setup.database.db, member.id),
    ])
    expect(results.map((result) => result?.status)).toEqual(['verified', 'verified', 'verified'])
    expect((await auditOf(member.id)).map((entry) => entry.action)).toEqual(['member.suspension_ended'])
  })

  it('writes nothing while the suspension lasts', async () => {
    const member = await suspended('2099-01-01')
    const before = await rowOf(member.id)
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, member.id)
    const response = await agent.get('/account')
    expect(response.statusCode).toBe(303)
    expect(await rowOf(member.id)).toEqual(before)
    expect(await auditOf(member.id)).toEqual([])
  })

  it('reads as a sentence in the audit log', async () => {
    const member = await createMember(setup.database.db, { status: 'suspended', name: 'Ende Sperre' })
    await setup.database.db
      .updateTable('members')
      .set({ suspended_until: sql`current_date - 1` })
      .where('id', '=', member.id)
      .execute()
    await loadCurrentMember(setup.database.db, member.id)
    const moderator = await createMember(setup.database.db, { role: 'moderator' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, moderator.id)
    const page = await agent.get(`/moderation/audit?member=${member.id}`)
    expect(page.body).toContain('Die Sperre von ')
    expect(page.body).toContain('<bdi>Ende Sperre</bdi></a> ist abgelaufen')
  })
})
