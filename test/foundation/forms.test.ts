// The one way form input comes in: schema on the route, cleaned at the edge, all errors in one
// round with the field named, the title marked, everything typed kept but the password.
import { describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, defaultPassword } from '../helpers/factories.ts'

const setup = useTestApp()

function errorSummary(html: string): string[] {
  const summary = html.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? ''
  return [...summary.matchAll(/<a href="#field-(\w+)">([^<]*)<\/a>/g)].map((m) => `${m[1]}|${m[2]}`)
}

describe('form input', () => {
  it('reports every missing field in one round, each naming its field, with an error title', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.submit('/login', '/login', { email: '', password: '' })
    expect(response.statusCode).toBe(422)
    expect(errorSummary(response.body)).toEqual([
      'email|Dienstliche E-Mail-Adresse: Bitte füllen Sie dieses Feld aus.',
      'password|Passwort: Bitte füllen Sie dieses Feld aus.',
    ])
    expect(response.body).toMatch(/<title>Fehler: Anmelden/)
    expect(response.body).toContain('Bitte korrigieren Sie 2 Angaben:')
    expect(response.body).toMatch(/class="error-summary"[^>]*autofocus/)
  })

  it('keeps what was typed but never the password, and says "eine Angabe" for one', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.submit('/login', '/login', { email: 'nina@example.org', password: '' })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('value="nina@example.org"')
    expect(response.body).toContain('Bitte korrigieren Sie eine Angabe:')
  })

  it('treats a value of only invisible characters as empty', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.submit('/login', '/login', { email: '\u200B\u200B \u2060', password: 'x' })
    expect(response.statusCode).toBe(422)
    expect(errorSummary(response.body)[0]).toBe(
      'email|Dienstliche E-Mail-Adresse: Bitte füllen Sie dieses Feld aus.',
    )
  })

  it('removes NUL and other control characters at the edge instead of failing', async () => {
    const member = await createMember(setup.database.db, { name: 'Nul Byte' })
    const agent = createAgent(setup.app)
    const withNul = `${member.email.slice(0, 3)}\u0000${member.email.slice(3)}`
    const response = await agent.submit('/login', '/login', { email: withNul, password: defaultPassword })
    expect(response.statusCode).toBe(303)
  })

  it('takes the first of a repeated field and reports an overlong one', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.submit('/login', '/login', { email: ['a'.repeat(300), 'b'], password: 'x' })
    expect(response.statusCode).toBe(422)
    expect(errorSummary(response.body)).toEqual([
      'email|Dienstliche E-Mail-Adresse: Bitte höchstens 254 Zeichen eingeben.',
    ])
  })

  it('answers a malformed query with a page, not a 500', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.get(`/login?next=${'x'.repeat(600)}`)
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Ungültige Anfrage')
  })
})
