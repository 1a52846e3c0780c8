// Members at merged or dissolved organisations: the moderators' list and the move to the
// successor (fixture: Nalbach and Saarwellingen merge into Nalbach-Saarwellingen, 2021q4).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importRegisterFile } from '../../src/features/organisations/register-import.ts'
import { type Agent, createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, createOrganisation, signInAs } from '../helpers/factories.ts'

const fixture = path.join(import.meta.dirname, 'fixtures', 'gv-saarland-2021q4.csv')
let database: TestDatabase
let app: FastifyInstance
let mod: Agent
let moderatorId: number
let nalbach: number
let merged: number

const organisationByKey = async (key: string) =>
  (
    await database.db
      .selectFrom('organisations')
      .select('id')
      .where('official_key', '=', key)
      .executeTakeFirstOrThrow()
  ).id

const memberRow = (id: number) =>
  database.db
    .selectFrom('members')
    .select(['organisation_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  moderatorId = (await createMember(database.db, { role: 'moderator' })).id
  mod = createAgent(app)
  await signInAs(database.db, mod, moderatorId)
  nalbach = await organisationByKey('10044113')
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

async function move(agent: Agent, memberId: number) {
  const response = await agent.submit(
    '/admin/organisations/historical',
    `/admin/organisations/historical/${memberId}/move`,
    {},
  )
  expect(response.statusCode).toBe(303)
  expect(response.headers.location).toBe('/admin/organisations/historical')
  return (await agent.get('/admin/organisations/historical')).body
}

describe('members at historical organisations', () => {
  let verified: number
  let applicant: number
  let colleague: number
  let gone: number

  it('lists nobody before the merger', async () => {
    verified = (await createMember(database.db, { organisationId: nalbach, name: 'Vera Nalbach' })).id
    applicant = (
      await createMember(database.db, {
        organisationId: nalbach,
        status: 'pending_review',
        name: 'Anton Antrag',
      })
    ).id
    colleague = (
      await createMember(database.db, { organisationId: nalbach, role: 'moderator', name: 'Mona Moderation' })
    ).id
    gone = (
      await createMember(database.db, { organisationId: nalbach, status: 'left', name: 'Lena Gegangen' })
    ).id
    const page = await mod.get('/admin/organisations/historical')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Niemand ist mehr bei einer historischen Organisation.')
  })

  it('after the import lists them with the successor; left members are not listed', async () => {
    await importRegisterFile(database.db, readFileSync(fixture, 'utf8'), { stand: '2021-12-31' })
    merged = await organisationByKey('10044130')
    const body = (await mod.get('/admin/organisations/historical')).body
    for (const name of ['Vera Nalbach', 'Anton Antrag', 'Mona Moderation']) expect(body).toContain(name)
    expect(body).not.toContain('Lena Gegangen')
    expect(body).toContain(
      `<a href="/admin/organisations/${merged}/edit"><bdi>Nalbach-Saarwellingen</bdi></a>`,
    )
    expect(body).toContain(`action="/admin/organisations/historical/${verified}/move"`)
    expect(body).toContain('wartet auf Prüfung')
  })

  it('moves a member to the successor, keeps the status, audits it, and a second move does nothing', async () => {
    const body = await move(mod, verified)
    expect(body).toContain('Das Mitglied wurde zur Nachfolgeorganisation verschoben.')
    expect(body).not.toContain('Vera Nalbach')
    expect(await memberRow(verified)).toEqual({ organisation_id: merged, status: 'verified' })
    const event = await database.db
      .selectFrom('audit_events')
      .select(['actor_id', 'subject_id', 'details'])
      .where('action', '=', 'member.organisation_changed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(event).toMatchObject({
      actor_id: moderatorId,
      subject_id: verified,
      details: { from: nalbach, to: merged },
    })

    expect(await move(mod, verified)).toContain('es gab nichts zu tun')
    expect(await move(mod, applicant)).toContain('verschoben')
    expect(await memberRow(applicant)).toEqual({ organisation_id: merged, status: 'pending_review' })
  })

  it('leaves moderators to the administration and the left member where they are', async () => {
    expect(await move(mod, colleague)).toContain('können Sie nicht verschieben')
    expect((await memberRow(colleague)).organisation_id).toBe(nalbach)
    expect(await move(mod, gone)).toContain('es gab nichts zu tun')
    expect((await memberRow(gone)).organisation_id).toBe(nalbach)
  })

  it('follows a successor that became historical itself, and offers a choice when there is none', async () => {
    const first = await createOrganisation(database.db, { kind: 'zweckverband', name: 'Zweckverband Alt' })
    const second = await createOrganisation(database.db, { kind: 'zweckverband', name: 'Zweckverband Mitte' })
    const third = await createOrganisation(database.db, { kind: 'zweckverband', name: 'Zweckverband Neu' })
    const orphan = await createOrganisation(database.db, {
      kind: 'zweckverband',
      name: 'Zweckverband Aufgelöst',
    })
    await database.db
      .updateTable('organisations')
      .set({ historical_at: new Date(), merged_into_id: second.id })
      .where('id', '=', first.id)
      .execute()
    await database.db
      .updateTable('organisations')
      .set({ historical_at: new Date(), merged_into_id: third.id })
      .where('id', '=', second.id)
      .execute()
    await database.db
      .updateTable('organisations')
      .set({ historical_at: new Date() })
      .where('id', '=', orphan.id)
      .execute()
    const early = (await createMember(database.db, { organisationId: first.id })).id
    const lonely = (await createMember(database.db, { organisationId: orphan.id })).id
    const body = (await mod.get('/admin/organisations/historical')).body
    expect(body).toMatch(new RegExp(`historical-member-${early}">[\\s\\S]*?Zweckverband Neu`))
    expect(body).toMatch(
      new RegExp(`historical-member-${lonely}">[\\s\\S]*?keine bekannt[\\s\\S]*?Organisation wählen`),
    )
    await move(mod, early)
    expect((await memberRow(early)).organisation_id).toBe(third.id)
    expect(await move(mod, lonely)).toContain('keine Nachfolge bekannt')
  })

  it('moves all members of one organisation at once, leaving staff to the administration, and its domains', async () => {
    const old = await createOrganisation(database.db, {
      kind: 'zweckverband',
      name: 'Zweckverband Vorher',
      domains: ['zv-vorher.de', 'alt.zv-vorher.de'],
    })
    const next = await createOrganisation(database.db, {
      kind: 'zweckverband',
      name: 'Zweckverband Nachher',
      domains: ['zv-nachher.de'],
    })
    await database.db
      .updateTable('organisations')
      .set({ historical_at: new Date(), merged_into_id: next.id })
      .where('id', '=', old.id)
      .execute()
    const people = [
      (await createMember(database.db, { organisationId: old.id })).id,
      (await createMember(database.db, { organisationId: old.id, status: 'suspended' })).id,
    ]
    const staff = (await createMember(database.db, { organisationId: old.id, role: 'admin' })).id
    const page = (await mod.get('/admin/organisations/historical')).body
    expect(page).toContain(`action="/admin/organisations/historical/organisation/${old.id}/move"`)
    const response = await mod.submit(
      '/admin/organisations/historical',
      `/admin/organisations/historical/organisation/${old.id}/move`,
      {},
    )
    expect(response.statusCode).toBe(303)
    const body = (await mod.get('/admin/organisations/historical')).body
    expect(body).toContain('2 Mitglieder wurden verschoben; 1 blieb')
    expect(body).toContain('Die 2 E-Mail-Domains gingen mit zur Nachfolge.')
    for (const id of people) expect((await memberRow(id)).organisation_id).toBe(next.id)
    expect((await memberRow(people[1]!)).status).toBe('suspended')
    expect((await memberRow(staff)).organisation_id).toBe(old.id)

    // The domains went with them (issue 11): a new registration from one is proposed the successor.
    const domains = await database.db
      .selectFrom('organisation_domains')
      .select(['organisation_id', sql<string>`domain::text`.as('domain')])
      .where('organisation_id', 'in', [old.id, next.id])
      .orderBy('domain')
      .execute()
    expect(domains).toEqual([
      { organisation_id: next.id, domain: 'alt.zv-vorher.de' },
      { organisation_id: next.id, domain: 'zv-nachher.de' },
      { organisation_id: next.id, domain: 'zv-vorher.de' },
    ])
    const proposal = await app.inject({
      url: `/organisations/propose?${new URLSearchParams({ email: 'neu@zv-vorher.de' })}`,
      headers: { 'hx-request': 'true' },
    })
    expect(proposal.body).toContain(`name="proposedId" value="${next.id}"`)
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['actor_id', 'details'])
      .where('action', '=', 'organisation.updated')
      .where(sql<boolean>`(details ->> 'organisationId')::int in (${old.id}, ${next.id})`)
      .orderBy('id')
      .execute()
    expect(audit).toEqual([
      {
        actor_id: moderatorId,
        details: {
          organisationId: old.id,
          changes: { domains: { added: [], removed: ['alt.zv-vorher.de', 'zv-vorher.de'] } },
        },
      },
      {
        actor_id: moderatorId,
        details: {
          organisationId: next.id,
          changes: { domains: { added: ['alt.zv-vorher.de', 'zv-vorher.de'], removed: [] } },
        },
      },
    ])
  })

  it('is for moderators only; the move needs the CSRF token; a huge id is a 404', async () => {
    const member = createAgent(app)
    await signInAs(database.db, member, (await createMember(database.db)).id)
    expect((await member.get('/admin/organisations/historical')).statusCode).toBe(403)
    const forged = await mod.post(`/admin/organisations/historical/${applicant}/move`, {})
    expect(forged.statusCode).toBe(403)
    const huge = await mod.submit(
      '/admin/organisations/historical',
      '/admin/organisations/historical/99999999999/move',
      {},
    )
    expect([400, 404]).toContain(huge.statusCode)
  })
})
