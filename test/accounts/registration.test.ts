import { describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOrganisation } from '../helpers/factories.ts'
import { linkIn, sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp()

const strongPassword = 'Apfelbaum-Laterne-Fahrrad-7'

let musterhausen: { id: number } | undefined
async function application(overrides: Record<string, string> = {}) {
  musterhausen ??= await createOrganisation(setup.database.db, {
    name: 'Stadt Musterhausen',
    domains: ['musterhausen.de'],
  })
  const org = musterhausen
  return {
    name: 'Mira Muster',
    email: `mira.${Math.random().toString(36).slice(2, 8)}@musterhausen.de`,
    organisationId: String(org.id),
    jobTitle: 'CDO',
    statement: 'Ich leite die Digitalisierung.',
    password: strongPassword,
    ...overrides,
  }
}

function memberByEmail(email: string) {
  return setup.database.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirst()
}

describe('registration', () => {
  it('shows a labelled form with every field', async () => {
    const response = await setup.app.inject('/register')
    expect(response.statusCode).toBe(200)
    for (const field of ['name', 'email', 'orgQuery', 'jobTitle', 'statement', 'password']) {
      expect(response.body).toMatch(new RegExp(`<label for="field-${field}"`))
      expect(response.body).toMatch(new RegExp(`id="field-${field}"`))
    }
  })

  it('re-renders with per-field errors, keeps what was typed, never the password', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.submit('/register', '/register', {
      name: 'Mira <Muster>',
      email: 'not-an-address',
      organisationId: '',
      jobTitle: '',
      statement: 'x'.repeat(1001),
      password: 'geheimes-passwort-1',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('value="Mira &lt;Muster&gt;"')
    expect(response.body).toContain('value="not-an-address"')
    expect(response.body).not.toContain('geheimes-passwort-1')
    expect(response.body).toContain('id="error-email"')
    expect(response.body).toContain('id="error-jobTitle"')
    expect(response.body).toContain('id="error-statement"')
    expect(response.body).toContain('role="alert"')
  })

  it('refuses short and very common passwords', async () => {
    const agent = createAgent(setup.app)
    const short = await agent.submit('/register', '/register', await application({ password: 'kurz' }))
    expect(short.statusCode).toBe(422)
    expect(short.body).toContain('mindestens 12 Zeichen')
    const common = await agent.submit(
      '/register',
      '/register',
      await application({ password: 'Passwort1234' }),
    )
    expect(common.statusCode).toBe(422)
    expect(common.body).toContain('zu verbreitet')
  })

  it('refuses an organisation that does not exist', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.submit(
      '/register',
      '/register',
      await application({ organisationId: '999999' }),
    )
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('id="error-organisationId"')
  })

  it('searches organisations without JavaScript and keeps the typed values', async () => {
    await createOrganisation(setup.database.db, { name: 'Gemeinde Suchbeispiel' })
    const agent = createAgent(setup.app)
    const response = await agent.submit('/register', '/register', {
      action: 'search',
      orgQuery: 'Suchbeispiel',
      name: 'Mira Muster',
      password: 'wird-nicht-gezeigt-123',
    })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Gemeinde Suchbeispiel')
    expect(response.body).toContain('name="organisationId"')
    expect(response.body).toContain('value="Mira Muster"')
    expect(response.body).not.toContain('wird-nicht-gezeigt-123')
  })

  it('confirms the address by the button, not by opening the link, then waits for review', async () => {
    const form = await application()
    const agent = createAgent(setup.app)
    const response = await agent.submit('/register', '/register', {
      ...form,
      role: 'admin',
      status: 'verified',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/register/sent')
    const stored = await memberByEmail(form.email)
    expect(stored).toMatchObject({ status: 'pending_email', role: 'member', name: 'Mira Muster' })
    expect(stored!.password_hash).toMatch(/^\$argon2id\$/)

    const mails = await sendQueuedMail(setup.database)
    const mail = mails.find((m) => m.to === form.email)!
    expect(mail.subject).toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse')
    const link = linkIn(mail, '/confirm/')

    // A mail scanner opening the link twice confirms nothing.
    expect((await setup.app.inject(link)).statusCode).toBe(200)
    expect((await setup.app.inject(link)).body).toContain('<form method="post"')
    expect((await memberByEmail(form.email))!.status).toBe('pending_email')

    const confirmed = await agent.submit(link, link, {})
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('prüft jetzt Ihren Antrag')
    expect((await memberByEmail(form.email))!.status).toBe('pending_review')

    const again = await agent.submit('/register', link, {})
    expect(again.statusCode).toBe(410)
  })

  it('stores the token only as a hash', async () => {
    const form = await application()
    await createAgent(setup.app).submit('/register', '/register', form)
    const mails = await sendQueuedMail(setup.database)
    const token = linkIn(mails.find((m) => m.to === form.email)!, '/confirm/')
      .split('/')
      .pop()!
    const rows = await setup.database.db.selectFrom('member_tokens').select('token_hash').execute()
    expect(rows.some((r) => r.token_hash === token)).toBe(false)
  })

  it('answers an already registered address like a new one and mails the owner instead', async () => {
    const existing = await createMember(setup.database.db, { email: 'schon.da@musterhausen.de' })
    const response = await createAgent(setup.app).submit(
      '/register',
      '/register',
      await application({ email: 'schon.da@musterhausen.de' }),
    )
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/register/sent')
    const mails = await sendQueuedMail(setup.database)
    const mail = mails.find((m) => m.to === existing.email)!
    expect(mail.subject).toBe('Ihr Konto im Vertrauensraum')
  })

  it('verifies at once when the organisation auto-approves its own domain', async () => {
    const org = await createOrganisation(setup.database.db, { domains: ['auto-stadt.de'], autoApprove: true })
    const form = await application({ organisationId: String(org.id), email: 'anna@auto-stadt.de' })
    const agent = createAgent(setup.app)
    await agent.submit('/register', '/register', form)
    const link = linkIn((await sendQueuedMail(setup.database)).find((m) => m.to === form.email)!, '/confirm/')
    await agent.submit(link, link, {})
    const member = await memberByEmail(form.email)
    expect(member).toMatchObject({ status: 'verified', verified_by: null })
    expect(member!.verification_evidence).toContain('auto-stadt.de')
  })

  it('does not auto-approve an address outside the organisation domains', async () => {
    const org = await createOrganisation(setup.database.db, { domains: ['auto-zwei.de'], autoApprove: true })
    const form = await application({ organisationId: String(org.id), email: 'ben@gmail.example' })
    const agent = createAgent(setup.app)
    await agent.submit('/register', '/register', form)
    const link = linkIn((await sendQueuedMail(setup.database)).find((m) => m.to === form.email)!, '/confirm/')
    await agent.submit(link, link, {})
    expect((await memberByEmail(form.email))!.status).toBe('pending_review')
  })

  it('shows a clear page for an unknown or malformed token', async () => {
    expect((await setup.app.inject('/confirm/abc')).statusCode).toBe(410)
    expect((await setup.app.inject(`/confirm/${'A'.repeat(43)}`)).statusCode).toBe(410)
  })
})

describe('registration with a pre-chosen organisation', () => {
  it('takes the choice of the no-JS search page from the query string', async () => {
    const org = await createOrganisation(setup.database.db, { name: 'Landkreis Vorauswahl' })
    const page = await setup.app.inject(`/register?orgQuery=Vorauswahl&organisationId=${org.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(new RegExp(`value="${org.id}"\\s+checked`))
    expect((await setup.app.inject('/register?organisationId=abc&orgQuery=')).statusCode).toBe(200)
  })
})

/** The error summary's links: field id | the text naming the field and the problem. */
function errorSummary(html: string): string[] {
  const summary = html.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? ''
  return [...summary.matchAll(/<a href="#field-(\w+)">([^<]*)<\/a>/g)].map((m) => `${m[1]}|${m[2]}`)
}

describe('registration errors, all in one round', () => {
  it('lists every problem of an empty form, each naming its field', async () => {
    const response = await createAgent(setup.app).submit('/register', '/register', {})
    expect(response.statusCode).toBe(422)
    expect(response.body).toMatch(/<title>Fehler: /)
    expect(errorSummary(response.body)).toEqual([
      'name|Vor- und Nachname: Bitte füllen Sie dieses Feld aus.',
      'email|Dienstliche E-Mail-Adresse: Bitte füllen Sie dieses Feld aus.',
      'organisationId|Organisation: Bitte wählen Sie Ihre Organisation aus der Suche aus.',
      'jobTitle|Funktion: Bitte füllen Sie dieses Feld aus.',
      'statement|Warum möchten Sie mitmachen?: Bitte füllen Sie dieses Feld aus.',
      'password|Passwort: Bitte füllen Sie dieses Feld aus.',
    ])
  })

  it('does not let a bad address hide a short password or a missing organisation', async () => {
    const response = await createAgent(setup.app).submit(
      '/register',
      '/register',
      await application({ email: 'keine-adresse', password: 'kurz', organisationId: '' }),
    )
    expect(response.statusCode).toBe(422)
    expect(errorSummary(response.body).map((line) => line.split('|')[0])).toEqual([
      'email',
      'organisationId',
      'password',
    ])
    expect(response.body).toContain('mindestens 12 Zeichen')
  })

  it('treats a name of only invisible characters as empty', async () => {
    const response = await createAgent(setup.app).submit(
      '/register',
      '/register',
      await application({ name: '\u200B\u2060\u200D \uFEFF' }),
    )
    expect(response.statusCode).toBe(422)
    expect(errorSummary(response.body)).toEqual(['name|Vor- und Nachname: Bitte füllen Sie dieses Feld aus.'])
  })
})

describe('names that pass for staff', () => {
  it('refuses the name of a moderator or admin, however it is spelt', async () => {
    await createMember(setup.database.db, { name: 'Ada Ádmin-Lovelace', role: 'admin' })
    const agent = createAgent(setup.app)
    for (const name of [
      'Ada Ádmin-Lovelace',
      'ada  admin-lovelace',
      'ADA ADMIN\u200B-LOVELACE',
      'Ａｄａ Admin-Lovelace',
    ]) {
      const form = await application({ name })
      const response = await agent.submit('/register', '/register', form)
      expect(response.statusCode, name).toBe(422)
      expect(errorSummary(response.body)).toEqual([
        'name|Vor- und Nachname: Dieser Name gleicht dem eines Mitglieds der Moderation. Bitte wählen Sie einen Namen, der Sie unterscheidet, z. B. mit einem zweiten Vornamen.',
      ])
      expect(await memberByEmail(form.email)).toBeUndefined()
    }
    // A member's name, or a staff member's name with more to it, is fine.
    const member = await createMember(setup.database.db, { name: 'Otto Normal' })
    expect(
      (await agent.submit('/register', '/register', await application({ name: member.name }))).statusCode,
    ).toBe(303)
    expect(
      (await agent.submit('/register', '/register', await application({ name: 'Ada Maria Admin-Lovelace' })))
        .statusCode,
    ).toBe(303)
  })
})
