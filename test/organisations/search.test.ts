import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { searchOrganisations } from '../../src/features/organisations/directory-search.ts'
import {
  findOrganisationById,
  isOfficialDomain,
  listDomains,
} from '../../src/features/organisations/organisations.repository.ts'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, createOrganisation, signInAs } from '../helpers/factories.ts'

let database: TestDatabase
let app: FastifyInstance
let musterstadt: { id: number }
let stadtwerke: { id: number }

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildTestApp(database.db)
  musterstadt = await createOrganisation(database.db, {
    name: 'Musterstadt, Stadt',
    kind: 'gemeinde',
    officialKey: '09184999',
    domains: ['stadt-musterstadt.de', 'musterstadt.bayern.de'],
  })
  stadtwerke = await createOrganisation(database.db, {
    name: 'Stadtwerke Musterstadt GmbH',
    kind: 'kommunales_unternehmen',
    domains: ['swm-muster.de'],
  })
})
afterAll(async () => {
  await app?.close()
  await database?.drop()
})

const keysOf = (rows: { officialKey: string | null }[]) => rows.map((row) => row.officialKey)
const namesOf = (rows: { name: string }[]) => rows.map((row) => row.name)

describe('searchOrganisations over the whole directory', () => {
  it('finds by name, case-insensitive, the name itself first, towns before Kreise, the larger first', async () => {
    const rows = await searchOrganisations(database.db, 'münchen')
    expect(namesOf(rows).slice(0, 2)).toEqual(['Landeshauptstadt München', 'Landkreis München'])
    expect(rows[0]).toEqual({
      id: expect.any(Number),
      name: 'Landeshauptstadt München',
      kind: 'kreisfreie_stadt',
      land: '09',
      officialKey: '09162',
      officialKind: 'kreisfreie Stadt',
      population: 1_484_226,
      chain: [],
      historical: false,
    })
    // "Halle" is first the city of that name with a qualifier, then the villages called just Halle.
    expect(namesOf(await searchOrganisations(database.db, 'halle')).slice(0, 4)).toEqual([
      'Stadt Halle (Saale)',
      'Stadt Halle (Westf.)',
      'Halle',
      'Halle',
    ])
  })

  it('finds by word prefixes: "wettr" is both Wettringens, told apart by Kreis and Land', async () => {
    const rows = await searchOrganisations(database.db, 'wettr')
    expect(rows.slice(0, 2).map((row) => [row.name, row.officialKind, row.chain, row.land])).toEqual([
      ['Wettringen', 'Gemeinde', ['Kreis Steinfurt'], '05'],
      ['Wettringen', 'Gemeinde', ['Verwaltungsgemeinschaft Schillingsfürst', 'Landkreis Ansbach'], '09'],
    ])
    // Within three keystrokes among the first twenty.
    expect(keysOf(await searchOrganisations(database.db, 'wet'))).toContain('05566096')
    expect(keysOf(await searchOrganisations(database.db, 'titisee neu'))[0]).toBe('08315113')
    expect(keysOf(await searchOrganisations(database.db, 'neustadt an der wein'))).toEqual(['07316'])
  })

  it('folds umlauts and ß either way and ignores accents, hyphens and case', async () => {
    for (const query of ['Münster', 'muenster', 'MUNSTER', 'münster']) {
      expect(keysOf(await searchOrganisations(database.db, query))[0], query).toBe('05515')
    }
    for (const query of ['KOELN', 'koln', 'Köln', 'stadt köln']) {
      expect(keysOf(await searchOrganisations(database.db, query))[0], query).toBe('05315')
    }
    expect(keysOf(await searchOrganisations(database.db, 'gross gerau')).slice(0, 2)).toEqual([
      '06433006',
      '06433',
    ])
    expect(keysOf(await searchOrganisations(database.db, 'Neustadt an der Weinstrasse'))).toEqual(['07316'])
    expect(keysOf(await searchOrganisations(database.db, 'Landkreis München'))[0]).toBe('09184')
    expect(keysOf(await searchOrganisations(database.db, 'regionalverband saar'))[0]).toBe('10041')
    expect(namesOf(await searchOrganisations(database.db, 'stadtwerke muster'))).toEqual([
      'Stadtwerke Musterstadt GmbH',
    ])
  })

  it('tells the Neustadts apart: each with its Kreis or Land, and "neustadt holstein" is the one', async () => {
    const rows = await searchOrganisations(database.db, 'neustadt', { limit: 200 })
    const towns = rows.filter((row) => row.kind === 'gemeinde' && /^(Stadt )?Neustadt\b/.test(row.name))
    expect(towns.length).toBeGreaterThanOrEqual(15)
    const labels = towns.map((row) => `${row.name} ${row.chain.join(' ')} ${row.land}`)
    expect(new Set(labels).size).toBe(labels.length)
    expect(rows[0]?.name).toBe('Stadt Neustadt an der Weinstraße')
    expect(namesOf(await searchOrganisations(database.db, 'neustadt holstein'))).toEqual([
      'Stadt Neustadt in Holstein',
    ])
    expect(namesOf(await searchOrganisations(database.db, 'neustadt ostholst'))).toEqual([
      'Stadt Neustadt in Holstein',
    ])
  })

  it('finds by AGS, ARS and Kreis key (exact first, then as a prefix) and by postcode', async () => {
    expect(keysOf(await searchOrganisations(database.db, '05566096'))).toEqual(['05566096'])
    expect(keysOf(await searchOrganisations(database.db, '055660096096'))).toEqual(['05566096'])
    expect(keysOf(await searchOrganisations(database.db, '09162'))[0]).toBe('09162')
    expect(keysOf(await searchOrganisations(database.db, '09 1 62'))[0]).toBe('09162')
    expect(keysOf(await searchOrganisations(database.db, '09162000'))).toEqual(['09162'])
    const steinfurt = await searchOrganisations(database.db, '05566', { limit: 200 })
    expect(steinfurt[0]?.officialKey).toBe('05566')
    expect(steinfurt).toHaveLength(25)
    expect(steinfurt.every((row) => row.officialKey?.startsWith('05566'))).toBe(true)
    expect(keysOf(await searchOrganisations(database.db, '48493'))).toEqual(['05566096'])
    // Two digits are a Land's key, not a prefix of half the Land.
    expect(keysOf(await searchOrganisations(database.db, '01'))).toEqual(['01'])
    expect(keysOf(await searchOrganisations(database.db, '0 9'))).toEqual(['09'])
    expect(keysOf(await searchOrganisations(database.db, '4849'))).toContain('05566096')
  })

  it('finds by e-mail domain or address when the query has a dot', async () => {
    for (const query of [
      'stadt-musterstadt.de',
      'erika@Stadt-Musterstadt.de',
      'stadt-musterstadt.d',
      'it.stadt-musterstadt.de',
    ]) {
      const rows = await searchOrganisations(database.db, query)
      expect(
        rows.map((row) => row.id),
        query,
      ).toContain(musterstadt.id)
    }
    expect((await searchOrganisations(database.db, 'swm-muster.de')).map((row) => row.id)).toEqual([
      stadtwerke.id,
    ])
    expect(await searchOrganisations(database.db, 'unbekannt.de')).toEqual([])
  })

  it('finds nothing for an empty or one-character query', async () => {
    expect(await searchOrganisations(database.db, '')).toEqual([])
    expect(await searchOrganisations(database.db, '   ')).toEqual([])
    expect(await searchOrganisations(database.db, 'k')).toEqual([])
    expect(await searchOrganisations(database.db, ' k ')).toEqual([])
  })

  it('treats LIKE wildcards and quotes as plain text, and respects the limit', async () => {
    expect(await searchOrganisations(database.db, '%%')).toEqual([])
    expect(await searchOrganisations(database.db, '__')).toEqual([])
    expect(await searchOrganisations(database.db, "'; drop table organisations; --")).toEqual([])
    expect(await searchOrganisations(database.db, '\\\\')).toEqual([])
    expect(await searchOrganisations(database.db, 'kreis', { limit: 5 })).toHaveLength(5)
    expect(await searchOrganisations(database.db, 'a'.repeat(10_000))).toEqual([])
  })

  it('leaves historical organisations out unless asked for them', async () => {
    const old = await createOrganisation(database.db, { name: 'Altgemeinde Verschwunden', kind: 'gemeinde' })
    await database.db
      .updateTable('organisations')
      .set({ historical_at: new Date() })
      .where('id', '=', old.id)
      .execute()
    expect(await searchOrganisations(database.db, 'altgemeinde verschw')).toEqual([])
    const found = await searchOrganisations(database.db, 'altgemeinde verschw', { includeHistorical: true })
    expect(found.map((row) => [row.id, row.historical])).toEqual([[old.id, true]])
  })
})

