// Thread tools through the app as a browser without JavaScript: pinning (first in the
// Themenraum and on the home page), moving, title and tag edits with a visible note, the
// Ergebnis box, showing a hidden post again, and muting (collapsed posts, no notifications).
// Every moderator action must appear in the audit log as a readable sentence.
import { describe, expect, it } from 'vitest'
import { hidePost } from '../../src/features/moderation/reports.repository.ts'
import { categoryId, createThread, reply, signedInMember } from '../discussions/helpers.ts'
import { useTestApp } from '../helpers/app.ts'

const setup = useTestApp()

async function forum(title = 'Ein Thema zum Verwalten') {
  const db = setup.database.db
  const author = await signedInMember(db, setup.app, { name: 'Anna Autorin' })
  const other = await signedInMember(db, setup.app, { name: 'Otto Anderer' })
  const moderator = await signedInMember(db, setup.app, { name: 'Mona Moderation', role: 'moderator' })
  const { threadId, openingPostId } = await createThread(db, author.current, { title, tags: 'ki, pilot' })
  const replyId = await reply(db, other.current, threadId, openingPostId, 'Die Lösung steht in Anlage B.')
  return { db, author, other, moderator, threadId, openingPostId, replyId }
}

const auditPage = async (f: Awaited<ReturnType<typeof forum>>) =>
  (await f.moderator.agent.get('/moderation/audit')).body

describe('pinning', () => {
  it('puts the thread first in its Themenraum and on the home page, audited; members cannot', async () => {
    const f = await forum('Das angeheftete Thema')
    // A newer thread would come first without the pin.
    await createThread(f.db, f.other.current, { title: 'Ein neueres Thema danach' })
    const denied = await f.other.agent.submit(`/t/${f.threadId}`, `/t/${f.threadId}/pin`, { pinned: 'true' })
    expect(denied.statusCode).toBe(403)

    const pinned = await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/pin`, {
      pinned: 'true',
    })
    expect(pinned.statusCode).toBe(303)
    for (const page of ['/c/ki', '/']) {
      const body = (await f.other.agent.get(page)).body
      const first = body.indexOf('Das angeheftete Thema')
      expect(first, page).toBeGreaterThan(-1)
      expect(first, page).toBeLessThan(body.indexOf('Ein neueres Thema danach'))
      expect(body, page).toContain('Angeheftet')
    }
    expect((await f.other.agent.get(`/t/${f.threadId}`)).body).toContain('Von der Moderation angeheftet')
    expect(await auditPage(f)).toContain('hat ein Thema von')

    await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/pin`, { pinned: 'false' })
    const body = (await f.other.agent.get('/c/ki')).body
    expect(body.indexOf('Ein neueres Thema danach')).toBeLessThan(body.indexOf('Das angeheftete Thema'))
    expect(await auditPage(f)).toContain('nicht mehr angeheftet')
  })
})

