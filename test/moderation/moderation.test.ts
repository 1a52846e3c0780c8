import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, createOrganisation, signInAs } from '../helpers/factories.ts'
import { sendQueuedMail } from '../helpers/mail.ts'

let database: TestDatabase
let app: FastifyInstance
let moderator: Agent
let moderatorId: number

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  const mod = await createMember(database.db, { role: 'moderator', name: 'Moritz Moderator' })
  moderatorId = mod.id
  moderator = createAgent(app)
  await signInAs(database.db, moderator, mod.id)
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

function statusOf(id: number) {
  return database.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

async function auditActions(subjectId: number) {
  const rows = await database.db
    .selectFrom('audit_events')
    .select('action')
    .where('subject_id', '=', subjectId)
    .execute()
  return rows.map((r) => r.action)
}

describe('review queue', () => {
  it('lists applicants oldest first with the domain evidence and the inviter', async () => {
    const org = await createOrganisation(database.db, { domains: ['evidenz-stadt.de'] })
    const inviter = await createMember(database.db, { name: 'Ida Inviter' })
    const official = await createMember(database.db, {
      status: 'pending_review',
      name: 'Anna Amtlich',
      email: 'anna@evidenz-stadt.de',
      organisationId: org.id,
    })
    await database.db
      .updateTable('members')
      .set({ invited_by: inviter.id })
      .where('id', '=', official.id)
      .execute()
    const other = await createMember(database.db, {
      status: 'pending_review',
      name: 'Bernd Beliebig',
      email: 'bernd@freemail.example',
      organisationId: org.id,
    })
    const page = await moderator.get('/moderation')
    expect(page.statusCode).toBe(200)
    const body = page.body
    expect(body.indexOf('Anna Amtlich')).toBeLessThan(body.indexOf('Bernd Beliebig'))
    const annaCard = body.slice(body.indexOf('Anna Amtlich'), body.indexOf('Bernd Beliebig'))
    expect(annaCard).toContain('offizielle Domain der Organisation')
    expect(annaCard).toContain('Ida Inviter')
    const berndCard = body.slice(body.indexOf('Bernd Beliebig'))
    expect(berndCard).toContain('nicht als Domain der Organisation hinterlegt')
    expect(other.id).toBeGreaterThan(official.id)
  })

  it('approves with a verification record and a mail', async () => {
    const applicant = await createMember(database.db, { status: 'pending_review' })
    const response = await moderator.submit('/moderation', `/moderation/applicants/${applicant.id}/approve`, {
      note: 'Telefonisch bestätigt',
    })
    expect(response.statusCode).toBe(303)
    const member = await statusOf(applicant.id)
    expect(member).toMatchObject({ status: 'verified', verified_by: moderatorId })
    expect(member.verification_evidence).toContain('Telefonisch bestätigt')
    expect(member.verified_until!.getTime()).toBeGreaterThan(Date.now() + 360 * 24 * 3600 * 1000)
    expect(await auditActions(applicant.id)).toContain('member.approved')
    const mail = (await sendQueuedMail(database)).find((m) => m.to === applicant.email)!
    expect(mail.subject).toBe('Willkommen im Vertrauensraum')
    const record = await moderator.get(`/moderation/members/${applicant.id}`)
    expect(record.body).toContain('Moritz Moderator')
    expect(record.body).toContain('Telefonisch bestätigt')
  })

  it('requires a reason to reject, keeps it on error, and mails it', async () => {
    const applicant = await createMember(database.db, { status: 'pending_review' })
    const empty = await moderator.submit('/moderation', `/moderation/applicants/${applicant.id}/reject`, {
      reason: '',
    })
    expect(empty.statusCode).toBe(422)
    expect((await statusOf(applicant.id)).status).toBe('pending_review')
    const response = await moderator.submit('/moderation', `/moderation/applicants/${applicant.id}/reject`, {
      reason: 'Keine kommunale Organisation',
    })
    expect(response.statusCode).toBe(303)
    expect(await statusOf(applicant.id)).toMatchObject({
      status: 'rejected',
      status_reason: 'Keine kommunale Organisation',
    })
    const mail = (await sendQueuedMail(database)).find((m) => m.to === applicant.email)!
    expect(String(mail.text)).toContain('Keine kommunale Organisation')
  })

  it('asks a question by mail without deciding', async () => {
    const applicant = await createMember(database.db, { status: 'pending_review' })
    await moderator.submit('/moderation', `/moderation/applicants/${applicant.id}/ask`, {
      question: 'Welche Abteilung?',
    })
    expect((await statusOf(applicant.id)).status).toBe('pending_review')
    const mail = (await sendQueuedMail(database)).find((m) => m.to === applicant.email)!
    expect(String(mail.text)).toContain('Welche Abteilung?')
  })

  it('decides once when two moderators act at the same time', async () => {
    const applicant = await createMember(database.db, { status: 'pending_review' })
    const second = createAgent(app)
    await signInAs(database.db, second, (await createMember(database.db, { role: 'moderator' })).id)
    const [t1, t2] = await Promise.all([moderator.csrf('/moderation'), second.csrf('/moderation')])
    const [a, b] = await Promise.all([
      moderator.post(`/moderation/applicants/${applicant.id}/approve`, { _csrf: t1 }),
      second.post(`/moderation/applicants/${applicant.id}/reject`, { _csrf: t2, reason: 'Doppelt' }),
    ])
    expect([a.statusCode, b.statusCode].sort()).toEqual([303, 409])
    const loser = a.statusCode === 409 ? a : b
    expect(loser.body).toContain('schon entschieden')
    const decisions = (await auditActions(applicant.id)).filter(
      (x) => x === 'member.approved' || x === 'member.rejected',
    )
    expect(decisions).toHaveLength(1)
  })

  it('refuses plain members and ignores smuggled fields', async () => {
    const member = await createMember(database.db)
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    expect((await agent.get('/moderation')).statusCode).toBe(403)
    const token = await agent.csrf('/account')
    const attempt = await agent.post(`/moderation/members/${member.id}/role`, { _csrf: token, role: 'admin' })
    expect(attempt.statusCode).toBe(403)
    await agent.post('/account/language', { _csrf: token, locale: 'de', role: 'admin', status: 'verified' })
    expect((await statusOf(member.id)).role).toBe('member')
  })

  it('answers 404 for unknown or malformed ids, never 500', async () => {
    const token = await moderator.csrf('/moderation')
    for (const id of ['999999', 'abc', '-1', '1e9', '99999999999999']) {
      expect((await moderator.get(`/moderation/members/${id}`)).statusCode).toBe(404)
      expect(
        (await moderator.post(`/moderation/applicants/${id}/approve`, { _csrf: token })).statusCode,
      ).toBeOneOf([404, 409])
    }
  })
})

describe('suspension and roles', () => {
  it('suspends a member: every open session is out on the next request', async () => {
    const member = await createMember(database.db, { name: 'Susi Gesperrt' })
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    expect((await agent.get('/account')).statusCode).toBe(200)
    const bad = await moderator.submit(
      `/moderation/members/${member.id}`,
      `/moderation/members/${member.id}/suspend`,
      {
        reason: '',
        until: '2001-01-01',
      },
    )
    expect(bad.statusCode).toBe(422)
    const ok = await moderator.submit(
      `/moderation/members/${member.id}`,
      `/moderation/members/${member.id}/suspend`,
      {
        reason: 'Vertraulichkeit verletzt',
        until: '2099-01-01',
      },
    )
    expect(ok.statusCode).toBe(303)
    const next = await agent.get('/account')
    expect(next.statusCode).toBe(303)
    expect(next.headers.location).toContain('/login')
    expect(await auditActions(member.id)).toContain('member.suspended')
  })

  it('lifts a suspension whose end date has passed on the next sign-in', async () => {
    const member = await createMember(database.db, { status: 'suspended' })
    await database.db
      .updateTable('members')
      .set({ suspended_until: new Date(Date.now() - 1000) })
      .where('id', '=', member.id)
      .execute()
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    expect((await agent.get('/account')).statusCode).toBe(200)
  })

  it('moderators cannot act on moderators; only admins change roles, effective at once', async () => {
    const otherMod = await createMember(database.db, { role: 'moderator' })
    const forbidden = await moderator.submit(
      `/moderation/members/${otherMod.id}`,
      `/moderation/members/${otherMod.id}/suspend`,
      { reason: 'Test' },
    )
    expect(forbidden.statusCode).toBe(403)

    const admin = createAgent(app)
    await signInAs(database.db, admin, (await createMember(database.db, { role: 'admin' })).id)
    const member = await createMember(database.db)
    const memberAgent = createAgent(app)
    await signInAs(database.db, memberAgent, member.id)
    expect((await memberAgent.get('/moderation')).statusCode).toBe(403)
    const bad = await admin.submit(
      `/moderation/members/${member.id}`,
      `/moderation/members/${member.id}/role`,
      {
        role: 'superuser',
      },
    )
    expect(bad.statusCode).toBe(422)
    const ok = await admin.submit(
      `/moderation/members/${member.id}`,
      `/moderation/members/${member.id}/role`,
      {
        role: 'moderator',
      },
    )
    expect(ok.statusCode).toBe(303)
    expect((await memberAgent.get('/moderation')).statusCode).toBe(200)
    expect(await auditActions(member.id)).toContain('member.role_changed')
  })
})

describe('audit log', () => {
  it('is readable and filterable by moderators and cannot be rewritten', async () => {
    const page = await moderator.get('/moderation/audit?action=member.approved')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('member.approved')
    expect(page.body).not.toContain('<td>member.rejected</td>')
    expect((await moderator.get('/moderation/audit?from=kaputt&member=xyz&before=-3')).statusCode).toBe(200)
    await expect(database.db.deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/)
    await expect(database.db.updateTable('audit_events').set({ action: 'x' }).execute()).rejects.toThrow(
      /append-only/,
    )
  })
})

describe('moving a member to another organisation', () => {
  it('searches without JavaScript, moves the member and audits it; bad input is a 422 or 404', async () => {
    const from = await createOrganisation(database.db, { name: 'Landkreis Umzugsheim' })
    const to = await createOrganisation(database.db, { name: 'Gemeinde Zielort' })
    const member = await createMember(database.db, { organisationId: from.id })
    const page = `/moderation/members/${member.id}`
    const search = await moderator.submit(page, `${page}/organisation`, {
      action: 'search',
      orgQuery: 'Zielort',
    })
    expect(search.statusCode).toBe(200)
    expect(search.body).toContain('Gemeinde Zielort')
    expect((await moderator.submit(page, `${page}/organisation`, { organisationId: '' })).statusCode).toBe(
      422,
    )
    expect(
      (await moderator.submit(page, `${page}/organisation`, { organisationId: '999999' })).statusCode,
    ).toBe(404)
    const moved = await moderator.submit(page, `${page}/organisation`, { organisationId: String(to.id) })
    expect(moved.statusCode).toBe(303)
    expect((await statusOf(member.id)).organisation_id).toBe(to.id)
    expect(await auditActions(member.id)).toContain('member.organisation_changed')
  })
})
