// Closed groups and the one visibility rule: a group's threads, Themenräume and their names
// appear for its members and nowhere for anyone else — pages, lists, home, search, similar
// threads, tags, organisation pages, profiles, notifications, mentions, digests and counts.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import { digestThreads } from '../../src/features/digests/digests.repository.ts'
import * as groups from '../../src/features/groups/groups.service.ts'
import { createThread, reply, signedInMember } from '../discussions/helpers.ts'
import type { Agent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { addToGroup, createGroupWithRoom, handleOf } from './helpers.ts'

let database: TestDatabase
let app: FastifyInstance
let admin: CurrentMember
let insider: { current: CurrentMember; agent: Agent; handle: string }
let outsider: { current: CurrentMember; agent: Agent; handle: string; organisationId: number }
let group: Awaited<ReturnType<typeof createGroupWithRoom>>
let threadId: number
const marker = 'GRUPPENGEHEIMNIS'
const title = `Gemeinsame Beschaffung ${marker}`

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  const db = database.db
  const adminRow = await signedInMember(db, app, { role: 'admin' })
  admin = adminRow.current
  const a = await signedInMember(db, app, { name: 'Ina Insider' })
  const b = await signedInMember(db, app, { name: 'Otto Outsider' })
  insider = { current: a.current, agent: a.agent, handle: await handleOf(db, a.member.id) }
  outsider = {
    current: b.current,
    agent: b.agent,
    handle: await handleOf(db, b.member.id),
    organisationId: b.member.organisation_id,
  }
  // An on-request group: its name and description are known to every member, nothing inside.
  group = await createGroupWithRoom(db, admin, { name: 'Netzwerk Nord', room: `Raum ${marker}` })
  await addToGroup(db, admin, group.groupId, insider.current)
  ;({ threadId } = await createThread(db, insider.current, {
    title,
    category: group.slug,
    tags: `beschaffung${marker.toLowerCase()}`,
    body: `Vertraulich unter uns: ${marker} @${outsider.handle}`,
  }))
  await reply(db, insider.current, threadId, undefined, `Antwort ${marker}`)
}, 60_000)

afterAll(async () => {
  await app?.close()
  await database?.drop()
})

