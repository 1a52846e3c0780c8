// Succession, end to end: the leaver names a successor's official address, the successor is
// invited by mail, registers, confirms and waits for review like anyone; once a moderator has
// approved, the completion job hands over the follows, the successor's profile says whom they
// succeeded and the leaver's account is closed, their posts still under their name.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { memoryTransport } from '../../src/core/mail/mail.transport.ts'
import { completeDueSuccessions } from '../../src/features/profiles/profiles.service.ts'
import { appJobs, mailTemplates } from '../../src/jobs.ts'
import { createAgent } from '../helpers/agent.ts'
import { testConfig, useTestApp } from '../helpers/app.ts'
import { createMember, createOfficialMember, signInAs } from '../helpers/factories.ts'
import { linkIn, sendQueuedMail } from '../helpers/mail.ts'
import { asCurrent, createThread, reply, signedIn } from './helpers.ts'

const context = useTestApp()

const strongPassword = 'Apfelbaum-Laterne-Fahrrad-7'

const flashOf = (html: string) => html.match(/class="flash"[^>]*>([^<]*)</)?.[1]

async function followedThreadIds(memberId: number): Promise<number[]> {
  const rows = await context.database.db
    .selectFrom('follows')
    .select('thread_id')
    .where('member_id', '=', memberId)
    .orderBy('thread_id')
    .execute()
  return rows.map((row) => row.thread_id)
}

