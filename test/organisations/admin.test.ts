import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../src/db/schema.ts'
import { listDomains } from '../../src/features/organisations/organisations.repository.ts'
import { type Agent, createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, createOrganisation, signInAs } from '../helpers/factories.ts'

let database: TestDatabase
let app: FastifyInstance
let moderator: { id: number; role: Role }
let mod: Agent
let admin: { id: number; role: Role }
let adm: Agent

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  moderator = await createMember(database.db, { role: 'moderator' })
  mod = await agentFor('moderator')
  admin = await createMember(database.db, { role: 'admin' })
  adm = createAgent(app)
  await signInAs(database.db, adm, admin.id)
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

async function agentFor(role: Role, status: 'verified' | 'pending_review' = 'verified'): Promise<Agent> {
  const member =
    role === 'moderator' && moderator ? moderator : await createMember(database.db, { role, status })
  const agent = createAgent(app)
  await signInAs(database.db, agent, member.id)
  return agent
}

const auditEvents = (action: string) =>
  database.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('id').execute()

const form = (values: Record<string, string> = {}) => ({
  name: 'Gemeinde Neuhausen',
  kind: 'gemeinde',
  officialKey: '08231999',
  land: '',
  domains: 'neuhausen.de\nGemeinde-Neuhausen.de',
  ...values,
})

let counter = 0
const uniqueKey = () => `0923${String(1000 + counter++).padStart(4, '0')}`