describe('search folding (in the database, like the stored names)', () => {
  it('treats umlauts, their ae/oe/ue spelling, ß, accents, case and punctuation alike', async () => {
    const fold = async (text: string) =>
      (await sql<{ folded: string }>`select organisation_fold(${text}) as folded`.execute(database.db))
        .rows[0]!.folded
    expect(await fold('Köln')).toBe(await fold('KOELN'))
    expect(await fold('Koln')).toBe('koln')
    expect(await fold('Straße Münster')).toBe('strasse munster')
    expect(await fold('ÜBERLINGEN')).toBe('uberlingen')
    expect(await fold('Titisee-Neustadt')).toBe('titisee neustadt')
    expect(await fold('Bad Homburg v. d. Höhe')).toBe('bad homburg v d hohe')
    expect(await fold('Burg (Spreewald)/Bórkowy (Błota)')).toBe('burg spreewald borkowy blota')
  })
})

describe('domains and lookups', () => {
  it('isOfficialDomain matches the exact domain, case-insensitive, also from an address', async () => {
    expect(await isOfficialDomain(database.db, musterstadt.id, 'stadt-musterstadt.de')).toBe(true)
    expect(await isOfficialDomain(database.db, musterstadt.id, 'STADT-MUSTERSTADT.DE')).toBe(true)
    expect(await isOfficialDomain(database.db, musterstadt.id, 'erika@stadt-musterstadt.de')).toBe(true)
    expect(await isOfficialDomain(database.db, musterstadt.id, 'it.stadt-musterstadt.de')).toBe(false)
    expect(await isOfficialDomain(database.db, musterstadt.id, 'swm-muster.de')).toBe(false)
    expect(await isOfficialDomain(database.db, stadtwerke.id, 'stadt-musterstadt.de')).toBe(false)
    expect(await isOfficialDomain(database.db, musterstadt.id, '')).toBe(false)
    expect(await isOfficialDomain(database.db, musterstadt.id, 'not a domain')).toBe(false)
    expect(await isOfficialDomain(database.db, 2 ** 40, 'stadt-musterstadt.de')).toBe(false)
  })

  it('listDomains lists an organisation’s domains in order', async () => {
    expect(await listDomains(database.db, musterstadt.id)).toEqual([
      'musterstadt.bayern.de',
      'stadt-musterstadt.de',
    ])
    expect(await listDomains(database.db, 999_999)).toEqual([])
  })

  it('findOrganisationById returns the row or undefined, also for ids Postgres cannot hold', async () => {
    expect(await findOrganisationById(database.db, musterstadt.id)).toMatchObject({
      id: musterstadt.id,
      name: 'Musterstadt, Stadt',
      kind: 'gemeinde',
      officialKey: '09184999',
      autoApprove: false,
    })
    expect(await findOrganisationById(database.db, 999_999)).toBeUndefined()
    expect(await findOrganisationById(database.db, 2 ** 40)).toBeUndefined()
    expect(await findOrganisationById(database.db, -1)).toBeUndefined()
    expect(await findOrganisationById(database.db, 1.5)).toBeUndefined()
  })
})