describe('a closed group’s thread', () => {
  it('is shown to the group’s members, with its Themenraum and the new-thread choice', async () => {
    const threadPage = (await insider.agent.get(`/t/${threadId}`)).body
    expect(threadPage).toContain(marker)
    // The thread names its group beside the Themenraum (issue 15).
    expect(threadPage).toMatch(
      /<a href="\/c\/[^"]+">Raum [^<]+<\/a> in der Arbeitsgruppe Netzwerk Nord<\/nav>/,
    )
    const room = await insider.agent.get(`/c/${group.slug}`)
    expect(room.body).toContain(title)
    expect(room.body).toContain('Geschlossener Themenraum')
    expect(room.body).toContain(`href="/groups/${group.groupId}"`)
    const home = await insider.agent.get('/')
    expect(home.body).toContain(`Raum ${marker}`)
    expect(home.body).toContain('Arbeitsgruppe Netzwerk Nord')
    expect((await insider.agent.get('/t/new')).body).toContain(`Netzwerk Nord / Raum ${marker}`)
    expect((await insider.agent.get('/account/digest')).body).toContain(`Netzwerk Nord / Raum ${marker}`)
    const page = await insider.agent.get(`/groups/${group.groupId}`)
    expect(page.body).toContain(`Raum ${marker}`)
    expect(page.body).toContain('Ina Insider')
  })

  it('is a missing page for a verified member outside the group', async () => {
    expect((await outsider.agent.get(`/t/${threadId}`)).statusCode).toBe(404)
    expect((await outsider.agent.get(`/c/${group.slug}`)).statusCode).toBe(404)
  })

  it('takes no thread from an outsider, even with the Themenraum’s id', async () => {
    const room = await database.db
      .selectFrom('categories')
      .select('id')
      .where('slug', '=', group.slug)
      .executeTakeFirstOrThrow()
    const response = await outsider.agent.submit('/t/new', '/t', {
      title: 'Ein Thema von außen',
      category: String(room.id),
      stage: 'idea',
      tags: '',
      body: 'Hinein in die Gruppe?',
      formKey: '',
    })
    expect(response.statusCode).toBe(422)
    // The one error is the Themenraum's: to an outsider the group's room does not exist.
    expect(response.body).toContain('Diesen Themenraum gibt es nicht (mehr).')
    expect(response.body).toContain('Bitte korrigieren Sie eine Angabe')
    expect(response.body).not.toContain(`Raum ${marker}`)
    const written = await database.db
      .selectFrom('threads')
      .select('id')
      .where('title', '=', 'Ein Thema von außen')
      .execute()
    expect(written).toEqual([])
  })

  it('appears in no list, search, tag, organisation or profile page for an outsider', async () => {
    const urls = [
      '/',
      '/t/new',
      `/search?q=${encodeURIComponent('Beschaffung')}`,
      // (a search for the marker itself would echo it)
      '/search?q=Vertraulich',
      `/tags/beschaffung${marker.toLowerCase()}`,
      `/m/${insider.current.id}`,
      `/o/${insider.current.organisationId}`,
      '/notifications',
      '/account/digest',
      `/groups/${group.groupId}`,
    ]
    for (const url of urls) {
      const response = await outsider.agent.get(url)
      expect(response.statusCode, url).toBeLessThan(500)
      expect(response.body, url).not.toContain(marker)
    }
  })

  it('mentioning an outsider neither notifies nor reveals the thread', async () => {
    const rows = await database.db
      .selectFrom('notifications')
      .select('id')
      .where('member_id', '=', outsider.current.id)
      .execute()
    expect(rows).toEqual([])
    // The insider is told of replies as usual: the rule lets members through.
    const other = await signedInMember(database.db, app)
    await addToGroup(database.db, admin, group.groupId, other.current)
    await reply(database.db, other.current, threadId, undefined, `Hallo @${insider.handle}`)
    const mine = await database.db
      .selectFrom('notifications')
      .select('kind')
      .where('member_id', '=', insider.current.id)
      .execute()
    expect(mine.map((n) => n.kind)).toContain('mention')
  })

  it('digests carry it, with the group named, only for members', async () => {
    const forInsider = await digestThreads(database.db, insider.current.id, [threadId])
    expect(forInsider.map((t) => t.id)).toEqual([threadId])
    expect(forInsider[0]?.groupName).toBe(group.name)
    expect(await digestThreads(database.db, outsider.current.id, [threadId])).toEqual([])
  })

  it('leaving the group hides it at once, with the notifications about it', async () => {
    const leaver = await signedInMember(database.db, app)
    await addToGroup(database.db, admin, group.groupId, leaver.current)
    await reply(database.db, insider.current, threadId, undefined, 'Noch eine Antwort.')
    await database.db
      .insertInto('follows')
      .values({ member_id: leaver.current.id, thread_id: threadId })
      .execute()
    expect((await leaver.agent.get(`/t/${threadId}`)).statusCode).toBe(200)
    await groups.leave(database.db, leaver.current, group.groupId)
    expect((await leaver.agent.get(`/t/${threadId}`)).statusCode).toBe(404)
    expect(await digestThreads(database.db, leaver.current.id, [threadId])).toEqual([])
    const follows = await database.db
      .selectFrom('follows')
      .select('thread_id')
      .where('member_id', '=', leaver.current.id)
      .execute()
    expect(follows).toEqual([])
  })
})

describe('invitation-only groups', () => {
  it('are unknown to everyone but their members and invitees', async () => {
    const hidden = await createGroupWithRoom(database.db, admin, {
      name: `Verdeckt ${marker}`,
      joinMode: 'invitation',
    })
    expect((await outsider.agent.get('/groups')).body).not.toContain(`Verdeckt ${marker}`)
    expect((await outsider.agent.get(`/groups/${hidden.groupId}`)).statusCode).toBe(404)
    await groups.invite(database.db, admin, hidden.groupId, outsider.handle)
    const list = await outsider.agent.get('/groups')
    expect(list.body).toContain(`Verdeckt ${marker}`)
    expect((await outsider.agent.get(`/groups/${hidden.groupId}`)).body).not.toContain(`Raum`)
  })
})
