// The "Konzern Kommune": moderators name the municipalities an IT-Dienstleister, Zweckverband or
// Verband belongs to or serves (keys one per line, or picked with the form's search, with and
// without JavaScript); shown on /o/<key> both ways; audited. A register organisation renamed by
// a moderator keeps that name through later imports until the register renames it itself.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importRegisterFile } from '../../src/features/organisations/register-import.ts'
import { type Agent, createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

let database: TestDatabase
let app: FastifyInstance
let mod: Agent
let member: Agent
let wettringen: Register
let steinfurt: Register

interface Register {
  id: number
  name: string
  ags: string | null
  ars: string | null
}

const inRegister = async (name: string, kind: string) =>
  database.db
    .selectFrom('organisations')
    .select(['id', 'name', 'ags', 'ars'])
    .where('name', '=', name)
    .where('kind', '=', kind as never)
    .executeTakeFirstOrThrow()

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  const moderator = await createMember(database.db, { role: 'moderator' })
  mod = createAgent(app)
  await signInAs(database.db, mod, moderator.id)
  member = createAgent(app)
  await signInAs(database.db, member, (await createMember(database.db)).id)
  wettringen = await inRegister('Wettringen', 'gemeinde')
  steinfurt = await inRegister('Kreis Steinfurt', 'landkreis')
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

const form = (values: Record<string, string> = {}) => ({
  name: 'Zweckverband Digitales Münsterland',
  kind: 'zweckverband',
  officialKey: '',
  land: '05',
  domains: '',
  municipalities: '',
  ...values,
})

const linksOf = async (organisationId: number) =>
  (
    await database.db
      .selectFrom('organisation_municipalities')
      .select('municipality_id')
      .where('organisation_id', '=', organisationId)
      .orderBy('municipality_id')
      .execute()
  ).map((row) => row.municipality_id)

const createdId = (location: string | undefined) =>
  Number(location?.match(/^\/admin\/organisations\/(\d+)\/edit$/)?.[1])

describe('naming the municipalities of a Zweckverband', () => {
  let zweckverband: number

  it('stores the keys typed one per line (names after them are ignored) and audits them', async () => {
    const response = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ municipalities: `${wettringen.ags} Wettringen\n\n${steinfurt.ags}\n${wettringen.ags}` }),
    )
    expect(response.statusCode).toBe(303)
    zweckverband = createdId(response.headers.location)
    expect(await linksOf(zweckverband)).toEqual([wettringen.id, steinfurt.id].sort((a, b) => a - b))
    const event = await database.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'organisation.created')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect((event.details as { municipalities: string[] }).municipalities.sort()).toEqual(
      [wettringen.ags, steinfurt.ags].sort(),
    )

    // The edit form writes each one back with its name and the level above it.
    const page = await mod.get(`/admin/organisations/${zweckverband}/edit`)
    expect(page.body).toContain(`${wettringen.ags} Wettringen (Kreis Steinfurt)`)
    expect(page.body).toContain(`${steinfurt.ags} Kreis Steinfurt (Regierungsbezirk Münster)`)
  })

  it('shows them on /o/<key> both ways', async () => {
    const own = await member.get(`/o/id-${zweckverband}`)
    expect(own.statusCode).toBe(200)
    expect(own.body).toContain('Gehört zu oder arbeitet für')
    expect(own.body).toContain(`<a href="/o/${wettringen.ars}"><bdi>Wettringen</bdi></a>`)
    // On the Gemeinde's page (it names the Gemeinde), and on a Gemeinde below the Kreis it names.
    for (const key of [wettringen.ars, steinfurt.ags]) {
      const page = await member.get(`/o/${key}`)
      expect(page.statusCode, key!).toBe(200)
      expect(page.body, key!).toContain('Kommunale Partner')
      expect(page.body, key!).toContain(
        `<a href="/o/id-${zweckverband}"><bdi>Zweckverband Digitales Münsterland</bdi></a>`,
      )
    }
  })

  it('removes and adds on edit, audited with the keys', async () => {
    const response = await mod.submit(
      `/admin/organisations/${zweckverband}/edit`,
      `/admin/organisations/${zweckverband}`,
      {
        ...form({ municipalities: `${steinfurt.ags}\n05` }),
      },
    )
    expect(response.statusCode).toBe(303)
    const nrw = await inRegister('Nordrhein-Westfalen', 'land')
    expect(await linksOf(zweckverband)).toEqual([steinfurt.id, nrw.id].sort((a, b) => a - b))
    const event = await database.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'organisation.updated')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(event.details).toMatchObject({
      organisationId: zweckverband,
      changes: { municipalities: { added: ['05'], removed: [wettringen.ags] } },
    })
    // The audit log says it in words, not "– → –".
    const log = (await mod.get('/moderation/audit')).body
    expect(log).toContain('Kommunen hinzugefügt: 05')
    expect(log).toContain(`Kommunen entfernt: ${wettringen.ags}`)
  })

  it('names every problem in one round, at its field, keeping everything typed', async () => {
    const typed = `${wettringen.ags} Wettringen\nWettringen ohne Schlüssel\n99999999`
    const response = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ name: '', municipalities: typed, domains: 'gmx.de' }),
    )
    expect(response.statusCode).toBe(422)
    const body = response.body
    expect(body).toContain('href="#field-name"')
    expect(body).toContain('href="#field-municipalities"')
    expect(body).toContain('href="#field-domains"')
    expect(body).toContain('Nicht verstanden: Wettringen ohne Schlüssel.')
    expect(body).toContain(`>${typed}</textarea>`)
    expect(body).toMatch(/id="field-municipalities" name="municipalities"[^>]*aria-invalid="true"/)

    const unknown = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ municipalities: '99999999\n05566' }),
    )
    expect(unknown.statusCode).toBe(422)
    expect(unknown.body).toContain('Diese Schlüssel stehen nicht im Verzeichnis: 99999999.')
    expect(unknown.body).toContain('>99999999\n05566</textarea>')
  })

  it('refuses municipalities for a register kind and stays a form for hostile input', async () => {
    const gemeinde = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ kind: 'gemeinde', officialKey: '08231998', municipalities: String(wettringen.ags) }),
    )
    expect(gemeinde.statusCode).toBe(422)
    expect(gemeinde.body).toContain('eine Kommune hat ihren Platz im Verzeichnis')
    for (const municipalities of [
      '\u0000\u0001<script>alert(1)</script>',
      'x'.repeat(60_000),
      '0'.repeat(5000),
    ]) {
      const response = await mod.submit(
        '/admin/organisations/new',
        '/admin/organisations',
        form({ municipalities }),
      )
      expect(response.statusCode, municipalities.slice(0, 20)).toBe(422)
      expect(response.body).not.toContain('<script>alert(1)')
    }
    const huge = await mod.submit(
      '/admin/organisations/new',
      '/admin/organisations',
      form({ intent: 'addMunicipality', municipalityPick: '99999999999999' }),
    )
    expect(huge.statusCode).toBe(200)
  })
})

