// Moderation forms and filters declare their input: odd input is a field error or a clear
// page (400/404), never a 500.
import { describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

const setup = useTestApp()

async function moderator() {
  const mod = await createMember(setup.database.db, { role: 'moderator' })
  const agent = createAgent(setup.app)
  await signInAs(setup.database.db, agent, mod.id)
  return agent
}

const statusOf = async (id: number) =>
  await setup.database.db
    .selectFrom('members')
    .select(['status', 'organisation_id', 'role'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

describe('suspending', () => {
  it('refuses an impossible or past end date at its field, with the reason kept', async () => {
    const agent = await moderator()
    const member = await createMember(setup.database.db)
    const page = `/moderation/members/${member.id}`
    for (const until of ['2026-02-30', '0000-01-01', '2099-00-10', '31.12.2099', '2001-01-01']) {
      const response = await agent.submit(page, `${page}/suspend`, { reason: 'Test der Eingabe', until })
      expect(response.statusCode, until).toBe(422)
      expect(response.body, until).toContain('id="error-until"')
      expect(response.body, until).toContain('>Test der Eingabe</textarea>')
      expect(response.body).toMatch(/<title>Fehler: /)
    }
    const past = await agent.submit(page, `${page}/suspend`, { reason: '', until: '2001-01-01' })
    // Both problems in one round.
    expect(past.body).toContain('Gesperrt bis (freiwillig): Das Datum muss in der Zukunft liegen.')
    expect(past.body).toContain('Grund: Bitte füllen Sie dieses Feld aus.')
    expect((await statusOf(member.id)).status).toBe('verified')
  })
})

describe('moving a member and changing roles', () => {
  it('names an out-of-range or malformed organisation id at its field; an unknown one is not found', async () => {
    const agent = await moderator()
    const member = await createMember(setup.database.db)
    const page = `/moderation/members/${member.id}`
    const huge = await agent.submit(page, `${page}/organisation`, { organisationId: '2147483648' })
    expect(huge.statusCode).toBe(422)
    expect(huge.body).toContain('id="error-organisationId"')
    expect(huge.body).toContain('<a href="#field-organisationId">Neue Organisation: ')
    const unknown = await agent.submit(page, `${page}/organisation`, { organisationId: '2147483647' })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.body).toContain('Seite nicht gefunden')
    const malformed = await agent.submit(page, `${page}/organisation`, { organisationId: '12abc' })
    expect(malformed.statusCode).toBe(422)
    expect(malformed.body).toContain('id="error-organisationId"')
    const nul = await agent.submit(page, `${page}/organisation`, { action: 'search', orgQuery: 'K\u0000öln' })
    expect(nul.statusCode).toBe(200)
    expect((await statusOf(member.id)).organisation_id).toBe(member.organisation_id)
  })

  it('takes the first of a repeated role and refuses one outside the list', async () => {
    const admin = await createMember(setup.database.db, { role: 'admin' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, admin.id)
    const member = await createMember(setup.database.db)
    const page = `/moderation/members/${member.id}`
    expect((await agent.submit(page, `${page}/role`, { role: 'root' })).statusCode).toBe(422)
    expect((await agent.submit(page, `${page}/role`, { role: ['moderator', 'admin'] })).statusCode).toBe(303)
    expect((await statusOf(member.id)).role).toBe('moderator')
  })

  it('answers malformed or out-of-range member ids with the not-found page', async () => {
    const agent = await moderator()
    const token = await agent.csrf('/moderation')
    for (const id of ['2147483648', '0', '1.5', '1e400', '-1e400']) {
      expect((await agent.get(`/moderation/members/${id}`)).statusCode, id).toBe(404)
      for (const action of ['suspend', 'unsuspend', 'organisation']) {
        const response = await agent.post(`/moderation/members/${id}/${action}`, {
          _csrf: token,
          reason: 'x',
        })
        expect(response.statusCode, `${action} ${id}`).toBe(404)
      }
      const decision = await agent.post(`/moderation/applicants/${id}/reject`, { _csrf: token, reason: 'x' })
      expect(decision.statusCode, id).toBe(404)
    }
  })
})

describe('the review queue and the members list', () => {
  it('shows a decision’s errors in the applicant’s card, naming the field', async () => {
    const agent = await moderator()
    const applicant = await createMember(setup.database.db, { status: 'pending_review' })
    const response = await agent.submit('/moderation', `/moderation/applicants/${applicant.id}/reject`, {
      reason: '\u200B ',
    })
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain(
      `<a href="#reason-${applicant.id}">Begründung der Ablehnung: Bitte füllen Sie dieses Feld aus.</a>`,
    )
    expect(response.body).toMatch(new RegExp(`id="reason-${applicant.id}"[^>]*aria-invalid="true"`))
    expect(response.body).not.toContain('[object Object]')
  })

  it('ignores a filter that does not fit and survives odd input', async () => {
    const agent = await moderator()
    await createMember(setup.database.db, { name: 'Liste Sichtbar' })
    for (const query of [
      'status=bogus',
      'status=verified&status=rejected',
      `q=${'%00'.repeat(5)}Liste`,
      'q[]=x',
    ]) {
      const response = await agent.get(`/moderation/members?${query}`)
      expect(response.statusCode, query).toBe(200)
    }
    expect((await agent.get('/moderation/members?q=Liste%00Sichtbar')).statusCode).toBe(200)
    expect((await agent.get('/moderation/members?status=bogus&q=Liste')).body).toContain('Liste Sichtbar')
    expect((await agent.get(`/moderation/members?q=${'x'.repeat(2000)}`)).statusCode).toBe(400)
  })
})
