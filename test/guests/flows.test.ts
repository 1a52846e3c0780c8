// Guests in a single thread, through the forms without JavaScript: proposal (each refusal, all
// errors at once), the moderators' decision (audited), the invitation mail (real queue, no title,
// no text), accepting with a password, signing in onto the thread, reading and replying there,
// the banner and the "Gast" mark, every other page answering as for a non-member, expiry and
// renewal by the thread's author; a guest appears in no list of people.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import { dueMembersBatch } from '../../src/features/digests/digests.repository.ts'
import { attachFileToPost, postMultipart } from '../attachments/helpers.ts'
import { createThread, reply, signedInMember } from '../discussions/helpers.ts'
import { createGroupWithRoom } from '../groups/helpers.ts'
import type { Agent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { sendQueuedMail } from '../helpers/mail.ts'
import { decide, guestValues, invitedGuest, proposalId, propose } from './helpers.ts'

let database: TestDatabase
let app: FastifyInstance
let author: { current: CurrentMember; agent: Agent }
let other: { current: CurrentMember; agent: Agent; member: { name: string; id: number } }
let moderator: { current: CurrentMember; agent: Agent }
let admin: { current: CurrentMember; agent: Agent }
let threadId: number
let otherThreadId: number
let guest: Awaited<ReturnType<typeof invitedGuest>>

const location = (response: { headers: Record<string, unknown> }) => String(response.headers.location)
const otherTitle = 'Geheimes Nachbarthema OTHERZ1'

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  author = await signedInMember(database.db, app)
  other = await signedInMember(database.db, app, { name: 'Bernd Nachbar' })
  moderator = await signedInMember(database.db, app, { role: 'moderator' })
  admin = await signedInMember(database.db, app, { role: 'admin' })
  threadId = (await createThread(database.db, author.current, { title: 'Registermodernisierung mit Gästen' }))
    .threadId
  otherThreadId = (
    await createThread(database.db, other.current, { title: otherTitle, body: 'Text OTHERZ1' })
  ).threadId
}, 60_000)

afterAll(async () => {
  await app?.close()
  await database?.drop()
})

async function audited(action: string): Promise<{ details: unknown }[]> {
  return database.db.selectFrom('audit_events').select('details').where('action', '=', action).execute()
}

describe('proposing a guest', () => {
  it('names every problem at once and keeps what was typed', async () => {
    const response = await propose(author.agent, threadId, {
      email: 'kein-at',
      name: '',
      organisation: 'Universität Münster',
      reason: '',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('E-Mail-Adresse des Gastes')
    expect(response.body).toContain('Name (so wie er im Thema erscheint)')
    expect(response.body).toContain('Warum soll die Person dabei sein?')
    expect(response.body).toContain('value="Universität Münster"')
  })

  it('refuses the address of an existing member, with a message on the field', async () => {
    const memberEmail = (
      await database.db
        .selectFrom('members')
        .select('email')
        .where('id', '=', other.current.id)
        .executeTakeFirstOrThrow()
    ).email
    const response = await propose(author.agent, threadId, guestValues({ email: memberEmail }))
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Zu dieser Adresse gibt es ein Konto im Vertrauensraum.')
  })

  it('refuses confidential threads, group threads and locked threads', async () => {
    const confidential = await createThread(database.db, author.current, { confidential: true })
    const page = await author.agent.get(`/t/${confidential.threadId}/guests`)
    expect(page.body).toContain('Vertrauliche Themen können keine Gäste haben.')
    const refused = await propose(author.agent, confidential.threadId, guestValues())
    expect(refused.statusCode).toBe(409)

    const group = await createGroupWithRoom(database.db, admin.current, { joinMode: 'open' })
    const inGroup = await createThread(database.db, admin.current, { category: group.slug })
    const groupRefused = await admin.agent.submit(
      `/t/${inGroup.threadId}/guests`,
      `/t/${inGroup.threadId}/guests`,
      guestValues(),
    )
    expect(groupRefused.statusCode).toBe(409)
    expect(groupRefused.body).toContain('Themen einer Arbeitsgruppe können keine Gäste haben.')

    const locked = await createThread(database.db, author.current)
    await database.db.updateTable('threads').set({ locked: true }).where('id', '=', locked.threadId).execute()
    const lockedRefused = await propose(author.agent, locked.threadId, guestValues())
    expect(lockedRefused.statusCode).toBe(409)
    expect(lockedRefused.body).toContain('Das Thema ist geschlossen')
  })

  it('is rate-limited: the eleventh proposal within an hour is refused', async () => {
    const proposer = await signedInMember(database.db, app)
    const { threadId: own } = await createThread(database.db, proposer.current)
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await propose(proposer.agent, own, guestValues())).statusCode)
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(303))
    expect(statuses[10]).toBe(429)
  })

  it('a thread the member cannot see is a 404', async () => {
    const response = await author.agent.get('/t/99999999/guests')
    expect(response.statusCode).toBe(404)
  })
})