describe('the form’s municipality search', () => {
  it('without JavaScript: "Kommune suchen" shows results, "hinzufügen" adds a line, nothing saved', async () => {
    const before = await database.db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    const typed = form({ name: 'ITK Rheinland <neu>', kind: 'it_dienstleister', domains: 'itk-neu.de' })
    const found = await mod.submit('/admin/organisations/new', '/admin/organisations', {
      ...typed,
      municipalityQuery: 'wettr',
      intent: 'findMunicipality',
    })
    expect(found.statusCode).toBe(200)
    expect(found.body).toContain(`name="municipalityPick" value="${wettringen.id}"`)
    expect(found.body).toContain('value="ITK Rheinland &lt;neu&gt;"')
    expect(found.body).toContain('>itk-neu.de</textarea>')
    expect(found.body).not.toContain('error-summary')

    const added = await mod.submit('/admin/organisations/new', '/admin/organisations', {
      ...typed,
      municipalities: '05',
      municipalityQuery: 'wettr',
      municipalityPick: String(wettringen.id),
      intent: 'addMunicipality',
    })
    expect(added.statusCode).toBe(200)
    expect(added.body).toContain(`>05\n${wettringen.ags} Wettringen (Kreis Steinfurt)</textarea>`)
    expect(added.body).toContain('Noch nicht gespeichert')
    const after = await database.db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(after).toEqual(before)
  })

  it('with htmx: results while typing, register organisations only; moderators only', async () => {
    const fragment = await mod.get('/admin/organisations/municipalities?municipalityQuery=wettr', {
      'hx-request': 'true',
    })
    expect(fragment.statusCode).toBe(200)
    expect(fragment.body).not.toContain('<html')
    expect(fragment.body).toContain(`value="${wettringen.id}"`)
    expect(fragment.body).toContain('value="addMunicipality"')
    const konzern = await mod.get(
      '/admin/organisations/municipalities?municipalityQuery=Zweckverband%20Digitales',
    )
    expect(konzern.statusCode).toBe(200)
    expect(konzern.body).not.toContain('Zweckverband Digitales Münsterland')
    expect((await member.get('/admin/organisations/municipalities?municipalityQuery=wettr')).statusCode).toBe(
      403,
    )
  })
})

