// The registration form proposes the organisation of the e-mail address's official domain: while
// typing (htmx on the e-mail field → /organisations/propose → the picker) and, without
// JavaScript, when the form comes back after sending. Public mail providers and unknown
// domains propose nothing; a choice the person made stays theirs.
import { beforeAll, describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createOrganisation } from '../helpers/factories.ts'

const setup = useTestApp()
let vorschlag: { id: number }
let andere: { id: number }

beforeAll(async () => {
  vorschlag = await createOrganisation(setup.database.db, {
    name: 'Stadt Vorschlagshausen',
    domains: ['vorschlagshausen.de'],
  })
  andere = await createOrganisation(setup.database.db, {
    name: 'Gemeinde Anderswo',
    domains: ['anderswo.de'],
  })
})

const propose = (query: Record<string, string>, remoteAddress?: string) =>
  setup.app.inject({
    url: `/organisations/propose?${new URLSearchParams(query)}`,
    headers: { 'hx-request': 'true' },
    ...(remoteAddress ? { remoteAddress } : {}),
  })

const checked = (html: string) =>
  [...html.matchAll(/value="(\d+)" checked/g)].map((match) => Number(match[1]))

describe('while typing the e-mail address (htmx)', () => {
  it('proposes and chooses the organisation of a known official domain, also from a subdomain', async () => {
    for (const email of ['erika@vorschlagshausen.de', 'Erika@Rathaus.Vorschlagshausen.DE']) {
      const response = await propose({ email })
      expect(response.statusCode, email).toBe(200)
      expect(response.body).not.toContain('<html')
      expect(checked(response.body), email).toEqual([vorschlag.id])
      expect(response.body).toContain('Ihre E-Mail-Adresse gehört zu Stadt Vorschlagshausen')
      expect(response.body).toContain(`name="proposedId" value="${vorschlag.id}"`)
    }
  })

  it('proposes nothing for a public mail provider, an unknown domain or a half-typed address', async () => {
    for (const email of ['erika@gmx.de', 'erika@web.de', 'erika@unbekannt-hier.de', 'erika@', 'erika', '']) {
      const response = await propose({ email })
      expect(response.statusCode, email).toBe(204)
      expect(response.body).toBe('')
    }
  })

  it('keeps an organisation the person chose, showing the proposal beside it', async () => {
    const response = await propose({ email: 'erika@vorschlagshausen.de', organisationId: String(andere.id) })
    expect(response.statusCode).toBe(200)
    expect(checked(response.body)).toEqual([andere.id])
    expect(response.body).toContain(`value="${vorschlag.id}"`)
  })

  it('replaces its own earlier proposal when the address changes, and takes it back when nothing fits', async () => {
    const changed = await propose({
      email: 'erika@anderswo.de',
      organisationId: String(vorschlag.id),
      proposedId: String(vorschlag.id),
    })
    expect(checked(changed.body)).toEqual([andere.id])
    const gone = await propose({
      email: 'erika@gmx.de',
      organisationId: String(vorschlag.id),
      proposedId: String(vorschlag.id),
    })
    expect(gone.statusCode).toBe(200)
    expect(checked(gone.body)).toEqual([])
    expect(gone.body).not.toContain('Ihre E-Mail-Adresse gehört zu')
  })

  it('stays an answer for hostile input and is rate-limited like the search', async () => {
    for (const email of [
      '\u0000@vorschlagshausen.de',
      `${'a'.repeat(290)}@x.de`,
      '%FF@vorschlagshausen.de',
    ]) {
      const response = await propose({ email }, '192.0.2.44')
      expect(response.statusCode, email).toBeLessThan(500)
    }
    expect((await propose({ email: 'a@b.de', organisationId: '99999999999' }, '192.0.2.44')).statusCode).toBe(
      400,
    )
    for (let i = 0; i < 60; i++) await propose({ email: 'erika@vorschlagshausen.de' }, '192.0.2.45')
    const limited = await propose({ email: 'erika@vorschlagshausen.de' }, '192.0.2.45')
    expect(limited.statusCode).toBe(429)
  })
})

describe('without JavaScript', () => {
  it('the form wires the e-mail field to the proposal', async () => {
    const page = await setup.app.inject('/register')
    expect(page.body).toMatch(
      /hx-get="\/organisations\/propose" hx-trigger="input changed delay:600ms from:#field-email"/,
    )
  })

  it('comes back after sending with the proposal chosen, everything typed kept, nothing registered', async () => {
    const agent = createAgent(setup.app)
    const email = 'mira.vorschlag@vorschlagshausen.de'
    const response = await agent.submit('/register', '/register', {
      name: 'Mira Muster',
      email,
      organisationId: '',
      orgQuery: '',
      jobTitle: 'CDO',
      statement: 'Ich leite die Digitalisierung.',
      password: 'Apfelbaum-Laterne-Fahrrad-7',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('id="error-organisationId"')
    expect(checked(response.body)).toEqual([vorschlag.id])
    expect(response.body).toContain('Ihre E-Mail-Adresse gehört zu Stadt Vorschlagshausen')
    expect(response.body).toContain(`value="${email}"`)
    const member = await setup.database.db
      .selectFrom('members')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst()
    expect(member).toBeUndefined()
  })

  it('proposes nothing for a public mail provider', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.submit('/register', '/register', {
      name: 'Mira Muster',
      email: 'mira@gmx.de',
      organisationId: '',
      jobTitle: 'CDO',
      statement: 'Ich leite die Digitalisierung.',
      password: 'Apfelbaum-Laterne-Fahrrad-7',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).not.toContain('Ihre E-Mail-Adresse gehört zu')
    expect(checked(response.body)).toEqual([])
  })
})
