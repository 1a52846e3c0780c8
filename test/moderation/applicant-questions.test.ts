// The applicant's side of a review: a moderator's Rückfrage appears on the applicant's status
// page and is answered there (once; errors in one round, typed text kept), the answer appears
// on the applicant's card in the review queue and in the audit log; the mail links to the
// status page and names the support address, never the accessibility contact; the status page
// says what happens next and how long it usually takes.
import { describe, expect, it } from 'vitest'
import { createAgent } from '../helpers/agent.ts'
import { testConfig, useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp({
  SUPPORT_EMAIL: 'support@forum.test',
  CONTACT_EMAIL: 'barrierefreiheit@forum.test',
})

async function applicantAndModerator() {
  const db = setup.database.db
  const applicant = await createMember(db, { status: 'pending_review', name: 'Paula Antrag' })
  const moderator = await createMember(db, { role: 'moderator', name: 'Mona Moderation' })
  const asApplicant = createAgent(setup.app)
  const asModerator = createAgent(setup.app)
  await signInAs(db, asApplicant, applicant.id)
  await signInAs(db, asModerator, moderator.id)
  return { applicant, moderator, asApplicant, asModerator }
}

describe('the Rückfrage', () => {
  it('is answered on the status page and the answer reaches the queue and the audit log', async () => {
    const { applicant, asApplicant, asModerator } = await applicantAndModerator()
    const before = await asApplicant.get('/status')
    expect(before.statusCode).toBe(200)
    expect(before.body).toContain('Wie es weitergeht')
    expect(before.body).toContain('bis zu 2 Werktage')
    expect(before.body).toContain('support@forum.test')
    expect(before.body).not.toContain('Rückfragen der Moderation')

    const asked = await asModerator.submit('/moderation', `/moderation/applicants/${applicant.id}/ask`, {
      question: 'In welcher Abteilung arbeiten Sie?',
    })
    expect(asked.statusCode).toBe(303)
    const mail = (await sendQueuedMail(setup.database)).find((m) => m.to === applicant.email)!
    expect(String(mail.text)).toContain('In welcher Abteilung arbeiten Sie?')
    expect(String(mail.text)).toContain('http://forum.test/status')
    expect(String(mail.text)).toContain('support@forum.test')
    expect(String(mail.text)).not.toContain('barrierefreiheit@')
    // The worker composes with its own configuration: replies go to its support address.
    expect(mail.replyTo).toBe(testConfig().supportEmail)
    expect(mail.replyTo).not.toBe(testConfig().contactEmail)

    const page = await asApplicant.get('/status')
    expect(page.body).toContain('In welcher Abteilung arbeiten Sie?')
    const questionId = page.body.match(/name="question" value="(\d+)"/)![1]!

    const empty = await asApplicant.submit('/status', '/status/answer', {
      question: questionId,
      answer: '   ',
    })
    expect(empty.statusCode).toBe(422)
    expect(empty.body).toContain('Ihre Antwort auf die Rückfrage:')
    const tooLong = await asApplicant.submit('/status', '/status/answer', {
      question: questionId,
      answer: `Langer Text ${'x'.repeat(4000)}`,
    })
    expect(tooLong.statusCode).toBe(422)
    expect(tooLong.body).toContain('Langer Text')

    const answered = await asApplicant.submit('/status', '/status/answer', {
      question: questionId,
      answer: 'Im Amt für Digitalisierung, Sachgebiet E-Government.',
    })
    expect(answered.statusCode).toBe(303)
    const after = await asApplicant.get('/status')
    expect(after.body).toContain('Danke, Ihre Antwort ist bei der Moderation.')
    expect(after.body).toContain('Sachgebiet E-Government')
    expect(after.body).not.toContain('name="answer"')

    const again = await asApplicant.submit('/status', '/status/answer', {
      question: questionId,
      answer: 'Nochmal',
    })
    expect(again.statusCode).toBe(409)

    const queue = (await asModerator.get('/moderation')).body
    const card = queue.slice(queue.indexOf(`id="applicant-${applicant.id}"`))
    expect(card).toContain('In welcher Abteilung arbeiten Sie?')
    expect(card).toContain('Sachgebiet E-Government')

    const audit = (await asModerator.get('/moderation/audit')).body
    expect(audit).toContain('hat eine Rückfrage der Moderation beantwortet')
    expect(audit).toContain('Antwort: Im Amt für Digitalisierung')
  })

  it('cannot be answered by someone else, nor with a made-up or huge id', async () => {
    const { applicant, asModerator } = await applicantAndModerator()
    await asModerator.submit('/moderation', `/moderation/applicants/${applicant.id}/ask`, {
      question: 'Wer?',
    })
    const row = await setup.database.db
      .selectFrom('applicant_questions')
      .select('id')
      .where('member_id', '=', applicant.id)
      .executeTakeFirstOrThrow()
    const other = await createMember(setup.database.db, { status: 'pending_review' })
    const asOther = createAgent(setup.app)
    await signInAs(setup.database.db, asOther, other.id)
    for (const question of [String(row.id), '2147483647']) {
      const response = await asOther.submit('/status', '/status/answer', { question, answer: 'Ich' })
      expect(response.statusCode).toBe(404)
    }
    const huge = await asOther.submit('/status', '/status/answer', { question: '99999999999', answer: 'Ich' })
    expect(huge.statusCode).toBe(422)
    const unanswered = await setup.database.db
      .selectFrom('applicant_questions')
      .select('answer')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow()
    expect(unanswered.answer).toBeNull()
  })

  it('the status page of an unconfirmed address says what comes next', async () => {
    const member = await createMember(setup.database.db, { status: 'pending_email' })
    const agent = createAgent(setup.app)
    await signInAs(setup.database.db, agent, member.id)
    expect((await agent.get('/status')).body).toContain('Sobald Sie Ihre E-Mail-Adresse bestätigt haben')
  })
})

describe('the support address', () => {
  it('is never the accessibility contact', () => {
    expect(() => testConfig({ SUPPORT_EMAIL: 'a11y@forum.test', CONTACT_EMAIL: 'A11Y@forum.test' })).toThrow(
      /SUPPORT_EMAIL/,
    )
    expect(testConfig({ MAIL_FROM: 'forum@forum.test' }).supportEmail).toBe('forum@forum.test')
  })
})
