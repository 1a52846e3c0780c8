// The members directory (/members): filters in the URL, keyset paging, live filtering by htmx
// (the results region only) and the same without JavaScript (the whole page).
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOrganisation } from '../helpers/factories.ts'
import { linksIn } from '../helpers/routes.ts'
import { createRegisterChain, htmx, signedIn } from './helpers.ts'

const context = useTestApp()

/** The names listed in the results, in order. */
function names(html: string): string[] {
  const results = html.slice(html.indexOf('id="member-results-heading"'))
  return [...results.matchAll(/<li><a href="\/m\/\d+"><bdi>([^<]+)<\/bdi>/g)].map((m) => m[1]!)
}

let people: Awaited<ReturnType<typeof signedIn>>
let small: Awaited<ReturnType<typeof createRegisterChain>>
let large: Awaited<ReturnType<typeof createRegisterChain>>

beforeAll(async () => {
  const { db } = context.database
  // Thüringen (16): a small Gemeinde; Nordrhein-Westfalen (05): a large one; an IT provider.
  small = await createRegisterChain(db, {
    land: '16',
    suffix: '91',
    population: 3_000,
    gemeindeName: 'Gemeinde Klein',
  })
  large = await createRegisterChain(db, {
    land: '05',
    suffix: '92',
    population: 150_000,
    gemeindeName: 'Stadt Groß',
  })
  const provider = await createOrganisation(db, { name: 'IT-Verbund Mitte', kind: 'it_dienstleister' })
  await createMember(db, {
    name: 'Zora Klein',
    jobTitle: 'Bürgermeisterin',
    organisationId: small.gemeinde.id,
  })
  await createMember(db, { name: 'Yusuf Groß', jobTitle: 'CDO', organisationId: large.gemeinde.id })
  await createMember(db, {
    name: 'Xaver Verbund',
    jobTitle: 'Projektleitung KI',
    organisationId: provider.id,
  })
  await createMember(db, {
    name: 'Wilma Wartend',
    status: 'pending_review',
    organisationId: small.gemeinde.id,
  })
  await createMember(db, { name: 'Viktor Verbannt', status: 'suspended', organisationId: small.gemeinde.id })
  people = await signedIn(db, context.app, {
    name: 'Ulla Umschau',
    jobTitle: 'IT-Leitung',
    organisationId: large.kreis.id,
  })
  await people.agent.submit('/account/profile', '/account/profile', {
    name: 'Ulla Umschau',
    jobTitle: 'IT-Leitung',
    topics: 'open data, ki',
    introduction: '',
  })
})

describe('the members directory', () => {
  it('lists verified members only, by name', async () => {
    const page = await people.agent.get('/members')
    expect(page.statusCode).toBe(200)
    const listed = names(page.body)
    expect(listed).toEqual(
      expect.arrayContaining(['Ulla Umschau', 'Xaver Verbund', 'Yusuf Groß', 'Zora Klein']),
    )
    expect(listed).not.toContain('Wilma Wartend')
    expect(listed).not.toContain('Viktor Verbannt')
    const sorted = [...listed].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'))
    expect(listed).toEqual(sorted)
  })

  it('filters by Land, Kreis, kind, size band, topic and text, each in the URL', async () => {
    const agent = people.agent
    expect(names((await agent.get('/members?land=16')).body)).toEqual(['Zora Klein'])
    expect(names((await agent.get(`/members?kreis=${large.kreis.id}`)).body)).toEqual([
      'Ulla Umschau',
      'Yusuf Groß',
    ])
    expect(names((await agent.get('/members?kind=it_dienstleister')).body)).toEqual(['Xaver Verbund'])
    expect(names((await agent.get('/members?size=xs&land=16')).body)).toEqual(['Zora Klein'])
    // The band is the population of the member's organisation (the Kreis has 200,000).
    expect(names((await agent.get(`/members?size=l&kreis=${large.kreis.id}`)).body)).toEqual([
      'Ulla Umschau',
      'Yusuf Groß',
    ])
    expect(names((await agent.get(`/members?size=m&kreis=${large.kreis.id}`)).body)).toEqual([])
    expect(names((await agent.get('/members?topic=Open%20Data')).body)).toEqual(['Ulla Umschau'])
    expect(names((await agent.get('/members?q=projektleitung')).body)).toEqual(['Xaver Verbund'])
    expect(names((await agent.get('/members?q=GROSS')).body)).toEqual([])
    expect(names((await agent.get('/members?q=groß')).body)).toEqual(['Yusuf Groß'])
    // LIKE's own characters are taken literally.
    expect(names((await agent.get('/members?q=%25')).body)).toEqual([])
    // The chosen filters stay chosen in the form.
    const page = await agent.get(`/members?land=05&kreis=${large.kreis.id}&kind=gemeinde&size=l&topic=ki&q=a`)
    expect(page.body).toContain('<option value="05" selected>')
    expect(page.body).toContain(`<option value="${large.kreis.id}" selected>`)
    expect(page.body).toContain('<option value="gemeinde" selected>')
    expect(page.body).toContain('<option value="l" selected>')
    expect(page.body).toContain('name="topic" value="ki"')
    // The Kreis list offers Kreise with members.
    expect(page.body).toContain(`<option value="${small.kreis.id}">`)
  })

  it('says which filter it did not understand and applies the others', async () => {
    const response = await people.agent.get('/members?land=99&size=huge&kind=stadtstaat&kreis=abc&q=Zora')
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('href="#field-land"')
    expect(response.body).toContain('href="#field-size"')
    expect(response.body).toContain('href="#field-kind"')
    expect(response.body).toContain('href="#field-kreis"')
    expect(names(response.body)).toEqual(['Zora Klein'])
  })

  it('pages with a keyset cursor (limit + 1), no member twice or missed', async () => {
    const { db } = context.database
    const org = await createOrganisation(db, { name: 'Paging-Amt', kind: 'kommunales_unternehmen' })
    const made: string[] = []
    for (let index = 0; index < 30; index++) {
      const name = `Page ${String(index).padStart(2, '0')}`
      made.push(name)
      await createMember(db, { name, organisationId: org.id })
    }
    // Two members with the same name are told apart by id.
    await createMember(db, { name: 'Page 07', organisationId: org.id })
    made.push('Page 07')
    made.sort()
    const seen: string[] = []
    let url: string | undefined = `/members?organisation=${org.id}`
    let pages = 0
    while (url && pages < 5) {
      const page = await people.agent.get(url)
      expect(page.statusCode).toBe(200)
      seen.push(...names(page.body))
      url = linksIn(page.body).find((link) => link.includes('after='))
      pages++
    }
    expect(pages).toBe(2)
    expect(seen).toEqual(made)
  })

  it('answers htmx with the results region only, and the same URL without htmx with the whole page', async () => {
    const fragment = await people.agent.get('/members?land=16', { ...htmx, 'hx-target': 'member-results' })
    expect(fragment.statusCode).toBe(200)
    expect(fragment.body).not.toContain('<html')
    expect(fragment.body).not.toContain('<form')
    expect(names(fragment.body)).toEqual(['Zora Klein'])
    expect(fragment.headers.vary).toContain('HX-Request')
    const page = await people.agent.get('/members?land=16')
    expect(page.body).toContain('<html')
    expect(page.body).toContain('hx-get="/members"')
    expect(page.body).toContain('action="/members"')
    expect(names(page.body)).toEqual(['Zora Klein'])
  })
})
