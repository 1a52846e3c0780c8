// The audit log reads as sentences in the reader's language, and its filter never fails.
import { describe, expect, it } from 'vitest'
import { auditActions, describeAuditEvent } from '../../src/features/moderation/audit-log.ts'
import { translate } from '../../src/i18n/index.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOrganisation, signInAs } from '../helpers/factories.ts'

const setup = useTestApp()

async function moderatorAgent(name = 'Mona Moderation') {
  const moderator = await createMember(setup.database.db, { role: 'moderator', name })
  const agent = createAgent(setup.app)
  await signInAs(setup.database.db, agent, moderator.id)
  return { agent, moderator }
}

/** The audit table's rows as text, without markup. */
function rows(html: string): string[] {
  const body = html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? ''
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  )
}

describe('the audit log as sentences', () => {
  it('has a German and an English label and sentence for every action', () => {
    for (const action of auditActions) {
      for (const locale of ['de', 'en'] as const) {
        expect(translate(locale, `audit.${action}`)).not.toBe('')
        expect(translate(locale, `audit.${action}.text`)).toMatch(/\{(actor|subject)\}/)
      }
    }
  })

  it('describes old or odd entries without failing', () => {
    const t = (key: string, params?: Record<string, string | number>) => translate('de', key, params)
    const row = (action: string, details: unknown) => ({
      id: '1',
      at: new Date(),
      action,
      details,
      actor_id: 7,
      subject_id: null,
      actor_name: 'Alt Eintrag',
      subject_name: null,
    })
    const updated = describeAuditEvent(
      row('organisation.updated', {
        organisationId: 5,
        changes: { kind: { from: 'stadtstaat', to: 'gemeinde' }, colour: { from: 1, to: 2 } },
      }),
      new Map([[5, 'Stadt Alt']]),
      t,
    )
    expect(updated.details).toEqual(['Art: „stadtstaat“ → „Stadt/Gemeinde“', 'colour: „1“ → „2“'])
    const role = describeAuditEvent(
      row('member.role_changed', { from: 'superuser', to: 'admin', via: 'cli' }),
      new Map(),
      t,
    )
    expect(role.sentence).toContainEqual({ name: 'eine unbekannte Adresse' })
    expect(role.details).toEqual(['von „superuser“ zu „Administration“', 'über die Kommandozeile'])
    const legacy = describeAuditEvent(row('legacy.thing', null), new Map(), t)
    expect(legacy.label).toBe('legacy.thing')
  })

  it('says who did what to whom, with the details in words', async () => {
    const { agent } = await moderatorAgent()
    const anna = await createMember(setup.database.db, { status: 'pending_review', name: 'Anna Becker' })
    await agent.submit('/moderation', `/moderation/applicants/${anna.id}/approve`, {
      note: 'Telefonisch bestätigt',
    })
    const bernd = await createMember(setup.database.db, { name: 'Bernd Sperre' })
    await agent.submit(`/moderation/members/${bernd.id}`, `/moderation/members/${bernd.id}/suspend`, {
      reason: 'Vertraulichkeit verletzt',
      until: '',
    })

    const page = await agent.get(`/moderation/audit?member=${anna.id}`)
    expect(page.statusCode).toBe(200)
    const [approved] = rows(page.body)
    expect(approved).toContain('Freischaltung Mona Moderation hat Anna Becker freigeschaltet – Nachweise:')
    expect(approved).toContain('Telefonisch bestätigt')
    expect(page.body).not.toContain('{&quot;')
    expect(page.body).toContain(`<a href="/moderation/members/${anna.id}"><bdi>Anna Becker</bdi></a>`)

    const suspended = rows(
      (await agent.get(`/moderation/audit?member=${bernd.id}&action=member.suspended`)).body,
    )
    expect(suspended).toEqual([
      expect.stringContaining(
        'Sperre Mona Moderation hat Bernd Sperre gesperrt – Begründung: Vertraulichkeit verletzt – ohne Enddatum',
      ),
    ])

    const english = await agent.get(`/moderation/audit?member=${anna.id}`, { 'accept-language': 'en' })
    expect(rows(english.body)[0]).toContain('Approval Mona Moderation approved Anna Becker – Evidence:')
  })

  it('names organisations and spells out domain and automatic-approval changes', async () => {
    const admin = await createMember(setup.database.db, { role: 'admin', name: 'Ada Admin' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, admin.id)
    const created = await agent.submit('/admin/organisations/new', '/admin/organisations', {
      name: 'Zweckverband Protokoll',
      kind: 'kommunaler_verband',
      officialKey: '',
      land: '05',
      domains: 'zv-protokoll.de',
    })
    const id = Number(created.headers.location!.split('/')[3])
    await agent.submit(`/admin/organisations/${id}/edit`, `/admin/organisations/${id}`, {
      name: 'Zweckverband Protokoll',
      kind: 'kommunaler_verband',
      officialKey: '',
      land: '05',
      domains: 'zv-protokoll.de\nneu.zv-protokoll.de',
      autoApprove: '1',
    })
    const page = await agent.get('/moderation/audit?action=organisation.updated')
    const [updated] = rows(page.body)
    expect(updated).toContain(
      'Organisation bearbeitet Ada Admin hat die Organisation Zweckverband Protokoll bearbeitet – ',
    )
    expect(updated).toContain('– Dienst-Domains hinzugefügt: neu.zv-protokoll.de')
    expect(updated).toContain('– automatische Freischaltung eingeschaltet')
    expect(page.body).toContain(`href="/admin/organisations/${id}/edit"`)
    const createdRow = rows((await agent.get('/moderation/audit?action=organisation.created')).body)[0]
    expect(createdRow).toContain(
      'Ada Admin hat die Organisation Zweckverband Protokoll angelegt – Art: kommunaler Verband – Dienst-Domains: zv-protokoll.de',
    )

    const from = await createOrganisation(setup.database.db, { name: 'Landkreis Vorher' })
    const to = await createOrganisation(setup.database.db, { name: 'Gemeinde Nachher' })
    const member = await createMember(setup.database.db, { name: 'Umzug Person', organisationId: from.id })
    await agent.submit(`/moderation/members/${member.id}`, `/moderation/members/${member.id}/organisation`, {
      organisationId: String(to.id),
    })
    const moved = rows((await agent.get(`/moderation/audit?member=${member.id}`)).body)[0]
    expect(moved).toContain('Ada Admin hat Umzug Person von Landkreis Vorher zu Gemeinde Nachher verschoben')
  })

  it('offers the events by their labels', async () => {
    const { agent } = await moderatorAgent()
    const page = await agent.get('/moderation/audit')
    expect(page.body).toContain('<option value="member.approved">Freischaltung</option>')
    expect(page.body).toContain('<option value="organisation.updated">Organisation bearbeitet</option>')
  })
})

describe('the audit filter', () => {
  it('names an impossible date, an unknown event or an out-of-range member at its field, never a 500', async () => {
    const { agent } = await moderatorAgent()
    const cases: [string, string, string][] = [
      ['from=2026-02-30', 'from', 'Von: Kein gültiges Datum.'],
      ['to=2026-13-01', 'to', 'Bis: Kein gültiges Datum.'],
      ['from=0000-01-01', 'from', 'Von: Kein gültiges Datum.'],
      ['from=kaputt', 'from', 'Von: Kein gültiges Datum.'],
      ['member=2147483648', 'member', 'Mitglieds-Nr.: Bitte eine Mitglieds-Nr. aus Ziffern angeben'],
      ['member=xyz', 'member', 'Mitglieds-Nr.: Bitte eine Mitglieds-Nr. aus Ziffern angeben'],
      ['member=1e400', 'member', 'Mitglieds-Nr.: Bitte eine Mitglieds-Nr. aus Ziffern angeben'],
      ['action=member.unknown', 'action', 'Ereignis: Bitte wählen Sie ein Ereignis aus der Liste.'],
    ]
    for (const [query, field, message] of cases) {
      const page = await agent.get(`/moderation/audit?${query}`)
      expect(page.statusCode, query).toBe(200)
      expect(page.body, query).toContain(`<a href="#field-${field}">${message}`)
      expect(page.body, query).toContain(`id="error-${field}"`)
      expect(page.body, query).toMatch(/<title>Fehler: Protokoll/)
    }
    // The value as typed stays in the field.
    expect((await agent.get('/moderation/audit?from=2026-02-30')).body).toContain('value="2026-02-30"')
    // A bad cursor of the "older entries" link starts at the newest entry.
    for (const before of ['2147483648', '-3', 'x', '1e400']) {
      const page = await agent.get(`/moderation/audit?before=${before}`)
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain('error-summary')
    }
  })

  it('applies valid dates and the rest of the filter when one field does not fit', async () => {
    const { agent, moderator } = await moderatorAgent('Filter Moderatorin')
    const member = await createMember(setup.database.db, { status: 'pending_review', name: 'Datum Person' })
    await agent.submit('/moderation', `/moderation/applicants/${member.id}/approve`, { note: '' })
    const today = new Date().toISOString().slice(0, 10)
    const within = rows(
      (await agent.get(`/moderation/audit?member=${member.id}&from=${today}&to=${today}`)).body,
    )
    expect(within[0]).toContain('Filter Moderatorin hat Datum Person freigeschaltet')
    const before = rows((await agent.get(`/moderation/audit?member=${member.id}&to=2000-01-01`)).body)
    expect(before).toEqual(['Keine Einträge.'])
    const partly = rows((await agent.get(`/moderation/audit?member=${moderator.id}&from=2026-02-30`)).body)
    expect(partly[0]).toContain('Filter Moderatorin hat Datum Person freigeschaltet')
  })
})
