// Report → queue → hide: the report form with and without htmx, the queue grouped per post with
// the moderators' badge, the hidden post per role (thread page, search, notification mail
// rows), the reporter's notification and readable audit entries.
import { describe, expect, it } from 'vitest'
import { notificationsForMail } from '../../src/features/digests/digests.repository.ts'
import { createThread, htmx, reply, signedInMember } from '../discussions/helpers.ts'
import { useTestApp } from '../helpers/app.ts'
import { sendQueuedMail } from '../helpers/mail.ts'

const setup = useTestApp()
// Each forum() has its own marker word, so that one test's posts never show in another's search.
const markers = [
  'Verborgenalphawort',
  'Verborgenbetawort',
  'Verborgengammawort',
  'Verborgendeltawort',
  'Verborgenepsilonwort',
  'Verborgenzetawort',
  'Verborgenetawort',
  'Verborgenthetawort',
  'Verborgeniotawort',
]
let forums = 0

async function forum() {
  const db = setup.database.db
  const marker = markers[forums++]!
  const author = await signedInMember(db, setup.app, { name: 'Anna Autorin' })
  const reporter = await signedInMember(db, setup.app, { name: 'Rita Melderin' })
  const second = await signedInMember(db, setup.app, { name: 'Sven Zweiter' })
  const moderator = await signedInMember(db, setup.app, { name: 'Mona Moderation', role: 'moderator' })
  const { threadId, openingPostId } = await createThread(db, reporter.current, { title: 'Ein offenes Thema' })
  const postId = await reply(
    db,
    author.current,
    threadId,
    openingPostId,
    `Name und Adresse ${marker} eines Dritten.`,
  )
  return { author, reporter, second, moderator, threadId, openingPostId, postId, marker }
}