describe('moving and editing', () => {
  it('moves a thread to another Themenraum with a note, audited with both names', async () => {
    const f = await forum()
    const target = await categoryId(f.db, 'smart-city').catch(async () => {
      const row = await f.db
        .selectFrom('categories')
        .select('id')
        .where('slug', '!=', 'ki')
        .executeTakeFirstOrThrow()
      return row.id
    })
    const bad = await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/move`, {
      category: '2147483647',
      moveNote: 'x'.repeat(501),
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('Themenraum:')
    expect(bad.body).toContain('Hinweis für die Mitglieder:')

    const moved = await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/move`, {
      category: String(target),
      moveNote: 'Passt besser in diesen Themenraum.',
    })
    expect(moved.statusCode).toBe(303)
    const row = await f.db
      .selectFrom('threads')
      .select('category_id')
      .where('id', '=', f.threadId)
      .executeTakeFirstOrThrow()
    expect(row.category_id).toBe(target)
    const page = (await f.other.agent.get(`/t/${f.threadId}`)).body
    expect(page).toContain('Hinweis der Moderation')
    expect(page).toContain('Passt besser in diesen Themenraum.')
    const audit = await auditPage(f)
    expect(audit).toContain('hat ein Thema von')
    expect(audit).toMatch(/Themenraum: „[^“]+“ → „[^“]+“/)

    expect(
      (
        await f.other.agent.submit(`/t/${f.threadId}`, `/t/${f.threadId}/move`, {
          category: String(target),
          moveNote: '',
        })
      ).statusCode,
    ).toBe(403)
  })

  it('edits title and tags with a visible note; all errors in one round, typed text kept', async () => {
    const f = await forum('Ein alter Titel für das Thema')
    const bad = await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/head`, {
      title: 'abc',
      tags: 'a, b, c, d, e, f',
      note: '',
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('Titel:')
    expect(bad.body).toContain('Schlagwörter:')
    expect(bad.body).toContain('Hinweis für die Mitglieder:')
    expect(bad.body).toContain('value="a, b, c, d, e, f"')

    const saved = await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/head`, {
      title: 'Ein klarer neuer Titel',
      tags: 'Verwaltung, ki',
      note: 'Titel präzisiert.',
    })
    expect(saved.statusCode).toBe(303)
    const page = (await f.other.agent.get(`/t/${f.threadId}`)).body
    expect(page).toContain('Ein klarer neuer Titel')
    expect(page).toContain('#verwaltung')
    expect(page).not.toContain('#pilot')
    expect(page).toContain('Titel präzisiert.')
    const audit = await auditPage(f)
    expect(audit).toContain('Titel: „Ein alter Titel für das Thema“ → „Ein klarer neuer Titel“')
    expect(audit).toContain('Schlagwörter: ki, pilot → verwaltung, ki')
    // The search index follows the new title.
    expect((await f.other.agent.get('/search?q=klarer')).body).toContain('Ein klarer neuer Titel')
  })
})

describe('the Ergebnis', () => {
  it('is marked by the thread author, shown at the top with a link; others cannot; a moderator clears it', async () => {
    const f = await forum()
    expect((await f.other.agent.get(`/t/${f.threadId}/moderation`)).statusCode).toBe(403)
    expect((await f.other.agent.get(`/t/${f.threadId}`)).body).not.toContain('Thema verwalten')
    const tools = await f.author.agent.get(`/t/${f.threadId}/moderation`)
    expect(tools.statusCode).toBe(200)
    expect(tools.body).toContain('Die Lösung steht in Anlage B.')
    // The author sees only the Ergebnis, not the moderators' tools.
    expect(tools.body).not.toContain('Thema anheften')

    const wrong = await f.author.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/result`, {
      post: String(f.openingPostId),
    })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('Bitte wählen Sie eine Antwort dieses Themas aus der Liste.')
    const bogus = await f.author.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/result`, {
      post: '99999999999',
    })
    expect(bogus.statusCode).toBe(422)

    const marked = await f.author.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/result`, {
      post: String(f.replyId),
    })
    expect(marked.statusCode).toBe(303)
    const page = (await f.other.agent.get(`/t/${f.threadId}`)).body
    const box = page.indexOf('class="result-box"')
    expect(box).toBeGreaterThan(-1)
    expect(box).toBeLessThan(page.indexOf('id="replies"'))
    expect(page).toContain(`href="/p/${f.replyId}"`)
    expect(page.slice(box, box + 600)).toContain('Otto Anderer')

    const denied = await f.other.agent.submit(`/t/${f.threadId}`, `/t/${f.threadId}/result`, { post: '' })
    expect(denied.statusCode).toBe(403)
    const cleared = await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/result`, {
      post: '',
    })
    expect(cleared.statusCode).toBe(303)
    expect((await f.other.agent.get(`/t/${f.threadId}`)).body).not.toContain('class="result-box"')
    const audit = await auditPage(f)
    expect(audit).toContain('hat in einem Thema von')
    expect(audit).toContain('hat das Ergebnis eines Themas von')
  })

  it('is not shown to members while its post is hidden', async () => {
    const f = await forum()
    await f.author.agent.submit(`/t/${f.threadId}/moderation`, `/t/${f.threadId}/result`, {
      post: String(f.replyId),
    })
    await hidePost(f.db, f.replyId, f.moderator.member.id, 'Prüfung')
    expect((await f.author.agent.get(`/t/${f.threadId}`)).body).not.toContain('class="result-box"')
    expect((await f.moderator.agent.get(`/t/${f.threadId}`)).body).toContain('class="result-box"')
  })
})

