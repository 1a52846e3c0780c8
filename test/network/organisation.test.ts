// Organisation pages (/o/<key>): name, kind, chain of parents, population, members, their
// threads with stage counts, and for a Kreis or Verband the organisations below with members.
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOrganisation } from '../helpers/factories.ts'
import { asCurrent, createRegisterChain, createThread, signedIn } from '../profiles/helpers.ts'

const context = useTestApp()

const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')

describe('the organisation page', () => {
  it('shows kind, chain, population, the members there and their threads with stage counts', async () => {
    const { db } = context.database
    const chain = await createRegisterChain(db, {
      suffix: '92',
      population: 4_321,
      gemeindeName: 'Gemeinde Testhausen',
    })
    const anna = await createMember(db, {
      name: 'Anna Amtlich',
      jobTitle: 'Digitalisierungsbeauftragte',
      organisationId: chain.gemeinde.id,
    })
    const ben = await createMember(db, {
      name: 'Ben Bauamt',
      jobTitle: 'IT-Leitung',
      organisationId: chain.gemeinde.id,
    })
    await createMember(db, {
      name: 'Paul Pending',
      status: 'pending_review',
      organisationId: chain.gemeinde.id,
    })
    await createThread(db, asCurrent(anna), { title: 'Chatbot im Bürgerbüro', stage: 'pilot' })
    await createThread(db, asCurrent(anna), { title: 'Terminbuchung online', stage: 'pilot' })
    await createThread(db, asCurrent(ben), { title: 'E-Rechnung läuft', stage: 'in_use' })
    const { agent } = await signedIn(db, context.app)

    const page = await agent.get(`/o/${chain.gemeinde.ars}`)
    expect(page.statusCode).toBe(200)
    const html = page.body
    const text = textOf(html)
    expect(html).toContain('<h1><bdi>Gemeinde Testhausen</bdi></h1>')
    expect(text).toContain('Art Stadt/Gemeinde')
    expect(text).toContain('Einwohnerzahl 4.321')
    expect(html).toContain(`href="/o/${chain.verband.ars}"><bdi>${chain.verband.name}</bdi>`)
    expect(html).toContain(`href="/o/${chain.kreis.ars}"><bdi>${chain.kreis.name}</bdi>`)
    expect(html).toContain(`href="/m/${anna.id}"><bdi>Anna Amtlich</bdi>`)
    expect(html).toContain('<bdi>Digitalisierungsbeauftragte</bdi>')
    expect(html).toContain(`href="/m/${ben.id}"`)
    expect(html).not.toContain('Paul Pending')
    expect(text).toContain('1 im Einsatz, 2 Piloten')
    expect(html).toContain('Chatbot im Bürgerbüro')
    expect(html).toContain('E-Rechnung läuft')
  })

  it('for a Kreis and a Verband lists the organisations below that have members', async () => {
    const { db } = context.database
    const chain = await createRegisterChain(db, { suffix: '93', gemeindeName: 'Gemeinde Unterort' })
    const empty = await createRegisterChain(db, { suffix: '94', gemeindeName: 'Gemeinde Leerdorf' })
    await createMember(db, { organisationId: chain.gemeinde.id })
    await createMember(db, { organisationId: chain.gemeinde.id })
    await createMember(db, { organisationId: empty.gemeinde.id, status: 'pending_review' })
    // A municipal IT service provider that names the Kreis as one it serves.
    const provider = await createOrganisation(db, { name: 'KDN Testverbund', kind: 'it_dienstleister' })
    await db
      .insertInto('organisation_municipalities')
      .values({ organisation_id: provider.id, municipality_id: chain.kreis.id })
      .execute()
    await createMember(db, { organisationId: provider.id })
    const { agent } = await signedIn(db, context.app)

    const kreis = await agent.get(`/o/${chain.kreis.ars}`)
    expect(kreis.statusCode).toBe(200)
    const below = kreis.body.slice(kreis.body.indexOf('id="below-heading"'))
    expect(below).toContain('Gemeinde Unterort')
    expect(textOf(below)).toContain('2 Mitglieder')
    expect(below).toContain(`href="/o/id-${provider.id}"`)
    const verband = await agent.get(`/o/${chain.verband.ars}`)
    expect(verband.body.slice(verband.body.indexOf('id="below-heading"'))).toContain('Gemeinde Unterort')

    const emptyKreis = await agent.get(`/o/${empty.kreis.ars}`)
    expect(emptyKreis.body).toContain('Darunter hat noch keine Organisation Mitglieder.')
    expect(emptyKreis.body).not.toContain('Gemeinde Leerdorf</bdi></a> <span')

    // The provider's own page names the Kreis it serves.
    const own = await agent.get(`/o/id-${provider.id}`)
    expect(own.statusCode).toBe(200)
    expect(own.body).toContain(`href="/o/${chain.kreis.ars}"`)
  })

  it('finds an organisation by AGS too, and sends other addresses to the canonical one', async () => {
    const { db } = context.database
    const chain = await createRegisterChain(db, { suffix: '95' })
    const { agent } = await signedIn(db, context.app)
    const byAgs = await agent.get(`/o/${chain.gemeinde.ags}`)
    expect(byAgs.statusCode).toBe(301)
    expect(byAgs.headers.location).toBe(`/o/${chain.gemeinde.ars}`)
    const byId = await agent.get(`/o/id-${chain.gemeinde.id}`)
    expect(byId.headers.location).toBe(`/o/${chain.gemeinde.ars}`)
    for (const key of ['000000000000', 'id-0', 'id-99999999999', 'köln', '%27', 'x'.repeat(41)]) {
      expect((await agent.get(`/o/${encodeURIComponent(key)}`)).statusCode, key).toBe(404)
    }
  })
})