describe('GET /organisations/search', () => {
  it('answers htmx with the partial only: radio buttons labelled "Name, Art — Kreis, Land" and a status line', async () => {
    const response = await app.inject({
      url: '/organisations/search?orgQuery=Wettringen',
      headers: { 'hx-request': 'true' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers.vary).toContain('HX-Request')
    const body = response.body
    expect(body).not.toContain('<html')
    expect(body).not.toContain('<form')
    expect(body).toMatch(/<p role="status"[^>]*>2 Organisationen gefunden<\/p>/)
    expect(body).toMatch(/<input type="radio" id="organisation-(\d+)" name="organisationId" value="\1">/)
    expect(body).toContain(
      '><bdi>Wettringen</bdi>, Gemeinde — <bdi>Kreis Steinfurt</bdi>, Nordrhein-Westfalen</label>',
    )
    expect(body).toContain(
      '><bdi>Wettringen</bdi>, Gemeinde — <bdi>Verwaltungsgemeinschaft Schillingsfürst</bdi>, <bdi>Landkreis Ansbach</bdi>, Bayern</label>',
    )
    const one = await app.inject({ url: '/organisations/search?q=48493', headers: { 'hx-request': 'true' } })
    expect(one.body).toMatch(/<p role="status"[^>]*>1 Organisation gefunden<\/p>/)
    expect(body).toContain('<legend>')
  })

  it('counts several results and marks the chosen one', async () => {
    const rows = await searchOrganisations(database.db, 'münchen')
    const chosen = rows[1]!
    const response = await app.inject({
      url: `/organisations/search?q=m%C3%BCnchen&organisationId=${chosen.id}`,
      headers: { 'hx-request': 'true' },
    })
    expect(response.body).toContain(`${rows.length} Organisationen gefunden`)
    expect(response.body).toContain(`value="${chosen.id}" checked>`)
    expect(response.body).toContain('<bdi>Landkreis München</bdi> — Bayern</label>')
    expect(response.body).toContain('<bdi>Landeshauptstadt München</bdi>, kreisfreie Stadt — Bayern</label>')
    expect(response.body.match(/ checked/g)).toHaveLength(1)
  })

  it('keeps the chosen organisation when the query no longer finds it', async () => {
    const response = await app.inject({
      url: `/organisations/search?q=xyz-nichts&organisationId=${musterstadt.id}`,
      headers: { 'hx-request': 'true' },
    })
    expect(response.body).toContain(`value="${musterstadt.id}" checked>`)
    expect(response.body).toContain(
      '<bdi>Musterstadt, Stadt</bdi>, Stadt/Gemeinde — Nordrhein-Westfalen</label>',
    )
  })

  it('says so when nothing is found or the query is too short', async () => {
    const none = await app.inject({
      url: '/organisations/search?q=Atlantis',
      headers: { 'hx-request': 'true' },
    })
    expect(none.body).toContain('Keine Organisation gefunden – bitte Namen oder Schlüssel anders schreiben')
    expect(none.body).not.toContain('type="radio"')
    const short = await app.inject({ url: '/organisations/search?q=K', headers: { 'hx-request': 'true' } })
    expect(short.body).toContain('Bitte mindestens 2 Zeichen eingeben.')
    const empty = await app.inject({ url: '/organisations/search', headers: { 'hx-request': 'true' } })
    expect(empty.statusCode).toBe(200)
    expect(empty.body).toMatch(/<p role="status" class="search-status"><\/p>/)
  })

  it('tells people to be more specific when there are more than 20', async () => {
    const response = await app.inject({
      url: '/organisations/search?q=kreis',
      headers: { 'hx-request': 'true' },
    })
    expect(response.body).toContain('Mehr als 20 Organisationen gefunden – bitte genauer suchen')
    expect(response.body.match(/type="radio"/g)).toHaveLength(20)
  })

  it('serves a whole page without htmx, that works without JavaScript, to anonymous visitors', async () => {
    const response = await app.inject({ url: '/organisations/search?orgQuery=09162' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<html lang="de">')
    expect(response.body).toContain('<h1>Organisation suchen</h1>')
    expect(response.body).toContain('value="09162"')
    expect(response.body).toContain('formaction="/organisations/search"')
    expect(response.body).toContain('<div id="org-results">')
    expect(response.body).toContain('<bdi>Landeshauptstadt München</bdi>, kreisfreie Stadt — Bayern')
    expect(response.headers['set-cookie']).toBeUndefined()
  })

  it('a boosted navigation or history restore gets the whole page', async () => {
    for (const header of ['hx-boosted', 'hx-history-restore-request']) {
      const response = await app.inject({
        url: '/organisations/search?q=K%C3%B6ln',
        headers: { 'hx-request': 'true', [header]: 'true' },
      })
      expect(response.body).toContain('<html')
    }
  })

  it('speaks English when asked', async () => {
    const response = await app.inject({
      url: '/organisations/search?q=M%C3%BCnchen',
      headers: { 'hx-request': 'true', 'accept-language': 'en' },
    })
    const rows = await searchOrganisations(database.db, 'München')
    expect(response.body).toContain(`${rows.length} organisations found`)
    expect(response.body).toContain('<bdi>Landkreis München</bdi> — Bavaria</label>')
  })

  it('escapes what was typed and survives odd input', async () => {
    const xss = await app.inject({ url: '/organisations/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E' })
    expect(xss.statusCode).toBe(200)
    expect(xss.body).not.toContain('<script>alert(1)')
    expect(xss.body).toContain('&lt;script&gt;')
    for (const url of [
      '/organisations/search?q=a&q=b',
      '/organisations/search?q[x]=1',
      '/organisations/search?organisationId=abc&q=K%C3%B6ln',
      '/organisations/search?organisationId=99999999999999999999',
      '/organisations/search?organisationId=-1',
      `/organisations/search?q=${'x'.repeat(5000)}`,
      '/organisations/search?q=%E0%A4%A',
    ]) {
      const response = await app.inject({ url })
      expect(response.statusCode, url).toBeLessThan(500)
    }
  })

  it('answers an out-of-range or malformed organisation id with a 400 page, an empty one as none', async () => {
    for (const id of ['2147483648', '0', 'abc', '1.5']) {
      const response = await app.inject({ url: `/organisations/search?q=K%C3%B6ln&organisationId=${id}` })
      expect(response.statusCode, id).toBe(400)
      expect(response.body).toContain('Ungültige Anfrage')
    }
    const none = await app.inject({ url: '/organisations/search?q=K%C3%B6ln&organisationId=' })
    expect(none.statusCode).toBe(200)
    expect(none.body).toContain('Stadt Köln')
  })

  it('is reachable for signed-in members too', async () => {
    const member = await createMember(database.db, { status: 'pending_review' })
    const agent = createAgent(app)
    await signInAs(database.db, agent, member.id)
    const response = await agent.get('/organisations/search?q=K%C3%B6ln', { 'hx-request': 'true' })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Stadt Köln')
  })
})