describe('showing a hidden post again', () => {
  it('needs a reason, is for moderators only, audited, and the text is back for members', async () => {
    const f = await forum()
    await hidePost(f.db, f.replyId, f.moderator.member.id, 'Zur Prüfung')
    expect((await f.author.agent.get(`/t/${f.threadId}`)).body).not.toContain('Anlage B')
    const tools = (await f.moderator.agent.get(`/t/${f.threadId}/moderation`)).body
    expect(tools).toContain('Zur Prüfung')
    const noReason = await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/p/${f.replyId}/unhide`, {
      reason: '',
    })
    expect(noReason.statusCode).toBe(422)
    expect(
      (await f.author.agent.submit(`/t/${f.threadId}`, `/p/${f.replyId}/unhide`, { reason: 'bitte' }))
        .statusCode,
    ).toBe(403)
    const shown = await f.moderator.agent.submit(`/t/${f.threadId}/moderation`, `/p/${f.replyId}/unhide`, {
      reason: 'Kein Verstoß',
    })
    expect(shown.statusCode).toBe(303)
    expect((await f.author.agent.get(`/t/${f.threadId}`)).body).toContain('Anlage B')
    const audit = await auditPage(f)
    expect(audit).toContain('hat einen Beitrag von')
    expect(audit).toContain('wieder eingeblendet')
    expect(audit).toContain('Begründung: Kein Verstoß')
  })
})

describe('muting', () => {
  it('collapses the muted member’s posts for the muting member only and stops their notifications', async () => {
    const f = await forum()
    // The profile links the mute page (not on one's own profile).
    expect((await f.author.agent.get(`/m/${f.other.member.id}`)).body).toContain(
      `href="/m/${f.other.member.id}/mute"`,
    )
    expect((await f.author.agent.get(`/m/${f.author.member.id}`)).body).not.toContain('/mute"')
    expect((await f.author.agent.get('/account')).body).toContain('href="/account/mutes"')
    const page = await f.author.agent.get(`/m/${f.other.member.id}/mute`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Otto Anderer stummschalten')
    expect((await f.author.agent.get(`/m/${f.author.member.id}/mute`)).statusCode).toBe(404)
    const muted = await f.author.agent.submit(
      `/m/${f.other.member.id}/mute`,
      `/m/${f.other.member.id}/mute`,
      {
        muted: 'true',
      },
    )
    expect(muted.statusCode).toBe(303)
    expect((await f.author.agent.get('/account/mutes')).body).toContain('Otto Anderer')

    const mine = (await f.author.agent.get(`/t/${f.threadId}`)).body
    expect(mine).toMatch(
      /<details class="muted-post"><summary>Beitrag von Otto Anderer \(stummgeschaltet\) – anzeigen<\/summary><div class="md"><p>Die Lösung steht in Anlage B\.<\/p>/,
    )
    const theirs = (await f.moderator.agent.get(`/t/${f.threadId}`)).body
    expect(theirs).toContain('Anlage B')
    expect(theirs).not.toContain('muted-post')

    // A reply by the muted member to the author's opening post notifies nobody who muted them…
    await reply(f.db, f.other.current, f.threadId, f.openingPostId, 'Noch eine Antwort von Otto.')
    const count = async () =>
      (
        await f.db
          .selectFrom('notifications')
          .select('id')
          .where('member_id', '=', f.author.member.id)
          .where('actor_id', '=', f.other.member.id)
          .execute()
      ).length
    const before = await count()
    expect(before).toBe(1) // the first reply, before the mute
    // …and after unmuting, the next one does.
    await f.author.agent.submit('/account/mutes', `/m/${f.other.member.id}/mute`, { muted: 'false' })
    await reply(f.db, f.other.current, f.threadId, f.openingPostId, 'Und noch eine.')
    expect(await count()).toBe(2)
    expect((await f.author.agent.get(`/t/${f.threadId}`)).body).not.toContain('muted-post')
  })
})
