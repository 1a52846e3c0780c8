// The one way form input comes in: schema on the route, cleaned at the edge, all errors in one
// round with the field named, the title marked, everything typed kept but the password.
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { field, formSchema, keepTyped, param, parseForm } from '../../src/lib/form-schema.ts'
import { createAgent, encodeForm } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, defaultPassword } from '../helpers/factories.ts'

/** One field of each kind and rule, answered as JSON so a test sees exactly what the edge made. */
const probeForm = formSchema({
  line: field.line({ max: 40, label: 'login.email' }),
  text: field.text({ max: 200 }),
  secret: field.secret({ max: 100 }),
  required: field.line({ required: true, max: 20, label: 'register.name' }),
  short: field.line({ min: 3, max: 20 }),
  title: field.line({ required: true, min: 5, max: 50 }),
  email: field.email(),
  id: field.id(),
  choice: field.choice(['a', 'b'] as const, { message: 'validation.invalid' }),
  checkbox: field.checkbox(),
  number: Type.Integer({ minimum: 1, maximum: 5, 'x-message': 'probe.number' }),
})

async function probeRoutes(app: FastifyInstance) {
  const open = { config: { access: 'public' as const } }
  app.get('/probe/token', open, async (_request, reply) =>
    reply.type('text/plain').send(reply.generateCsrf()),
  )
  app.post('/probe/form', { ...open, schema: { body: probeForm } }, async (request) => {
    const form = parseForm(request, probeForm)
    return { values: form.values, kept: keepTyped(probeForm, form.values), errors: form.errors, ok: form.ok }
  })
  const query = Type.Object({
    q: Type.Optional(Type.String({ maxLength: 50 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    tags: Type.Optional(Type.Array(Type.String())),
  })
  app.get('/probe/query', { ...open, schema: { querystring: query } }, async (request) => request.query)
  const params = Type.Object({ id: param.id() })
  app.get('/probe/item/:id', { ...open, schema: { params } }, async (request) => request.params)
  app.get('/probe/raw-query', open, async (request) => request.query)
}

const setup = useTestApp({}, { extraRoutes: probeRoutes })

interface Probe {
  status: number
  values: Record<string, unknown>
  kept: Record<string, string>
  errors: Record<string, { key: string; params?: Record<string, unknown>; label?: string }>
  ok: boolean
}

/** Posts an already encoded body (so invalid percent escapes go out as they are) to the probe form. */
async function probe(encoded: string | Buffer): Promise<Probe> {
  const agent = createAgent(setup.app)
  const token = (await agent.get('/probe/token')).body
  const payload = Buffer.concat([Buffer.from(`_csrf=${encodeURIComponent(token)}&`), Buffer.from(encoded)])
  const response = await setup.app.inject({
    method: 'POST',
    url: '/probe/form',
    payload,
    headers: {
      cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
  })
  return { status: response.statusCode, ...response.json() }
}

const valid = { required: 'da', title: 'Ein Titel', number: '3', choice: 'a' }
const fields = (values: Record<string, string | string[]>) => encodeForm({ ...valid, ...values })

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

describe('the edge cleans every field by its kind', () => {
  it('makes a line single-line and removes NUL and other control characters', async () => {
    const result = await probe(fields({ line: ' Erika\r\nMuster\tfrau\u0000\u0007\u0085 ' }))
    expect(result.values.line).toBe('Erika Muster frau')
    expect(result.ok).toBe(true)
  })

  it('keeps line breaks in free text, as \\n', async () => {
    const result = await probe(fields({ text: 'eins\r\nzwei\rdrei\u0000\n' }))
    expect(result.values.text).toBe('eins\nzwei\ndrei')
  })

  it('keeps the indentation of free text (Markdown code) but drops blank lines around it', async () => {
    const result = await probe(fields({ text: '\n  \n    const a = 1\n  weiter\n\n \u200B' }))
    expect(result.values.text).toBe('    const a = 1\n  weiter')
  })

  it('never changes a secret', async () => {
    const secret = '  pass\u0000wort \r\n mit\tAbstand  '
    const result = await probe(fields({ secret }))
    expect(result.values.secret).toBe(secret)
    expect(result.kept).not.toHaveProperty('secret')
  })

  it('takes the first of a repeated field, makes a missing one empty and drops unknown ones', async () => {
    const result = await probe(fields({ line: ['erste', 'zweite'], unknown: 'x' }))
    expect(result.values.line).toBe('erste')
    expect(result.values.text).toBe('')
    expect(result.values).not.toHaveProperty('unknown')
  })

  it('treats text of only invisible characters as empty, but keeps emoji whole', async () => {
    const invisible = '\u200B\u2060\uFEFF \u202E\u3164\u2800\uFE0F\u{E0020}'
    const result = await probe(fields({ required: invisible, line: 'Danke \u2764\uFE0F\u200B' }))
    expect(result.errors.required?.key).toBe('validation.required')
    expect(result.values.line).toBe('Danke \u2764\uFE0F')
  })

  it('composes characters (NFC), so one name is one string', async () => {
    const result = await probe(fields({ line: 'Mu\u0308ller' }))
    expect(result.values.line).toBe('M\u00fcller')
  })
})

describe('invalid UTF-8 becomes U+FFFD, never a 500', () => {
  it('in percent-encoded form fields', async () => {
    const result = await probe(`${fields({})}&line=a%C3%28b&text=%FF%FE&short=%E4%`)
    expect(result.status).toBe(200)
    expect(result.values.line).toBe('a\uFFFD(b')
    expect(result.values.text).toBe('\uFFFD\uFFFD')
    expect(result.values.short).toBe('\uFFFD%')
  })

  it('in raw bytes of a form body', async () => {
    const result = await probe(
      Buffer.concat([Buffer.from(`${fields({})}&line=a`), Buffer.from([0xc3, 0x28, 0xff])]),
    )
    expect(result.values.line).toBe('a\uFFFD(\uFFFD')
  })

  it('in query strings, with and without a schema', async () => {
    const agent = createAgent(setup.app)
    expect((await agent.get('/probe/query?q=a%C3%28b%FF')).json()).toEqual({ q: 'a\uFFFD(b\uFFFD' })
    expect((await agent.get('/probe/raw-query?q=%ED%A0%80&x=a+b%20c')).json()).toEqual({
      q: '\uFFFD\uFFFD\uFFFD',
      x: 'a b c',
    })
  })

  it('folds a repeated query value where the schema wants one, and keeps lists', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.get('/probe/query?q=eins&q=zwei&tags=a&tags=b&q=%00')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ q: 'eins', tags: ['a', 'b'] })
    expect((await agent.get('/probe/query?tags=a')).json()).toEqual({ tags: ['a'] })
  })
})

describe('schema errors become the catalogue messages of their fields', () => {
  it('reports every field in one round, with its label', async () => {
    const result = await probe(
      fields({ required: '', short: 'ab', line: 'x'.repeat(41), email: 'kein@', choice: 'c', number: '9' }),
    )
    expect(result.status).toBe(200)
    expect(result.ok).toBe(false)
    expect(result.errors).toEqual({
      required: { key: 'validation.required', label: 'register.name' },
      short: { key: 'validation.tooShort', params: { min: 3 } },
      line: { key: 'validation.tooLong', params: { max: 40 }, label: 'login.email' },
      email: { key: 'validation.email' },
      choice: { key: 'validation.invalid' },
      number: { key: 'probe.number' },
    })
    expect(result.kept).toMatchObject({ short: 'ab', email: 'kein@', choice: 'c' })
  })

  it('says "missing" rather than "malformed" or "too short" for an empty required value, and "too long" before "malformed"', async () => {
    const missing = await probe(fields({ number: '', title: '' }))
    expect(missing.errors.number).toEqual({ key: 'validation.required' })
    expect(missing.errors.title).toEqual({ key: 'validation.required' })
    expect((await probe(fields({ title: 'Kurz' }))).errors.title).toEqual({
      key: 'validation.tooShort',
      params: { min: 5 },
    })
    const long = await probe(fields({ email: `${'a'.repeat(300)}@x` }))
    expect(long.errors.email).toEqual({ key: 'validation.tooLong', params: { max: 254 } })
    const choice = formSchema({ pick: field.choice(['a'] as const) })
    expect(choice.properties.pick.enum).toEqual(['a'])
  })

  it('lets optional fields stay empty whatever their rules', async () => {
    const result = await probe(fields({ short: '', email: '', id: '', choice: 'a' }))
    expect(result.errors).toEqual({})
    expect(result.ok).toBe(true)
  })

  it('checks numbers: type, minimum and maximum', async () => {
    for (const [value, ok] of [
      ['abc', false],
      ['0', false],
      ['6', false],
      ['2.5', false],
      ['1e400', false],
      ['-1e400', false],
      ['5', true],
    ] as const) {
      const result = await probe(fields({ number: value }))
      expect(result.ok, value).toBe(ok)
      if (!ok) expect(result.errors.number, value).toEqual({ key: 'probe.number' })
    }
  })

  it('takes ids from 1 to 2147483647 only', async () => {
    for (const [id, ok] of [
      ['1', true],
      ['2147483647', true],
      ['1999999999', true],
      ['2147483648', false],
      ['9999999999', false],
      ['0', false],
      ['007', false],
      ['-1', false],
      ['1e3', false],
      [' 12 ', true],
    ] as const) {
      expect((await probe(fields({ id }))).ok, id).toBe(ok)
    }
  })

  it('refuses a pattern with flags (JSON Schema patterns have none)', () => {
    expect(() => field.line({ max: 10, pattern: /^a$/i })).toThrow(/no flags/)
  })
})

describe('numbers too large to be numbers', () => {
  // Ajv turns "1e400" into Infinity and then skips minimum and maximum.
  it('are not found as ids in the path', async () => {
    const agent = createAgent(setup.app)
    expect((await agent.get('/probe/item/12')).json()).toEqual({ id: 12 })
    for (const id of ['1e400', 'Infinity', '2147483648', '1e3x']) {
      const response = await agent.get(`/probe/item/${id}`)
      expect(response.statusCode, id).toBe(404)
      expect(response.body, id).toContain('<title>')
    }
  })

  it('are a bad request in a query', async () => {
    const agent = createAgent(setup.app)
    expect((await agent.get('/probe/query?page=1e400')).statusCode).toBe(400)
    expect((await agent.get('/probe/query?page=-1e400')).statusCode).toBe(400)
    expect((await agent.get('/probe/query?page=7')).json()).toEqual({ page: 7 })
  })
})

describe('a body over the limit', () => {
  it('gets the German error page with 413', async () => {
    const agent = createAgent(setup.app)
    const response = await agent.post('/login', { email: 'x'.repeat(300 * 1024), password: 'x' })
    expect(response.statusCode).toBe(413)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toMatch(/<html lang="de"/)
    expect(response.body).toMatch(/<title>[^<]+<\/title>/)
  })
})