describe('a moderator’s name for a register organisation against the register import', () => {
  const fixture = path.join(import.meta.dirname, 'fixtures', 'gv-saarland-2021q4.csv')
  const row = (key: string) =>
    database.db
      .selectFrom('organisations')
      .select(['id', 'name', 'kind', 'official_key', 'land', 'search_name'])
      .select(sql<Date | null>`name_kept_at`.as('name_kept_at'))
      .where('official_key', '=', key)
      .executeTakeFirstOrThrow()

  async function rename(key: string, name: string) {
    const before = await row(key)
    const response = await mod.submit(
      `/admin/organisations/${before.id}/edit`,
      `/admin/organisations/${before.id}`,
      {
        name,
        kind: before.kind,
        officialKey: key,
        land: '',
        domains: '',
        municipalities: '',
      },
    )
    expect(response.statusCode).toBe(303)
    return row(key)
  }

  it('keeps the moderator’s name while the register’s own name stays, takes the register’s new one', async () => {
    // Schmelz stays as it is in the newer extract; Bous becomes a Stadt ("Bous, Stadt").
    const schmelz = await rename('10044117', 'Gemeinde Schmelz (Saar)')
    expect(schmelz.name_kept_at).not.toBeNull()
    expect(schmelz.search_name).toContain('saar')
    const bous = await rename('10044122', 'Gemeinde Bous an der Saar')
    expect(bous.name_kept_at).not.toBeNull()

    await importRegisterFile(database.db, readFileSync(fixture, 'utf8'), { stand: '2021-12-31' })
    expect((await row('10044117')).name).toBe('Gemeinde Schmelz (Saar)')
    const renamed = await row('10044122')
    expect(renamed.name).toBe('Stadt Bous')
    expect(renamed.name_kept_at).toBeNull()
  })

  it('refreshes the search context of the organisations below a renamed one', async () => {
    const kreis = await database.db
      .selectFrom('organisations')
      .select(['id', 'official_key', 'kind'])
      .where('name', '=', 'Kreis Steinfurt')
      .executeTakeFirstOrThrow()
    await rename(kreis.official_key!, 'Kreis Steinfurt im Münsterland')
    const below = await database.db
      .selectFrom('organisations')
      .select('search_context')
      .where('id', '=', wettringen.id)
      .executeTakeFirstOrThrow()
    expect(below.search_context).toContain('munsterland')
  })
})