describe('moderators decide', () => {
  it('a declined proposal sends no mail and is audited', async () => {
    const values = guestValues({ name: 'Dr. Abgelehnt' })
    const badge = async () =>
      Number(
        /href="\/moderation">[^<]*<span class="count" aria-hidden="true">(\d+)/.exec(
          (await moderator.agent.get('/moderation/guests')).body,
        )?.[1] ?? 0,
      )
    const before = await badge()
    expect((await propose(author.agent, threadId, values)).statusCode).toBe(303)
    const id = await proposalId(database, values.email)
    expect(await badge()).toBe(before + 1)
    const list = await moderator.agent.get('/moderation/guests')
    expect(list.body).toContain('Dr. Abgelehnt')
    expect((await author.agent.get('/moderation/guests')).statusCode).toBe(403)
    expect((await decide(moderator.agent, id, 'decline')).statusCode).toBe(303)
    const mails = await sendQueuedMail(database)
    expect(mails.filter((m) => m.to === values.email)).toHaveLength(0)
    const entries = await audited('guest.declined')
    expect(JSON.stringify(entries)).toContain('Dr. Abgelehnt')
    const audit = await admin.agent.get('/moderation/audit')
    expect(audit.body).toContain('hat den Vorschlag eines Gastes abgelehnt')
  })

  it('approval sends one invitation that names no thread and no text; accepting and signing in lands on the thread', async () => {
    guest = await invitedGuest(app, database, author.agent, moderator.agent, threadId)
    const text = `${guest.mail.subject} ${guest.mail.text} ${guest.mail.html}`
    expect(text).toContain('Sie wurden in ein Thema im Vertrauensraum eingeladen.')
    expect(text).not.toContain('Registermodernisierung')
    expect(text).not.toContain('Der erste Beitrag')
    expect(text).not.toContain(guest.values.reason)
    // The token is kept only as its hash.
    const row = await database.db
      .selectFrom('thread_guests')
      .selectAll()
      .where('id', '=', guest.guestId)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('active')
    expect(row.token_hash).toBeNull()
    expect((await audited('guest.approved')).length).toBeGreaterThan(0)
    expect((await audited('guest.accepted')).length).toBeGreaterThan(0)
    // The link is used up; the mail went out once.
    expect((await guest.agent.get(guest.link)).statusCode).toBe(404)
    expect((await sendQueuedMail(database)).filter((m) => m.to === guest.values.email)).toHaveLength(0)
    // Signing in: / → /status → /guest → the thread.
    let at = location(guest.signedIn)
    for (let i = 0; i < 4 && !at.startsWith('/t/'); i++) at = location(await guest.agent.get(at))
    expect(at).toBe(`/t/${threadId}`)
  })

  it('a second decision on the same proposal changes nothing', async () => {
    const response = await decide(moderator.agent, guest.guestId, 'decline')
    expect(response.statusCode).toBe(303)
    const page = await moderator.agent.get(location(response))
    expect(page.body).toContain('Über diesen Vorschlag ist schon entschieden.')
  })
})

