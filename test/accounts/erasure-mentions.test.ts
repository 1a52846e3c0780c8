// Art. 17 DSGVO: the handle is made of the name, so others' @mentions of an erased member go
// too, in the post's source and stored HTML and in earlier versions; a longer handle that only
// starts like it stays.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { erasedMention, eraseMember } from '../../src/features/accounts/account-deletion.ts'
import { editPost } from '../../src/features/discussions/discussions.service.ts'
import { asCurrent, createThread, reply } from '../discussions/helpers.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'

const setup = useTestApp()
const clock = { now: () => new Date() }

async function handleOf(id: number): Promise<string> {
  const { rows } = await sql<{ handle: string }>`select handle from members where id = ${id}`.execute(
    setup.database.db,
  )
  return rows[0]!.handle
}

describe('erasing an account', () => {
  it('neutralises the @mentions of the member in others’ posts and their earlier versions', async () => {
    const { db } = setup.database
    const erika = await createMember(db, { name: 'Erika Lindqvist' })
    const longer = await createMember(db, { name: 'Erika Lindqvisten' })
    const author = await createMember(db, { name: 'Sven Autor' })
    const handle = await handleOf(erika.id)
    const longerHandle = await handleOf(longer.id)
    expect(longerHandle.toLowerCase().startsWith(handle.toLowerCase())).toBe(true)
    const { threadId, openingPostId } = await createThread(db, asCurrent(author), {
      body: `Frage an @${handle}: passt das?`,
    })
    const postId = await reply(
      db,
      asCurrent(author),
      threadId,
      openingPostId,
      `Danke @${handle.toUpperCase()}, und @${longerHandle}.`,
    )
    await editPost(db, clock, asCurrent(author), postId, {
      body: `Danke @${handle}! Und @${longerHandle}.`,
      version: '1',
    })
    const before = await db
      .selectFrom('posts')
      .select(['body_html', 'version'])
      .where('id', '=', postId)
      .executeTakeFirstOrThrow()
    expect(before.body_html).toContain(`<strong class="mention">@${handle}</strong>`)

    await db
      .transaction()
      .execute((trx) =>
        eraseMember(trx, erika.id, { posts: 'keep', actorId: erika.id, reason: 'own_request' }),
      )

    const posts = await db
      .selectFrom('posts')
      .select(['id', 'body_source', 'body_html', 'version'])
      .where('thread_id', '=', threadId)
      .execute()
    const revisions = await db
      .selectFrom('post_revisions')
      .select(['body_source', 'body_html'])
      .where('post_id', '=', postId)
      .execute()
    expect(revisions.length).toBeGreaterThan(0)
    const texts = [...posts, ...revisions].flatMap((row) => [row.body_source, row.body_html])
    const withoutLonger = texts.map((text) => text.split(longerHandle).join(''))
    for (const text of withoutLonger) expect(text.toLowerCase()).not.toContain(handle.toLowerCase())
    const edited = posts.find((post) => post.id === postId)!
    expect(edited.body_source).toBe(`Danke ${erasedMention}! Und @${longerHandle}.`)
    expect(edited.body_html).toContain(`Danke ${erasedMention}!`)
    expect(edited.body_html).toContain(`<strong class="mention">@${longerHandle}</strong>`)
    expect(edited.version).toBe(before.version + 1)
    expect(posts.find((post) => post.id === openingPostId)!.body_source).toBe(
      `Frage an ${erasedMention}: passt das?`,
    )
  })
})
