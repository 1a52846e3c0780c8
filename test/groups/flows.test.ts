// Closed groups through their forms, without JavaScript: creating (site admins only), joining in
// each mode, requests and invitations, managing members and Themenräume, leaving; errors named
// in one round with everything typed kept; audited; no input is ever a 500.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import { signedInMember } from '../discussions/helpers.ts'
import type { Agent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createGroupWithRoom, handleOf } from './helpers.ts'

let database: TestDatabase
let app: FastifyInstance
let admin: { current: CurrentMember; agent: Agent }
let member: { current: CurrentMember; agent: Agent }

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  admin = await signedInMember(database.db, app, { role: 'admin' })
  member = await signedInMember(database.db, app)
}, 60_000)

afterAll(async () => {
  await app?.close()
  await database?.drop()
})

async function audited(action: string, subjectId?: number): Promise<number> {
  let query = database.db.selectFrom('audit_events').select('id').where('action', '=', action)
  if (subjectId !== undefined) query = query.where('subject_id', '=', subjectId)
  return (await query.execute()).length
}

const location = (response: { headers: Record<string, unknown> }) => String(response.headers.location)

describe('creating a group', () => {
  it('is for site admins only', async () => {
    expect((await member.agent.get('/groups/new')).statusCode).toBe(403)
    const token = await member.agent.csrf('/groups')
    const response = await member.agent.post('/groups', { _csrf: token, name: 'X', joinMode: 'open' })
    expect(response.statusCode).toBe(403)
  })

  it('names every problem at once and keeps what was typed', async () => {
    const response = await admin.agent.submit('/groups/new', '/groups', {
      name: '',
      description: 'Wir treffen uns monatlich.',
      joinMode: 'sometimes',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Name der Gruppe: Bitte füllen Sie dieses Feld aus.')
    expect(response.body).toContain('Beitritt: ')
    expect(response.body).toContain('Wir treffen uns monatlich.')
  })

  it('creates the group with its creator as group admin, audited; a second with the name is refused', async () => {
    const response = await admin.agent.submit('/groups/new', '/groups', {
      name: 'Kreise Brandenburg',
      description: 'Die Landkreise untereinander.',
      joinMode: 'request',
    })
    expect(response.statusCode).toBe(303)
    const page = await admin.agent.get(location(response))
    expect(page.body).toContain('Kreise Brandenburg')
    expect(page.body).toContain('Sie leiten diese Gruppe mit.')
    expect(await audited('group.created')).toBeGreaterThan(0)
    const again = await admin.agent.submit('/groups/new', '/groups', {
      name: 'kreise  brandenburg',
      joinMode: 'open',
    })
    expect(again.statusCode).toBe(422)
    expect(again.body).toContain('Eine Gruppe mit diesem Namen gibt es schon.')
  })
})

describe('joining', () => {
  it('an open group: one click, and its Themenraum is there', async () => {
    const group = await createGroupWithRoom(database.db, admin.current, {
      joinMode: 'open',
      room: 'Offener Raum',
    })
    const before = await member.agent.get(`/groups/${group.groupId}`)
    expect(before.body).not.toContain('Offener Raum')
    const response = await member.agent.submit(`/groups/${group.groupId}`, `/groups/${group.groupId}/join`, {
      message: '',
    })
    expect(response.statusCode).toBe(303)
    const after = await member.agent.get(`/groups/${group.groupId}`)
    expect(after.body).toContain('Sie sind Mitglied.')
    expect(after.body).toContain('Offener Raum')
    expect((await member.agent.get(`/c/${group.slug}`)).statusCode).toBe(200)
  })

  it('on request: the admins see the message and decide; declined is audited, accepted lets in', async () => {
    const group = await createGroupWithRoom(database.db, admin.current, {
      joinMode: 'request',
      room: 'Anfrageraum',
    })
    const asker = await signedInMember(database.db, app, { name: 'Anna Anfrage' })
    const url = `/groups/${group.groupId}`
    await asker.agent.submit(url, `${url}/join`, { message: 'Ich leite das OZG-Team.' })
    expect((await asker.agent.get(url)).body).toContain('Ihre Anfrage wartet auf eine Entscheidung.')
    expect((await asker.agent.get(`/c/${group.slug}`)).statusCode).toBe(404)
    expect((await admin.agent.get('/groups')).body).toContain('1 offene Beitrittsanfrage')
    expect((await asker.agent.get('/groups')).body).not.toContain('offene Beitrittsanfrage')
    const manage = await admin.agent.get(`${url}/manage`)
    expect(manage.body).toContain('Anna Anfrage')
    expect(manage.body).toContain('Ich leite das OZG-Team.')

    await admin.agent.submit(`${url}/manage`, `${url}/requests/${asker.current.id}`, { decision: 'decline' })
    expect(await audited('group.request_declined', asker.current.id)).toBe(1)
    expect((await asker.agent.get(url)).body).toContain('Beitritt anfragen')

    await asker.agent.submit(url, `${url}/join`, { message: '' })
    await admin.agent.submit(`${url}/manage`, `${url}/requests/${asker.current.id}`, { decision: 'approve' })
    expect(await audited('group.member_added', asker.current.id)).toBe(1)
    expect((await asker.agent.get(`/c/${group.slug}`)).statusCode).toBe(200)
  })

  it('by invitation: only the invited may join; an unknown handle is named at the field, typed kept', async () => {
    const group = await createGroupWithRoom(database.db, admin.current, { joinMode: 'invitation' })
    const url = `/groups/${group.groupId}`
    const guest = await signedInMember(database.db, app)
    expect((await guest.agent.get(url)).statusCode).toBe(404)
    const token = await guest.agent.csrf('/groups')
    expect((await guest.agent.post(`${url}/join`, { _csrf: token, message: '' })).statusCode).toBe(404)

    const wrong = await admin.agent.submit(`${url}/manage`, `${url}/invite`, { handle: 'niemand.hier' })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain(
      'Kürzel des Mitglieds: Unter diesem Kürzel gibt es kein freigeschaltetes Mitglied.',
    )
    expect(wrong.body).toContain('value="niemand.hier"')

    const handle = await handleOf(database.db, guest.current.id)
    expect(
      (await admin.agent.submit(`${url}/manage`, `${url}/invite`, { handle: `@${handle}` })).statusCode,
    ).toBe(303)
    expect(await audited('group.invited', guest.current.id)).toBe(1)
    expect((await guest.agent.get(url)).body).toContain('Einladung annehmen')
    await guest.agent.submit(url, `${url}/join`, { message: '' })
    expect((await guest.agent.get(url)).body).toContain('Sie sind Mitglied.')
  })
})

describe('managing and leaving', () => {
  it('only group admins and site admins manage', async () => {
    const group = await createGroupWithRoom(database.db, admin.current, { joinMode: 'open' })
    const other = await signedInMember(database.db, app)
    const url = `/groups/${group.groupId}`
    await other.agent.submit(url, `${url}/join`, { message: '' })
    expect((await other.agent.get(`${url}/manage`)).statusCode).toBe(403)
    const token = await other.agent.csrf(url)
    const post = await other.agent.post(`${url}/categories`, { _csrf: token, categoryName: 'Fremd' })
    expect(post.statusCode).toBe(403)
  })

  it('a new Themenraum needs a name; the last admin cannot leave or step down; promote, remove', async () => {
    const group = await createGroupWithRoom(database.db, admin.current, { joinMode: 'open' })
    const url = `/groups/${group.groupId}`
    const empty = await admin.agent.submit(`${url}/manage`, `${url}/categories`, {
      categoryName: '',
      categoryDescription: 'Für Ausschreibungen',
    })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('Name des Themenraums: Bitte füllen Sie dieses Feld aus.')
    expect(empty.body).toContain('Für Ausschreibungen')
    await admin.agent.submit(`${url}/manage`, `${url}/categories`, { categoryName: 'Vergabe & Recht' })
    expect((await admin.agent.get(url)).body).toContain('Vergabe &amp; Recht')

    await admin.agent.submit(url, `${url}/leave`, {})
    expect((await admin.agent.get(url)).body).toContain('Die Gruppe braucht mindestens eine Leitung.')
    await admin.agent.submit(`${url}/manage`, `${url}/members/${admin.current.id}`, { action: 'demote' })
    expect((await admin.agent.get(url)).body).toContain('Sie leiten diese Gruppe mit.')

    const second = await signedInMember(database.db, app)
    await second.agent.submit(url, `${url}/join`, { message: '' })
    await admin.agent.submit(`${url}/manage`, `${url}/members/${second.current.id}`, { action: 'promote' })
    expect((await second.agent.get(`${url}/manage`)).statusCode).toBe(200)
    await second.agent.submit(`${url}/manage`, `${url}/members/${admin.current.id}`, { action: 'remove' })
    expect(await audited('group.member_removed', admin.current.id)).toBe(1)
    // A site admin outside the group still manages it, but no longer sees its Themenräume.
    expect((await admin.agent.get(`${url}/manage`)).statusCode).toBe(200)
    expect((await admin.agent.get(`/c/${group.slug}`)).statusCode).toBe(404)
  })
})

describe('no input is a 500', () => {
  it('NUL bytes, huge ids, 1 MB fields, bad choices', async () => {
    const group = await createGroupWithRoom(database.db, admin.current, { joinMode: 'open' })
    const url = `/groups/${group.groupId}`
    const token = await admin.agent.csrf(`${url}/manage`)
    const huge = 'x'.repeat(1_000_000)
    const attempts: [string, Record<string, string>][] = [
      ['/groups', { name: 'a\u0000b', joinMode: 'open', description: huge }],
      ['/groups', { name: huge, joinMode: '\u0000' }],
      [`${url}/invite`, { handle: '\u0000\uFFFF' }],
      [`${url}/categories`, { categoryName: huge }],
      [`${url}/settings`, { name: '\u0000', joinMode: 'open' }],
      [`${url}/requests/2147483647`, { decision: 'approve' }],
      [`${url}/members/2147483647`, { action: 'remove' }],
      [`${url}/members/99999999999999999999`, { action: 'x' }],
      ['/groups/2147483648/join', { message: huge }],
      [`${url}/join`, { message: huge }],
    ]
    for (const [action, form] of attempts) {
      const response = await admin.agent.post(action, { _csrf: token, ...form })
      expect(response.statusCode, action).toBeLessThan(500)
    }
    for (const path of ['/groups/0', '/groups/abc', '/groups/99999999999/manage', '/groups/%00']) {
      expect((await admin.agent.get(path)).statusCode, path).toBeLessThan(500)
    }
  })
})