describe('the guest in their thread', () => {
  it('reads the thread with the banner, and replies; the reply carries the Gast mark for members', async () => {
    const page = await guest.agent.get(`/t/${threadId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Gäste in diesem Thema:')
    expect(page.body).toContain(guest.values.name)
    expect(page.body).toContain('Universität Münster')
    // Member pages are not offered to a guest: no report links, no follow button.
    expect(page.body).not.toMatch(/href="\/p\/\d+\/report"/)
    expect(page.body).not.toContain(`/t/${threadId}/follow`)
    const token = await guest.agent.csrf(`/t/${threadId}`)
    const posted = await guest.agent.post(`/t/${threadId}/posts`, {
      _csrf: token,
      body: 'Ein Gruß aus der Wissenschaft GASTBEITRAG',
      parent: '',
      formKey: '',
    })
    expect(posted.statusCode).toBe(303)
    const seen = await other.agent.get(`/t/${threadId}`)
    expect(seen.body).toContain('GASTBEITRAG')
    expect(seen.body).toContain('Gäste in diesem Thema:')
    expect(seen.body).toMatch(/<strong class="guest-mark">Gast<\/strong>/)
    // The guest's name is not linked to a profile, and the profile is a 404.
    expect(seen.body).not.toContain(`href="/m/${guest.memberId}"`)
    expect((await other.agent.get(`/m/${guest.memberId}`)).statusCode).toBe(404)
  })

  it("edits their own reply, and no one else's", async () => {
    const own = await database.db
      .selectFrom('posts')
      .select(['id', 'version'])
      .where('author_id', '=', guest.memberId)
      .executeTakeFirstOrThrow()
    const edited = await guest.agent.submit(`/p/${own.id}/edit`, `/p/${own.id}/edit`, {
      body: 'Ein Gruß aus der Wissenschaft GASTBEITRAG, ergänzt',
      version: String(own.version),
    })
    expect(edited.statusCode).toBe(303)
    expect((await other.agent.get(`/t/${threadId}`)).body).toContain('GASTBEITRAG, ergänzt')
    const opening = await database.db
      .selectFrom('threads')
      .select('opening_post_id')
      .where('id', '=', threadId)
      .executeTakeFirstOrThrow()
    const foreign = await guest.agent.get(`/p/${opening.opening_post_id}/edit`)
    expect(foreign.statusCode).toBeGreaterThanOrEqual(400)
    expect(foreign.statusCode).toBeLessThan(500)
  })

  it('finds the helpful button and the permalink working', async () => {
    const opening = await database.db
      .selectFrom('threads')
      .select('opening_post_id')
      .where('id', '=', threadId)
      .executeTakeFirstOrThrow()
    const token = await guest.agent.csrf(`/t/${threadId}`)
    const helped = await guest.agent.post(`/p/${opening.opening_post_id}/helpful`, { _csrf: token })
    expect(helped.statusCode).toBe(303)
    const permalink = await guest.agent.get(`/p/${opening.opening_post_id}`)
    expect(permalink.statusCode).toBe(303)
  })

  it('every other page answers as for a non-member', async () => {
    const otherPost = await reply(database.db, other.current, otherThreadId, undefined, 'Antwort OTHERZ1')
    const urls = [
      '/',
      `/t/${otherThreadId}`,
      `/p/${otherPost}`,
      '/c/ki',
      '/search?q=OTHERZ1',
      '/members',
      `/m/${other.current.id}`,
      '/messages',
      '/groups',
      '/notifications',
      '/mentions?q=Bern',
      '/account',
      `/t/${threadId}/guests`,
      '/moderation/guests',
      `/o/${other.current.organisationId}`,
    ]
    for (const url of urls) {
      const response = await guest.agent.get(url)
      expect([303, 404], url).toContain(response.statusCode)
      expect(response.body, url).not.toContain('OTHERZ1')
      expect(response.body, url).not.toContain('Bernd Nachbar')
      if (response.statusCode === 303) expect(location(response), url).toMatch(/^\/(status|guest)/)
    }
    // Writing elsewhere is refused like a missing thread: replying, reacting, editing.
    const token = await guest.agent.csrf(`/t/${threadId}`)
    const writes = [
      [`/t/${otherThreadId}/posts`, { body: 'Versuch OTHERZ1', parent: '', formKey: '' }],
      [`/p/${otherPost}/helpful`, {}],
      ['/p/helpful', { [otherPost]: '' }],
      [`/p/${otherPost}/edit`, { body: 'x', version: '1' }],
      [`/p/${otherPost}/delete`, {}],
    ] as const
    for (const [url, form] of writes) {
      const response = await guest.agent.post(url, { _csrf: token, ...form })
      expect(response.statusCode, url).toBe(404)
    }
    const start = await guest.agent.get('/guest')
    expect(location(start)).toBe(`/t/${threadId}`)
  })

  it("reads the files of their thread's posts, and gets the 404 of a missing file for any other", async () => {
    const posts = await database.db
      .selectFrom('threads')
      .select(['id', 'opening_post_id as postId', 'author_id as authorId'])
      .where('id', 'in', [threadId, otherThreadId])
      .execute()
    const fileOf = async (id: number) => {
      const post = posts.find((p) => p.id === id)!
      return attachFileToPost(
        database.db,
        { id: post.postId!, authorId: post.authorId },
        {
          name: `Notiz ${id}.txt`,
          content: Buffer.from(`Inhalt ${id}\n`),
          mediaType: 'text/plain',
        },
      )
    }
    const own = await fileOf(threadId)
    const foreign = await fileOf(otherThreadId)
    expect((await guest.agent.get(`/files/${own}`)).statusCode).toBe(200)
    const refused = await guest.agent.get(`/files/${foreign}`)
    expect(refused.statusCode).toBe(404)
    const page = (body: string) => body.replace(/name="csrf-token" content="[^"]+"/, '')
    expect(page(refused.body)).toBe(page((await guest.agent.get('/files/2147483647')).body))
  })

  it('sends a file with JavaScript as members do (POST /files), and it is theirs', async () => {
    const token = await guest.agent.csrf(`/t/${threadId}`)
    const response = await postMultipart(
      app,
      guest.agent,
      '/files',
      [['_csrf', token], { filename: 'notiz.txt', type: 'text/plain', content: Buffer.from('Notiz\n') }],
      { 'hx-request': 'true' },
    )
    expect(response.statusCode).toBe(200)
    const pending = await database.db
      .selectFrom('attachments')
      .select('id')
      .where('uploader_id', '=', guest.memberId)
      .where('post_id', 'is', null)
      .execute()
    expect(pending).toHaveLength(1)
  })

  it('gets no digest: the digest run leaves guests out', async () => {
    const due = await dueMembersBatch(database.db, { afterId: 0, limit: 10_000, daily: 'd-x', weekly: 'w-x' })
    expect(due.map((m) => m.id)).toContain(other.current.id)
    expect(due.map((m) => m.id)).not.toContain(guest.memberId)
  })

  it('is in no list of people: not in the directory, not in mention suggestions', async () => {
    const directory = await other.agent.get(`/members?q=${encodeURIComponent('Forscherin')}`)
    expect(directory.body).not.toContain(guest.values.name)
    const mentions = await other.agent.get(`/mentions?q=${encodeURIComponent('Prof')}`)
    expect(mentions.body).not.toContain(guest.values.name)
  })
})

describe('a thread that can no longer have guests', () => {
  it('closes to its guest at once when it becomes confidential or moves into a group', async () => {
    const { threadId: own } = await createThread(database.db, author.current, { title: 'Bald vertraulich' })
    const visitor = await invitedGuest(app, database, author.agent, moderator.agent, own)
    expect((await visitor.agent.get(`/t/${own}`)).statusCode).toBe(200)
    await database.db.updateTable('threads').set({ confidential: true }).where('id', '=', own).execute()
    expect((await visitor.agent.get(`/t/${own}`)).statusCode).toBe(404)
    await database.db.updateTable('threads').set({ confidential: false }).where('id', '=', own).execute()
    expect((await visitor.agent.get(`/t/${own}`)).statusCode).toBe(200)
    const group = await createGroupWithRoom(database.db, admin.current, { joinMode: 'open' })
    const room = await database.db
      .selectFrom('categories')
      .select('id')
      .where('slug', '=', group.slug)
      .executeTakeFirstOrThrow()
    await database.db.updateTable('threads').set({ category_id: room.id }).where('id', '=', own).execute()
    const moved = await visitor.agent.get(`/t/${own}`)
    expect(moved.statusCode).toBe(404)
    expect(moved.body).not.toContain('Bald vertraulich')
  })
})

describe('bad input', () => {
  it('is never a 500', async () => {
    const token = await moderator.agent.csrf('/moderation/guests')
    const tries: [string, Record<string, string>][] = [
      ['/moderation/guests/abc', { decision: 'approve' }],
      ['/moderation/guests/99999999', { decision: 'approve' }],
      ['/moderation/guests/1', { decision: 'maybe' }],
      [
        `/t/${threadId}/guests`,
        { email: 'x'.repeat(300), name: 'y'.repeat(500), organisation: '', reason: '' },
      ],
      [`/t/${threadId}/guests/abc/renew`, {}],
      [`/t/${threadId}/guests/99999999/end`, {}],
      ['/guest/accept/not-a-token', { password: 'kurz' }],
      [`/guest/accept/${'A'.repeat(43)}`, { password: 'ein-langes-Passwort-ohne-Einladung' }],
      ['/guest/accept/%00', { password: 'x' }],
    ]
    for (const [url, form] of tries) {
      const response = await moderator.agent.post(url, { _csrf: token, ...form })
      expect(response.statusCode, url).toBeLessThan(500)
    }
  })
})

describe('expiry and renewal', () => {
  it('an expired guest sees the clear page and no thread; the author renews and it opens again', async () => {
    await database.db
      .updateTable('thread_guests')
      .set({ expires_at: sql`now() - interval '1 day'` })
      .where('id', '=', guest.guestId)
      .execute()
    expect((await guest.agent.get(`/t/${threadId}`)).statusCode).not.toBe(200)
    const home = await guest.agent.get('/guest')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('Ihr Gastzugang ist abgelaufen')
    expect(home.body).not.toContain('Registermodernisierung')
    // The banner no longer names the guest; the posts keep their mark.
    const seen = await other.agent.get(`/t/${threadId}`)
    expect(seen.body).not.toContain('Gäste in diesem Thema:')
    expect(seen.body).toContain('guest-mark')

    // Only the author (or a moderator) can renew.
    const refused = await other.agent.submit(
      `/t/${threadId}/guests`,
      `/t/${threadId}/guests/${guest.guestId}/renew`,
      {},
    )
    expect(refused.statusCode).toBe(404)
    const page = await author.agent.get(`/t/${threadId}/guests`)
    expect(page.body).toContain('abgelaufen am')
    const renewed = await author.agent.submit(
      `/t/${threadId}/guests`,
      `/t/${threadId}/guests/${guest.guestId}/renew`,
      {},
    )
    expect(renewed.statusCode).toBe(303)
    expect((await guest.agent.get(`/t/${threadId}`)).statusCode).toBe(200)
    expect((await audited('guest.renewed')).length).toBe(1)
  })

  it('the author ends the access: the thread is gone for the guest at once', async () => {
    const ended = await author.agent.submit(
      `/t/${threadId}/guests`,
      `/t/${threadId}/guests/${guest.guestId}/end`,
      {},
    )
    expect(ended.statusCode).toBe(303)
    expect((await guest.agent.get(`/t/${threadId}`)).statusCode).not.toBe(200)
    expect((await audited('guest.ended')).length).toBe(1)
  })

  it('an invitation link past its time is refused', async () => {
    const values = guestValues()
    await propose(author.agent, threadId, values)
    const id = await proposalId(database, values.email)
    await decide(moderator.agent, id, 'approve')
    const mail = (await sendQueuedMail(database)).find((m) => m.to === values.email)!
    await database.db
      .updateTable('thread_guests')
      .set({ expires_at: sql`now() - interval '1 minute'` })
      .where('id', '=', id)
      .execute()
    const link = String(mail.text).match(/http:\/\/forum\.test(\/guest\/accept\/\S+)/)![1]!
    expect((await author.agent.get(link)).statusCode).toBe(404)
  })
})
