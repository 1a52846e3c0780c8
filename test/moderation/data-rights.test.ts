// The moderation feature's data in the members' data rights: the export holds the member's
// Rückfragen and answers, drafts and mutes (member numbers only, no other member's name); erasing
// the member removes them, and the mutes others had of them.
import { describe, expect, it } from 'vitest'
import { eraseMember } from '../../src/features/accounts/account-deletion.ts'
import { collectMemberData } from '../../src/features/accounts/data-export.ts'
import { saveDraft } from '../../src/features/drafts/drafts.repository.ts'
import { insertQuestion } from '../../src/features/moderation/applicant-questions.ts'
import { mute } from '../../src/features/moderation/mutes.ts'
import { signedInMember } from '../discussions/helpers.ts'
import { useTestApp } from '../helpers/app.ts'

const setup = useTestApp()

describe('moderation data and the data rights', () => {
  it('is exported and erased with the member', async () => {
    const db = setup.database.db
    const paula = await signedInMember(db, setup.app, { name: 'Paula Privat' })
    const other = await signedInMember(db, setup.app, { name: 'Otto Fremd' })
    const moderator = await signedInMember(db, setup.app, { role: 'moderator' })
    await insertQuestion(db, {
      memberId: paula.member.id,
      askedBy: moderator.member.id,
      question: 'Welches Amt?',
    })
    await saveDraft(db, paula.member.id, '/t|', { title: 'Mein halbes Thema', body: 'Entwurfstext' })
    await mute(db, paula.current, other.member.id)
    await mute(db, other.current, paula.member.id)

    const data = JSON.stringify(await collectMemberData(db, paula.member.id))
    expect(data).toContain('Welches Amt?')
    expect(data).toContain('Entwurfstext')
    expect(data).toContain(`"memberId":${other.member.id}`)
    expect(data).not.toContain('Otto Fremd')

    await db
      .transaction()
      .execute((trx) =>
        eraseMember(trx, paula.member.id, { posts: 'keep', actorId: paula.member.id, reason: 'own_request' }),
      )
    for (const table of ['applicant_questions', 'drafts'] as const) {
      const rows = await db
        .selectFrom(table)
        .select('member_id')
        .where('member_id', '=', paula.member.id)
        .execute()
      expect(rows, table).toEqual([])
    }
    const mutes = await db
      .selectFrom('member_mutes')
      .selectAll()
      .where((eb) =>
        eb.or([eb('member_id', '=', paula.member.id), eb('muted_member_id', '=', paula.member.id)]),
      )
      .execute()
    expect(mutes).toEqual([])
  })
})