describe('reporting a post', () => {
  it('works without JavaScript, keeps all errors in one round, and with htmx inline', async () => {
    const { reporter, second, threadId, postId } = await forum()
    const page = await reporter.agent.get(`/p/${postId}/report`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Personenbezogene Daten oder vertrauliche Informationen Dritter')

    const bad = await reporter.agent.submit(`/p/${postId}/report`, `/p/${postId}/report`, {
      text: 'x'.repeat(2001),
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('<title>Fehler: ')
    expect(bad.body).toContain('Grund:')
    expect(bad.body).toContain('Was sollte die Moderation wissen?:')

    const sent = await reporter.agent.submit(`/p/${postId}/report`, `/p/${postId}/report`, {
      reason: 'third_party_data',
      text: 'Enthält eine Privatadresse',
    })
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe(`/t/${threadId}?at=${postId}#post-${postId}`)

    const token = await second.agent.csrf(`/t/${threadId}`)
    const inline = await second.agent.post(
      `/p/${postId}/report`,
      { _csrf: token, reason: 'spam', text: '' },
      htmx,
    )
    expect(inline.statusCode).toBe(200)
    expect(inline.body).toContain('Danke. Die Moderation prüft den Beitrag')
    expect(inline.body).not.toContain('<html')

    const rows = await setup.database.db
      .selectFrom('reports' as never)
      .selectAll()
      .execute()
    expect(rows).toHaveLength(2)
  })

  it('is not offered for a post the member may not read', async () => {
    const { reporter } = await forum()
    expect((await reporter.agent.get('/p/2147483647/report')).statusCode).toBe(404)
  })
})

describe('the queue and hiding', () => {
  it('groups reports per post, counts them in the badge, hides in one click and tells the reporters', async () => {
    const f = await forum()
    const marker = f.marker
    for (const who of [f.reporter, f.second]) {
      await who.agent.submit(`/p/${f.postId}/report`, `/p/${f.postId}/report`, {
        reason: 'third_party_data',
        text: '',
      })
    }
    const queue = await f.moderator.agent.get('/moderation/reports')
    expect(queue.statusCode).toBe(200)
    const card = queue.body.slice(queue.body.indexOf(`id="reported-${f.postId}"`))
    expect(queue.body.split(`id="reported-${f.postId}"`)).toHaveLength(2)
    expect(card.slice(0, card.indexOf('</article>'))).toContain('2 Meldungen')
    expect(queue.body).toMatch(/<span class="count" aria-hidden="true">\d+<\/span>/)
    // Members see no queue and no badge.
    expect((await f.reporter.agent.get('/moderation/reports')).statusCode).toBe(403)

    const hidden = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/hide`,
      {
        reason: 'Privatadresse eines Dritten',
      },
    )
    expect(hidden.statusCode).toBe(303)
    expect((await f.moderator.agent.get('/moderation/reports')).body).not.toContain(
      `id="reported-${f.postId}"`,
    )

    // Thread page per role.
    const asMember = await f.second.agent.get(`/t/${f.threadId}`)
    expect(asMember.body).not.toContain(marker)
    expect(asMember.body).toContain('Von der Moderation ausgeblendet: Privatadresse eines Dritten')
    for (const who of [f.author, f.moderator]) {
      const page = await who.agent.get(`/t/${f.threadId}`)
      expect(page.body).toContain(marker)
      expect(page.body).toContain('nur Sie und die Moderation sehen den Text')
    }

    // Search per role.
    // (the query itself is echoed in the search field, so search a neighbouring word)
    expect((await f.second.agent.get('/search?q=Adresse')).body).not.toContain(marker)
    expect((await f.author.agent.get('/search?q=Adresse')).body).toContain(marker)
    expect((await f.moderator.agent.get('/search?q=Adresse')).body).toContain(marker)

    // The reply notification of the thread's author (the reporter) mails no text of the hidden post.
    const db = setup.database.db
    const notes = await db
      .selectFrom('notifications')
      .select(['id', 'kind'])
      .where('member_id', '=', f.reporter.member.id)
      .execute()
    expect(notes.map((n) => n.kind)).toEqual(['report_outcome'])
    const mailRows = await notificationsForMail(
      db,
      f.reporter.member.id,
      notes.map((n) => n.id),
    )
    expect(JSON.stringify(mailRows)).not.toContain(marker)

    // The reporter's notification page names the outcome.
    const list = await f.reporter.agent.get('/notifications')
    expect(list.body).toContain('hat Ihre Meldung zu einem Beitrag in')
    expect(list.body).toContain('– der Beitrag wurde ausgeblendet')

    // The audit log reads as a sentence with the reason.
    const audit = await f.moderator.agent.get('/moderation/audit')
    expect(audit.body).toContain('hat einen Beitrag von')
    expect(audit.body).toContain('Begründung: Privatadresse eines Dritten')
    expect(audit.body).toContain('2 Meldungen')
  })

  it('dismisses, warns by mail, and a reason is required', async () => {
    const f = await forum()
    const marker = f.marker
    await f.reporter.agent.submit(`/p/${f.postId}/report`, `/p/${f.postId}/report`, {
      reason: 'spam',
      text: '',
    })
    const missing = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/dismiss`,
      {
        reason: '',
      },
    )
    expect(missing.statusCode).toBe(422)
    const warned = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/warn`,
      {
        reason: 'Bitte keine Adressen',
      },
    )
    expect(warned.statusCode).toBe(303)
    const mails = await sendQueuedMail(setup.database)
    const warning = mails.find((m) => m.subject === 'Hinweis der Moderation')
    expect(warning?.to).toBe(f.author.member.email)
    expect(String(warning?.text)).toContain('Bitte keine Adressen')
    // Mail names no thread and quotes no post (it may be confidential).
    expect(String(warning?.text)).not.toContain(marker)
    expect(String(warning?.text)).not.toContain('Ein offenes Thema')
    const again = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/dismiss`,
      {
        reason: 'schon erledigt',
      },
    )
    expect(again.statusCode).toBe(409)
  })
})

/** The reporter's notifications about the post: one report_outcome, naming the moderator. */
async function expectReporterTold(f: Awaited<ReturnType<typeof forum>>, outcome: string) {
  const notes = await setup.database.db
    .selectFrom('notifications')
    .select(['kind', 'actor_id'])
    .where('member_id', '=', f.reporter.member.id)
    .where('post_id', '=', f.postId)
    .execute()
  expect(notes).toEqual([{ kind: 'report_outcome', actor_id: f.moderator.member.id }])
  const page = (await f.reporter.agent.get('/notifications')).body
  expect(page).toContain('hat Ihre Meldung zu einem Beitrag in')
  expect(page).toContain(`– ${outcome}`)
}

async function reported() {
  const f = await forum()
  await f.reporter.agent.submit(`/p/${f.postId}/report`, `/p/${f.postId}/report`, {
    reason: 'third_party_data',
    text: 'Adresse',
  })
  return f
}

describe('the other actions on a report', () => {
  it('edits the post with a visible note; all errors in one round; the old text kept as a revision', async () => {
    const f = await reported()
    const bad = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/edit`,
      {
        reason: '',
        body: '',
        note: '',
      },
    )
    expect(bad.statusCode).toBe(422)
    // The card's error summary names each field ("<label>: <message>").
    for (const label of [
      'Begründung (für das Protokoll; beim Ausblenden sehen sie die Mitglieder):',
      'Text des Beitrags:',
      'Hinweis der Moderation (sichtbar unter dem Beitrag):',
    ]) {
      expect(bad.body, label).toContain(label)
    }
    const edited = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/edit`,
      {
        reason: 'Privatadresse entfernt',
        body: 'Name und Adresse eines Dritten (entfernt).',
        note: 'Adresse von der Moderation entfernt',
      },
    )
    expect(edited.statusCode).toBe(303)
    const page = (await f.second.agent.get(`/t/${f.threadId}`)).body
    expect(page).not.toContain(f.marker)
    expect(page).toContain('Adresse von der Moderation entfernt')
    const revisions = await setup.database.db
      .selectFrom('post_revisions')
      .select('body_source')
      .where('post_id', '=', f.postId)
      .execute()
    expect(revisions.map((r) => r.body_source).join()).toContain(f.marker)
    const audit = (await f.moderator.agent.get('/moderation/audit')).body
    expect(audit).toContain('Hinweis: Adresse von der Moderation entfernt')
    expect(audit).toContain('Begründung: Privatadresse entfernt')
    await expectReporterTold(f, 'der Beitrag wurde bearbeitet')
  })

  it('deletes the post: the placeholder for everyone, audited, the reporter told', async () => {
    const f = await reported()
    const deleted = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/delete`,
      {
        reason: 'Nicht zu retten',
      },
    )
    expect(deleted.statusCode).toBe(303)
    for (const who of [f.second, f.author]) {
      const page = (await who.agent.get(`/t/${f.threadId}`)).body
      expect(page).not.toContain(f.marker)
      expect(page).toContain('[gelöscht]')
    }
    expect((await f.moderator.agent.get('/moderation/audit')).body).toContain('Begründung: Nicht zu retten')
    await expectReporterTold(f, 'der Beitrag wurde gelöscht')
    // Nothing is left to decide on.
    const again = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/hide`,
      {
        reason: 'nochmal',
      },
    )
    expect(again.statusCode).toBe(404)
  })

  it('suspends the author: their sessions end, a mail tells them, audited with the post, the reporter told', async () => {
    const f = await reported()
    expect((await f.author.agent.get('/')).statusCode).toBe(200)
    const suspended = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${f.postId}/suspend`,
      { reason: 'Wiederholt Daten Dritter veröffentlicht' },
    )
    expect(suspended.statusCode).toBe(303)
    const row = await setup.database.db
      .selectFrom('members')
      .select('status')
      .where('id', '=', f.author.member.id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('suspended')
    // The author's session is over: the next request is not signed in.
    const after = await f.author.agent.get(`/t/${f.threadId}`)
    expect(after.statusCode).not.toBe(200)
    expect(after.body).not.toContain(f.marker)
    const mails = await sendQueuedMail(setup.database)
    expect(mails.some((m) => m.to === f.author.member.email)).toBe(true)
    const audit = (await f.moderator.agent.get('/moderation/audit')).body
    expect(audit).toContain(`Beitrag Nr. ${f.postId}`)
    expect(audit).toContain('Begründung: Wiederholt Daten Dritter veröffentlicht')
    await expectReporterTold(f, 'die Person wurde gesperrt')
  })

  it('does not let a moderator suspend an admin author (409, nothing changes)', async () => {
    const f = await forum()
    const admin = await signedInMember(setup.database.db, setup.app, { name: 'Adele Admin', role: 'admin' })
    const postId = await reply(setup.database.db, admin.current, f.threadId, f.openingPostId, 'Vom Admin.')
    await f.reporter.agent.submit(`/p/${postId}/report`, `/p/${postId}/report`, { reason: 'spam', text: '' })
    const refused = await f.moderator.agent.submit(
      '/moderation/reports',
      `/moderation/reports/${postId}/suspend`,
      {
        reason: 'Test',
      },
    )
    expect(refused.statusCode).toBe(409)
    const row = await setup.database.db
      .selectFrom('members')
      .select('status')
      .where('id', '=', admin.member.id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('verified')
  })
})
