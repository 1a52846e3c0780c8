// Guests and the retention periods (DSGVO Art. 5 (1) e): a guest whose access ended is erased
// RETENTION_REJECTED_DAYS later, with their guest rows (name, address, organisation, reason);
// their posts stay under "Ehemaliges Mitglied". A guest with a current access, and the thread,
// stay. Proposals that never became an access go the same time after their last date.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import { formerMemberName } from '../../src/features/accounts/account-deletion.ts'
import { applyRetention } from '../../src/features/accounts/retention.ts'
import { createThread, signedInMember } from '../discussions/helpers.ts'
import type { Agent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { decide, guestValues, invitedGuest, proposalId, propose } from './helpers.ts'

let database: TestDatabase
let app: FastifyInstance
let author: { current: CurrentMember; agent: Agent }
let moderator: { current: CurrentMember; agent: Agent }
const day = 86_400_000
const periods = { unconfirmedDays: 30, rejectedDays: 180, mailDays: 30 }

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  author = await signedInMember(database.db, app)
  moderator = await signedInMember(database.db, app, { role: 'moderator' })
}, 60_000)

afterAll(async () => {
  await app?.close()
  await database?.drop()
})

const guestRows = (memberId: number) =>
  database.db.selectFrom('thread_guests').select('id').where('member_id', '=', memberId).execute()
const statusOf = async (memberId: number) =>
  await database.db
    .selectFrom('members')
    .select(['status', 'name', 'email'])
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow()

it('erases a guest whose access ended, keeps their post and a guest whose access holds', async () => {
  const { threadId } = await createThread(database.db, author.current, { title: 'Thema mit zwei Gästen' })
  const ending = await invitedGuest(app, database, author.agent, moderator.agent, threadId)
  const staying = await invitedGuest(app, database, author.agent, moderator.agent, threadId)
  const token = await ending.agent.csrf(`/t/${threadId}`)
  const posted = await ending.agent.post(`/t/${threadId}/posts`, {
    _csrf: token,
    body: 'Beitrag eines Gastes RETENTIONZ4',
    parent: '',
    formKey: '',
  })
  expect(posted.statusCode).toBe(303)
  // The author ends the first guest's access (the form sets its end to now).
  const [row] = await guestRows(ending.memberId)
  const ended = await author.agent.submit(`/t/${threadId}/guests`, `/t/${threadId}/guests/${row!.id}/end`, {})
  expect(ended.statusCode).toBe(303)

  const now = Date.now()
  let result = await applyRetention(database.db, periods, new Date(now + 10 * day))
  expect(result.guests).toBe(0)
  expect((await statusOf(ending.memberId)).status).toBe('guest')

  result = await applyRetention(database.db, periods, new Date(now + 181 * day))
  expect(result.guests).toBe(1)
  const erased = await statusOf(ending.memberId)
  expect(erased.status).toBe('deleted')
  expect(erased.email).not.toBe(ending.values.email)
  expect(await guestRows(ending.memberId)).toEqual([])
  const post = await sql<{ body: string; name: string }>`
    select p.body_source as body, m.name from posts p join members m on m.id = p.author_id
    where p.author_id = ${ending.memberId}`.execute(database.db)
  expect(post.rows).toEqual([{ body: 'Beitrag eines Gastes RETENTIONZ4', name: formerMemberName }])
  const names = await sql<{ n: number }>`
    select count(*)::int as n from thread_guests where email = ${ending.values.email}
      or name = ${ending.values.name}`.execute(database.db)
  expect(names.rows[0]!.n).toBe(0)

  // The second guest's access ran out after 90 days, 91 days before that run: less than the period.
  expect((await statusOf(staying.memberId)).status).toBe('guest')
}, 60_000)

it('removes a declined proposal after the period, not before', async () => {
  const { threadId } = await createThread(database.db, author.current, { title: 'Thema mit Vorschlag' })
  const values = guestValues()
  expect((await propose(author.agent, threadId, values)).statusCode).toBe(303)
  const id = await proposalId(database, values.email)
  await decide(moderator.agent, id, 'decline')
  const left = () => database.db.selectFrom('thread_guests').select('id').where('id', '=', id).execute()
  await applyRetention(database.db, periods, new Date(Date.now() + 10 * day))
  expect(await left()).toHaveLength(1)
  await applyRetention(database.db, periods, new Date(Date.now() + 181 * day))
  expect(await left()).toEqual([])
})