describe('who may use the organisation pages', () => {
  const pages = ['/admin/organisations', '/admin/organisations/new', '/admin/organisations/1/edit']

  it('sends anonymous visitors to the login (htmx by HX-Redirect)', async () => {
    for (const url of pages) {
      const response = await app.inject({ url })
      expect(response.statusCode, url).toBe(303)
      expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`)
      const htmx = await app.inject({ url, headers: { 'hx-request': 'true' } })
      expect(htmx.statusCode).toBe(204)
      expect(htmx.headers['hx-redirect']).toContain('/login')
    }
    const post = await app.inject({ method: 'POST', url: '/admin/organisations', payload: form() })
    expect(post.statusCode).toBe(303)
    expect(post.headers.location).toBe('/login?next=%2F')
  })

  it('refuses plain members (403) and unverified applicants (status page)', async () => {
    const member = await agentFor('member')
    for (const url of pages) {
      const response = await member.get(url)
      expect(response.statusCode, url).toBe(403)
      expect(response.body).toContain('Kein Zugriff')
    }
    const before = await database.db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst()
    const post = await member.submit('/', '/admin/organisations', form({ officialKey: uniqueKey() }))
    expect(post.statusCode).toBe(403)
    const after = await database.db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst()
    expect(after).toEqual(before)

    const applicant = await agentFor('member', 'pending_review')
    const response = await applicant.get('/admin/organisations')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/status')
  })

  it('lets moderators and admins in', async () => {
    const admin = await agentFor('admin')
    for (const agent of [mod, admin]) {
      for (const url of ['/admin/organisations', '/admin/organisations/new']) {
        const response = await agent.get(url)
        expect(response.statusCode, url).toBe(200)
        expect(response.headers['cache-control']).toBe('private, no-store')
      }
    }
  })
})

describe('adding an organisation', () => {
  it('stores it with its domains, writes an audit event and shows it for editing', async () => {
    // Automatic approval needs an admin (see "automatic approval" below).
    const response = await adm.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ autoApprove: '1' }),
    )
    expect(response.statusCode).toBe(303)
    const id = Number(response.headers.location?.match(/^\/admin\/organisations\/(\d+)\/edit$/)?.[1])
    expect(id).toBeGreaterThan(0)

    const row = await database.db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      name: 'Gemeinde Neuhausen',
      kind: 'gemeinde',
      official_key: '08231999',
      land: '08',
      auto_approve: true,
    })
    expect(await listDomains(database.db, id)).toEqual(['gemeinde-neuhausen.de', 'neuhausen.de'])

    const [event] = await auditEvents('organisation.created')
    expect(event).toMatchObject({ actor_id: admin.id })
    expect(event?.details).toMatchObject({
      organisationId: id,
      name: 'Gemeinde Neuhausen',
      officialKey: '08231999',
      domains: ['neuhausen.de', 'gemeinde-neuhausen.de'],
    })

    const page = await adm.get(`/admin/organisations/${id}/edit`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Die Organisation wurde angelegt.')
    expect(page.body).toContain('<h1>Gemeinde Neuhausen bearbeiten</h1>')
    expect(page.body).toContain('value="Gemeinde Neuhausen"')
    expect(page.body).toContain('<option value="gemeinde" selected>')
    expect(page.body).toContain('<option value="08" selected>')
    expect(page.body).toMatch(/name="autoApprove" value="1" checked/)
    expect(page.body).toContain('>gemeinde-neuhausen.de\nneuhausen.de</textarea>')
    // The flash shows once.
    expect((await adm.get(`/admin/organisations/${id}/edit`)).body).not.toContain(
      'Die Organisation wurde angelegt.',
    )
  })

  it('ignores fields that are not on the form', async () => {
    const response = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({
        name: 'Zweckverband Digital',
        kind: 'kommunaler_verband',
        officialKey: '',
        land: '05',
        domains: 'zv-digital.de',
        id: '1',
        role: 'admin',
        status: 'verified',
        created_at: '2000-01-01',
        auto_approve: 'true',
      }),
    )
    expect(response.statusCode).toBe(303)
    const row = await database.db
      .selectFrom('organisations')
      .selectAll()
      .where('name', '=', 'Zweckverband Digital')
      .executeTakeFirstOrThrow()
    expect(row.id).not.toBe(1)
    expect(row.auto_approve).toBe(false)
    expect(row.official_key).toBeNull()
    expect(row.land).toBe('05')
    expect(row.created_at.getFullYear()).toBeGreaterThan(2000)
    const self = await database.db
      .selectFrom('members')
      .select(['role'])
      .where('id', '=', moderator.id)
      .executeTakeFirstOrThrow()
    expect(self.role).toBe('moderator')
  })

  it('refuses a key another organisation has (422 at that field), keeping everything typed', async () => {
    const response = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({
        name: 'Köln <Doppelt>',
        kind: 'kreisfreie_stadt',
        officialKey: '05315',
        land: '05',
        domains: 'koeln-neu.de',
      }),
    )
    expect(response.statusCode).toBe(422)
    const body = response.body
    expect(body).toContain(
      '<p class="field-error" id="error-officialKey">Den Schlüssel 05315 hat bereits eine andere Organisation: Stadt Köln.</p>',
    )
    expect(body).toContain('href="#field-officialKey"')
    expect(body).toMatch(
      /id="field-officialKey" name="officialKey" type="text" value="05315"[^>]* aria-invalid="true"/,
    )
    expect(body).toContain('value="Köln &lt;Doppelt&gt;"')
    expect(body).toContain('<option value="kreisfreie_stadt" selected>')
    expect(body).toContain('<option value="05" selected>')
    expect(body).toContain('>koeln-neu.de</textarea>')
    expect(
      await database.db
        .selectFrom('organisations')
        .select('id')
        .where('name', '=', 'Köln <Doppelt>')
        .execute(),
    ).toEqual([])
    expect(
      await database.db
        .selectFrom('organisation_domains')
        .where('domain', '=', 'koeln-neu.de')
        .selectAll()
        .execute(),
    ).toEqual([])
  })

  it('refuses a domain that belongs to another organisation, naming it', async () => {
    await createOrganisation(database.db, { name: 'Stadt Vergeben', domains: ['vergeben.de'] })
    const response = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ officialKey: uniqueKey(), domains: 'frei.de\nVERGEBEN.de' }),
    )
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain(
      'Diese Domain gehört bereits zu einer anderen Organisation: vergeben.de (Stadt Vergeben).',
    )
    expect(response.body).toContain('>frei.de\nVERGEBEN.de</textarea>')
  })

  it('shows every problem at its field and never fails on odd input', async () => {
    const response = await mod.submit('/admin/organisations/new', '/admin/organisations', {
      name: '',
      kind: 'admin',
      officialKey: '12ab',
      land: 'Bayern',
      domains: 'https://stadt.de/\nname@stadt.de',
    })
    expect(response.statusCode).toBe(422)
    for (const field of ['name', 'kind', 'land', 'domains'])
      expect(response.body).toContain(`id="error-${field}"`)
    expect(response.body).toContain('Keine gültige Domain: https://stadt.de/, name@stadt.de.')
    expect(response.body).toContain('Bitte wählen Sie eine Art aus der Liste.')

    const token = await mod.csrf('/admin/organisations/new')
    const oddPayloads: Record<string, string | string[]>[] = [
      { name: ['a', 'b'], kind: ['gemeinde', 'land'] },
      { name: 'x'.repeat(100_000) },
      { 'name[0]': 'x', officialKey: '9'.repeat(500) },
      {},
    ]
    for (const payload of oddPayloads) {
      const odd = await mod.post('/admin/organisations', { _csrf: token, ...payload })
      expect(odd.statusCode).toBe(422)
    }
    const json = await app.inject({
      method: 'POST',
      url: '/admin/organisations',
      headers: {
        cookie: [...mod.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/json',
        'x-csrf-token': token,
      },
      payload: JSON.stringify({ name: { nested: true }, kind: 7, domains: ['a.de'] }),
    })
    expect(json.statusCode).toBe(422)
  })

  it('refuses the form without a CSRF token', async () => {
    const response = await mod.post('/admin/organisations', form({ officialKey: uniqueKey() }))
    expect(response.statusCode).toBe(403)
  })
})

describe('editing an organisation', () => {
  async function newOrganisation(values: Record<string, string> = {}) {
    const response = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ officialKey: uniqueKey(), domains: '', ...values }),
    )
    expect(response.statusCode).toBe(303)
    return Number(response.headers.location!.split('/')[3])
  }

  it('saves the changes and records what changed', async () => {
    const id = await newOrganisation({ name: 'Markt Alt', domains: 'markt-alt.de\nalt.bayern.de' })
    // An admin, since the change turns on automatic approval.
    const response = await adm.submit(`/admin/organisations/${id}/edit`, `/admin/organisations/${id}`, {
      name: 'Markt Neu',
      kind: 'gemeinde',
      officialKey: '09231777',
      land: '09',
      domains: 'markt-neu.de\nalt.bayern.de',
      autoApprove: 'on',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`/admin/organisations/${id}/edit`)
    const row = await database.db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ name: 'Markt Neu', official_key: '09231777', land: '09', auto_approve: true })
    expect(row.updated_at.getTime()).toBeGreaterThanOrEqual(row.created_at.getTime())
    expect(await listDomains(database.db, id)).toEqual(['alt.bayern.de', 'markt-neu.de'])

    const events = (await auditEvents('organisation.updated')).filter(
      (event) => (event.details as { organisationId: number }).organisationId === id,
    )
    expect(events).toHaveLength(1)
    expect(events[0]?.actor_id).toBe(admin.id)
    expect(events[0]?.details).toEqual({
      organisationId: id,
      changes: {
        name: { from: 'Markt Alt', to: 'Markt Neu' },
        officialKey: { from: expect.any(String), to: '09231777' },
        autoApprove: { from: false, to: true },
        domains: { added: ['markt-neu.de'], removed: ['markt-alt.de'] },
      },
    })
    expect((await adm.get(`/admin/organisations/${id}/edit`)).body).toContain(
      'Die Änderungen wurden gespeichert.',
    )

    // Saving the same values again changes nothing and writes nothing (a moderator may keep it on).
    const again = await mod.submit(`/admin/organisations/${id}/edit`, `/admin/organisations/${id}`, {
      name: 'Markt Neu',
      kind: 'gemeinde',
      officialKey: '09231777',
      domains: 'alt.bayern.de\nmarkt-neu.de',
      autoApprove: '1',
    })
    expect(again.statusCode).toBe(303)
    expect((await mod.get(`/admin/organisations/${id}/edit`)).body).toContain('Es gab nichts zu ändern.')
    expect(
      (await auditEvents('organisation.updated')).filter(
        (event) => (event.details as { organisationId: number }).organisationId === id,
      ),
    ).toHaveLength(1)
  })

  it('refuses another organisation’s key or domain, and keeps what was typed', async () => {
    const id = await newOrganisation({ name: 'Gemeinde Eigen' })
    const taken = await mod.submit(`/admin/organisations/${id}/edit`, `/admin/organisations/${id}`, {
      name: 'Gemeinde Eigen geändert',
      kind: 'kreisfreie_stadt',
      officialKey: '09162',
      domains: 'eigen.de',
    })
    expect(taken.statusCode).toBe(422)
    expect(taken.body).toContain(
      'Den Schlüssel 09162 hat bereits eine andere Organisation: Landeshauptstadt München.',
    )
    expect(taken.body).toContain('value="Gemeinde Eigen geändert"')
    expect(taken.body).toContain(`action="/admin/organisations/${id}"`)

    await createOrganisation(database.db, { name: 'Besitzer', domains: ['besetzt.de'] })
    const domain = await mod.submit(`/admin/organisations/${id}/edit`, `/admin/organisations/${id}`, {
      name: 'Gemeinde Eigen',
      kind: 'gemeinde',
      officialKey: '08231777',
      domains: 'besetzt.de',
    })
    expect(domain.statusCode).toBe(422)
    expect(domain.body).toContain('besetzt.de (Besitzer)')
    const row = await database.db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.name).toBe('Gemeinde Eigen')
  })

  it('answers 404 for unknown and malformed ids, never 500', async () => {
    const token = await mod.csrf('/admin/organisations/new')
    for (const id of [
      '999999',
      'abc',
      '0',
      '-1',
      '1e6',
      '1e400',
      '99999999999999999999',
      '1.5',
      '%00',
      '1;drop',
    ]) {
      const page = await mod.get(`/admin/organisations/${id}/edit`)
      expect(page.statusCode, id).toBe(404)
      expect(page.body).toContain('Seite nicht gefunden')
      const post = await mod.post(`/admin/organisations/${id}`, { _csrf: token, ...form() })
      expect(post.statusCode, id).toBe(404)
    }
  })
})

describe('automatic approval and public mail domains', () => {
  it('refuses a public mail provider as an official domain, at the field, keeping what was typed', async () => {
    for (const domains of ['gmail.com', 'stadt-echt.de\nWEB.de', 'gmx.de']) {
      const response = await adm.submit(
        '/admin/organisations/new',
        '/admin/organisations',
        form({ officialKey: uniqueKey(), domains }),
      )
      expect(response.statusCode, domains).toBe(422)
      expect(response.body).toContain('id="error-domains"')
      expect(response.body).toContain('Öffentliche E-Mail-Anbieter können keine Dienst-Domain sein')
    }
    expect(
      await database.db
        .selectFrom('organisation_domains')
        .select('domain')
        .where('domain', 'in', ['gmail.com', 'web.de', 'gmx.de', 'stadt-echt.de'])
        .execute(),
    ).toEqual([])
  })

  it('lets only an admin turn automatic approval on; a moderator may turn it off', async () => {
    const created = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ officialKey: uniqueKey(), domains: 'nur-admin.de', autoApprove: '1' }),
    )
    expect(created.statusCode).toBe(422)
    expect(created.body).toContain(
      '<p class="field-error" id="error-autoApprove">Nur die Administration kann die automatische Freischaltung einschalten.</p>',
    )
    expect(created.body).toContain('>nur-admin.de</textarea>')
    expect(
      await database.db.selectFrom('organisation_domains').where('domain', '=', 'nur-admin.de').execute(),
    ).toEqual([])

    const key = uniqueKey()
    const okay = await mod.submit('/admin/organisations/new', '/admin/organisations', {
      ...form({ officialKey: key, domains: 'auto-schalter.de' }),
    })
    expect(okay.statusCode).toBe(303)
    const id = Number(okay.headers.location!.split('/')[3])
    const edit = await mod.get(`/admin/organisations/${id}/edit`)
    expect(edit.body).toMatch(/name="autoApprove" value="1" disabled/)
    const values = { ...form({ officialKey: key, domains: 'auto-schalter.de' }) }
    const refused = await mod.submit(`/admin/organisations/${id}/edit`, `/admin/organisations/${id}`, {
      ...values,
      autoApprove: '1',
    })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('id="error-autoApprove"')
    const row = () =>
      database.db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect((await row()).auto_approve).toBe(false)

    const on = await adm.submit(`/admin/organisations/${id}/edit`, `/admin/organisations/${id}`, {
      ...values,
      autoApprove: '1',
    })
    expect(on.statusCode).toBe(303)
    expect((await row()).auto_approve).toBe(true)
    // Now the moderator sees a checkbox they can untick, and unticking it is allowed.
    expect((await mod.get(`/admin/organisations/${id}/edit`)).body).toMatch(
      /name="autoApprove" value="1" checked aria-describedby/,
    )
    const off = await mod.submit(`/admin/organisations/${id}/edit`, `/admin/organisations/${id}`, values)
    expect(off.statusCode).toBe(303)
    expect((await row()).auto_approve).toBe(false)
    const changes = (await auditEvents('organisation.updated'))
      .filter((event) => (event.details as { organisationId: number }).organisationId === id)
      .map((event) => [event.actor_id, (event.details as { changes: object }).changes])
    expect(changes).toEqual([
      [admin.id, { autoApprove: { from: false, to: true } }],
      [moderator.id, { autoApprove: { from: true, to: false } }],
    ])
  })

  it('refuses a too long name at its field, together with the directory’s own problems', async () => {
    const response = await mod.submit('/admin/organisations/new', '/admin/organisations', {
      ...form({ name: 'x'.repeat(201), domains: 'gmail.com', officialKey: '123' }),
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain(
      '<p class="field-error" id="error-name">Bitte höchstens 200 Zeichen eingeben.</p>',
    )
    expect(response.body).toContain('id="error-domains"')
    expect(response.body).toContain('id="error-officialKey"')
    expect(response.body).toMatch(/<title>Fehler: /)
  })

  it('takes the operator’s PUBLIC_MAIL_DOMAINS as public providers too', async () => {
    const strict = await buildTestApp(database.db, {
      PUBLIC_MAIL_DOMAINS: 'hausmail.example, Zweitmail.example',
    })
    try {
      const agent = createAgent(strict)
      await signInAs(database.db, agent, admin.id)
      const refused = await agent.submit(
        '/admin/organisations/new',
        '/admin/organisations',
        form({ officialKey: uniqueKey(), domains: 'zweitmail.example' }),
      )
      expect(refused.statusCode).toBe(422)
      expect(refused.body).toContain('zweitmail.example. Dort kann jede Person eine Adresse anlegen.')
    } finally {
      await strict.close()
    }
    // The app without that setting accepts it.
    const accepted = await adm.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ officialKey: uniqueKey(), domains: 'zweitmail.example' }),
    )
    expect(accepted.statusCode).toBe(303)
  })
})

describe('the list', () => {
  it('lists, searches by name, key or domain and filters by kind', async () => {
    const all = await mod.get('/admin/organisations')
    expect(all.body).toContain('<h1>Organisationen</h1>')
    expect(all.body.match(/<tr id="organisation-/g)).toHaveLength(50)
    expect(all.body).toContain('rel="next"')

    const byName = await mod.get('/admin/organisations?q=K%C3%B6ln')
    expect(byName.body).toContain('Stadt Köln')
    expect(byName.body).not.toContain('Aachen')
    expect(byName.body).toContain('value="Köln"')

    const byKey = await mod.get('/admin/organisations?q=09162')
    expect(byKey.body).toContain('Landeshauptstadt München')
    expect(byKey.body).toContain('<td>09162</td>')

    await createOrganisation(database.db, { name: 'Stadt Domainsuche', domains: ['domainsuche.de'] })
    const byDomain = await mod.get('/admin/organisations?q=domainsuche.de')
    expect(byDomain.body).toContain('Stadt Domainsuche')
    expect(byDomain.body).toContain('domainsuche.de')

    const laender = await mod.get('/admin/organisations?kind=land')
    expect(laender.body.match(/<tr id="organisation-/g)).toHaveLength(16)
    expect(laender.body).toContain('<option value="land" selected>')
    expect(laender.body).not.toContain('rel="next"')
  })

  it('pages through the list with links that keep the filter', async () => {
    const first = await mod.get('/admin/organisations?kind=landkreis')
    expect(first.body.match(/<tr id="organisation-/g)).toHaveLength(50)
    expect(first.body).toContain('href="/admin/organisations?kind&#x3D;landkreis&amp;page&#x3D;2"')
    const last = await mod.get('/admin/organisations?kind=landkreis&page=6')
    expect(last.body.match(/<tr id="organisation-/g)).toHaveLength(294 - 250)
    expect(last.body).toContain('href="/admin/organisations?kind&#x3D;landkreis&amp;page&#x3D;5"')
    expect(last.body).not.toContain('rel="next"')
    const beyond = await mod.get('/admin/organisations?kind=landkreis&page=99')
    expect(beyond.body).toContain('Keine Organisation gefunden.')
  })

  it('answers htmx with the list only and ignores nonsense parameters', async () => {
    const fragment = await mod.get('/admin/organisations?q=M%C3%BCnchen', { 'hx-request': 'true' })
    expect(fragment.statusCode).toBe(200)
    expect(fragment.body).not.toContain('<html')
    expect(fragment.body).toContain('<td>Landkreis München</td>')
    expect(fragment.body).toContain('<td>Landkreis</td>')
    for (const query of [
      'kind=admin',
      'page=abc',
      'page=-5',
      'page=99999999999',
      'q[]=x&kind[]=land',
      `q=${'%25'.repeat(300)}`,
    ]) {
      const response = await mod.get(`/admin/organisations?${query}`)
      expect(response.statusCode, query).toBe(200)
    }
  })
})

describe('two moderators at once', () => {
  it('lets one of two simultaneous additions with the same key win; the other gets the key message', async () => {
    const { createOrganisation: create } = await import(
      '../../src/features/organisations/organisations.service.ts'
    )
    const { ValidationError } = await import('../../src/lib/errors.ts')
    const input = {
      name: 'Gemeinde Gleichzeitig',
      kind: 'gemeinde',
      officialKey: '08231555',
      land: '',
      autoApprove: false,
      domains: 'gleichzeitig.de',
    }
    // Different domains, so that only the key can collide.
    const results = await Promise.allSettled([
      create(database.db, moderator, input),
      create(database.db, moderator, { ...input, domains: 'gleichzeitig-zwei.de' }),
    ])
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
    const failed = results.find((result) => result.status === 'rejected')
    expect(failed?.reason).toBeInstanceOf(ValidationError)
    const error = failed?.reason as InstanceType<typeof ValidationError>
    expect(Object.keys(error.fields)).toContain('officialKey')
  })
})