describe('succession', () => {
  it('invites the successor, waits for review, then hands over the follows and closes the leaver', async () => {
    const { db } = context.database
    const {
      member: leaverRow,
      organisation,
      domain,
    } = await createOfficialMember(db, {
      name: 'Lotte Leaving',
      jobTitle: 'Digitalisierungsbeauftragte',
    })
    const leaver = createAgent(context.app)
    await signInAs(db, leaver, leaverRow.id)
    const other = asCurrent(await createMember(db, { name: 'Olaf Other' }))
    const followed = await createThread(db, other, { title: 'Ein gefolgtes Thema' })
    const confidential = await createThread(db, other, { title: 'Vertraulich', confidential: true })
    await reply(db, asCurrent(leaverRow), followed.threadId, 'Lottes Antwort bleibt stehen.')
    await reply(db, asCurrent(leaverRow), confidential.threadId)
    const own = await createThread(db, asCurrent(leaverRow), { title: 'Lottes eigenes Thema' })
    const leaverFollows = await followedThreadIds(leaverRow.id)
    expect(leaverFollows).toEqual(
      [followed.threadId, confidential.threadId, own.threadId].sort((a, b) => a - b),
    )

    // 1. The leaver names the successor.
    const form = await leaver.get(`/m/${leaverRow.id}/succession`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toMatch(/<label for="field-email"/)
    const successorEmail = `nachfolge@${domain}`
    const named = await leaver.submit(`/m/${leaverRow.id}/succession`, `/m/${leaverRow.id}/succession`, {
      email: successorEmail,
      note: 'Viel Erfolg!',
      leaveNow: '',
    })
    expect(named.statusCode).toBe(303)
    expect(flashOf((await leaver.get(named.headers.location!)).body)).toContain(successorEmail)

    // 2. The invitation mail, from the leaver, with the note.
    const mails = await sendQueuedMail(context.database)
    const invitation = mails.find((mail) => mail.to === successorEmail)
    expect(invitation).toBeDefined()
    expect(String(invitation!.text)).toContain('Lotte Leaving')
    expect(String(invitation!.text)).toContain('Viel Erfolg!')
    const registerLink = linkIn(invitation!, '/register?invitation=')

    // 3. The successor registers and confirms: pending review, nothing completed yet.
    const successor = createAgent(context.app)
    const registration = await successor.get(registerLink)
    expect(registration.statusCode).toBe(200)
    const token = new URL(registerLink, 'http://forum.test').searchParams.get('invitation')!
    const registered = await successor.submit(registerLink, '/register', {
      name: 'Nils Nachfolger',
      email: successorEmail,
      organisationId: String(organisation.id),
      jobTitle: 'Digitalisierungsbeauftragter',
      statement: 'Ich übernehme die Aufgabe von Lotte Leaving.',
      password: strongPassword,
      invitation: token,
    })
    expect(registered.statusCode).toBe(303)
    const confirmMail = (await sendQueuedMail(context.database)).find((mail) => mail.to === successorEmail)!
    const confirmLink = linkIn(confirmMail, '/confirm/')
    await successor.submit(confirmLink, confirmLink, {})
    const successorRow = await db
      .selectFrom('members')
      .select(['id', 'status', 'invited_by'])
      .where('email', '=', successorEmail)
      .executeTakeFirstOrThrow()
    expect(successorRow.status).toBe('pending_review')
    expect(successorRow.invited_by).toBe(leaverRow.id)
    expect(await completeDueSuccessions(db)).toBe(0)
    expect(await followedThreadIds(successorRow.id)).toEqual([])
    expect(
      (
        await db
          .selectFrom('members')
          .select('status')
          .where('id', '=', leaverRow.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('verified')

    // 4. A moderator approves; the job completes the succession.
    const moderator = await signedIn(db, context.app, { role: 'moderator' })
    const approved = await moderator.agent.submit(
      '/moderation',
      `/moderation/applicants/${successorRow.id}/approve`,
      {
        note: '',
      },
    )
    expect(approved.statusCode).toBe(303)
    expect(await completeDueSuccessions(db)).toBe(1)
    // Run twice (a second runner, a retried job): nothing more happens.
    expect(await completeDueSuccessions(db)).toBe(0)

    expect(await followedThreadIds(successorRow.id)).toEqual(leaverFollows)
    const leaverNow = await db
      .selectFrom('members')
      .select(['status', 'name'])
      .where('id', '=', leaverRow.id)
      .executeTakeFirstOrThrow()
    expect(leaverNow).toEqual({ status: 'left', name: 'Lotte Leaving' })
    // Closed: sessions gone, the leaver's next request is anonymous.
    expect((await leaver.get('/')).body).not.toContain('Lotte Leaving')
    const sessions = await db
      .selectFrom('sessions')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('member_id', '=', leaverRow.id)
      .executeTakeFirstOrThrow()
    expect(sessions.count).toBe(0)

    // 5. What members see: the successor's profile, the leaver's profile, the posts.
    const viewer = await signedIn(db, context.app)
    const successorProfile = await viewer.agent.get(`/m/${successorRow.id}`)
    expect(successorProfile.body).toContain('Nachfolge von')
    expect(successorProfile.body).toContain(`href="/m/${leaverRow.id}"><bdi>Lotte Leaving</bdi>`)
    const leaverProfile = await viewer.agent.get(`/m/${leaverRow.id}`)
    expect(leaverProfile.statusCode).toBe(200)
    expect(leaverProfile.body).toContain('Hat den Vertrauensraum verlassen.')
    expect(leaverProfile.body).toContain(`href="/m/${successorRow.id}"><bdi>Nils Nachfolger</bdi>`)
    expect(leaverProfile.body).not.toContain('Nachfolge regeln')
    const thread = await viewer.agent.get(`/t/${followed.threadId}`)
    expect(thread.body).toContain('Lotte Leaving')
    expect(thread.body).toContain('Lottes Antwort bleibt stehen.')

    // 6. The audit log tells it.
    const actions = await db
      .selectFrom('audit_events')
      .select(['action', 'subject_id'])
      .where('action', 'in', ['succession.named', 'succession.completed', 'member.left'])
      .orderBy('id')
      .execute()
    expect(actions).toEqual([
      { action: 'succession.named', subject_id: leaverRow.id },
      { action: 'member.left', subject_id: leaverRow.id },
      { action: 'succession.completed', subject_id: successorRow.id },
    ])
    const log = await moderator.agent.get('/moderation/audit')
    expect(log.statusCode).toBe(200)
    expect(log.body).toContain('hat die Nachfolge angetreten')
    // The leaver signing in again sees that the account is closed.
    const back = createAgent(context.app)
    await signInAs(db, back, leaverRow.id)
    const status = await back.get('/status')
    expect(status.body).toContain('Ihr Konto ist geschlossen')
  })

  it('can close the account at once; the invitation still goes out and review still decides', async () => {
    const { db } = context.database
    const { member: leaverRow, domain } = await createOfficialMember(db, { name: 'Gustav Gegangen' })
    const leaver = createAgent(context.app)
    await signInAs(db, leaver, leaverRow.id)
    const response = await leaver.submit(`/m/${leaverRow.id}/succession`, `/m/${leaverRow.id}/succession`, {
      email: `neu@${domain}`,
      note: '',
      leaveNow: 'yes',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/login?signedOut=1')
    const row = await db
      .selectFrom('members')
      .select('status')
      .where('id', '=', leaverRow.id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('left')
    expect((await leaver.get('/')).body).not.toContain('Gustav Gegangen')
    const mail = (await sendQueuedMail(context.database)).find((m) => m.to === `neu@${domain}`)
    expect(String(mail?.text)).toContain('Ich habe Sie als meine Nachfolge im Vertrauensraum benannt.')
    // Nobody verified: the succession stays open.
    expect(await completeDueSuccessions(db)).toBe(0)
  })

  it('completes at once for an address that is already a verified member (no mail, no review skipped)', async () => {
    const { db } = context.database
    const { member: leaverRow } = await createOfficialMember(db)
    const { member: colleague, domain } = await createOfficialMember(db, { name: 'Klara Kollegin' })
    const leaver = createAgent(context.app)
    await signInAs(db, leaver, leaverRow.id)
    const response = await leaver.submit(`/m/${leaverRow.id}/succession`, `/m/${leaverRow.id}/succession`, {
      email: colleague.email,
      note: '',
      leaveNow: '',
    })
    expect(response.statusCode).toBe(303)
    expect(domain).toBeTruthy()
    const mails = await sendQueuedMail(context.database)
    expect(mails.filter((m) => m.to === colleague.email)).toHaveLength(0)
    expect(await completeDueSuccessions(db)).toBe(1)
  })

  it("refuses addresses outside the directory, public mail and the leaver's own, all with the text kept", async () => {
    const { db } = context.database
    const { member: leaverRow } = await createOfficialMember(db)
    const leaver = createAgent(context.app)
    await signInAs(db, leaver, leaverRow.id)
    for (const [email, message] of [
      ['jemand@nirgendwo-unbekannt.de', 'gehört zu keiner Organisation'],
      ['jemand@gmail.com', 'gehört zu keiner Organisation'],
      [leaverRow.email, 'Adresse des Kontos, das übergeben wird'],
      ['keine-adresse', 'E-Mail'],
    ] as const) {
      const response = await leaver.submit(`/m/${leaverRow.id}/succession`, `/m/${leaverRow.id}/succession`, {
        email,
        note: 'Meine Notiz',
        leaveNow: 'yes',
      })
      expect(response.statusCode, email).toBe(422)
      expect(response.body, email).toContain(message)
      expect(response.body).toContain('href="#field-email"')
      expect(response.body).toContain(`value="${email}"`)
      expect(response.body).toContain('value="Meine Notiz"')
      expect(response.body).toMatch(/name="leaveNow" value="yes" checked/)
    }
    const open = await db
      .selectFrom('successions')
      .select('id')
      .where('leaver_id', '=', leaverRow.id)
      .execute()
    expect(open).toEqual([])
  })

  it('lets only the member themself or a moderator arrange it; a new naming replaces the open one and can be withdrawn', async () => {
    const { db } = context.database
    const { member: leaverRow, domain } = await createOfficialMember(db, { name: 'Frida Fortgang' })
    const stranger = await signedIn(db, context.app)
    expect((await stranger.agent.get(`/m/${leaverRow.id}/succession`)).statusCode).toBe(403)
    const csrf = await stranger.agent.csrf('/account/profile')
    const refused = await stranger.agent.post(`/m/${leaverRow.id}/succession`, {
      _csrf: csrf,
      email: `x@${domain}`,
      note: '',
      leaveNow: '',
    })
    expect(refused.statusCode).toBe(403)
    expect((await stranger.agent.get(`/m/${leaverRow.id}`)).body).not.toContain('Nachfolge regeln')

    const moderator = await signedIn(db, context.app, { role: 'moderator' })
    expect((await moderator.agent.get(`/m/${leaverRow.id}`)).body).toContain('Nachfolge regeln')
    for (const email of [`erste@${domain}`, `zweite@${domain}`]) {
      const response = await moderator.agent.submit(
        `/m/${leaverRow.id}/succession`,
        `/m/${leaverRow.id}/succession`,
        { email, note: '', leaveNow: '' },
      )
      expect(response.statusCode).toBe(303)
    }
    const open = await db
      .selectFrom('successions')
      .select(['successor_email', 'named_by'])
      .where('leaver_id', '=', leaverRow.id)
      .execute()
    expect(open).toEqual([{ successor_email: `zweite@${domain}`, named_by: moderator.member.id }])
    const page = await moderator.agent.get(`/m/${leaverRow.id}/succession`)
    expect(page.body).toContain(domain)
    const withdrawn = await moderator.agent.submit(
      `/m/${leaverRow.id}/succession`,
      `/m/${leaverRow.id}/succession/cancel`,
      {},
    )
    expect(withdrawn.statusCode).toBe(303)
    expect(
      await db.selectFrom('successions').select('id').where('leaver_id', '=', leaverRow.id).execute(),
    ).toEqual([])
  })

  it('runs as a job every minute', async () => {
    const registry = appJobs({
      config: testConfig(),
      db: context.database.db,
      transport: memoryTransport(),
      templates: mailTemplates,
      deriveKey: () => Buffer.alloc(32),
    })
    expect(registry.cronItems).toContainEqual(
      expect.objectContaining({ task: 'complete_successions', match: '* * * * *' }),
    )
    expect(typeof registry.tasks.complete_successions).toBe('function')
  })
})
