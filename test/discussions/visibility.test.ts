// Every query of member content in discussions goes through the one visibility rule
// (core/visibility). Today the rule lets every verified member see every thread; a viewer the
// rule refuses (here: one whose status changed after the trust gate let the request in) sees
// nothing through any of these paths. When groups or hidden posts narrow the rule, these
// paths follow without a change of their own.
import { describe, expect, it } from 'vitest'
import { homeOverview } from '../../src/features/discussions/categories.service.ts'
import * as service from '../../src/features/discussions/discussions.service.ts'
import { listFor } from '../../src/features/discussions/notifications.service.ts'
import { loadPostInThread, loadThreadPage } from '../../src/features/discussions/thread-page.ts'
import { NotFoundError } from '../../src/lib/errors.ts'
import { useTestApp } from '../helpers/app.ts'
import { categoryId, clock, createThread, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()

describe('the visibility rule in discussions', () => {
  it('decides the thread page, fragments, lists, home, notifications and writes', async () => {
    const db = setup.database.db
    const author = await signedInMember(db, setup.app)
    const viewer = await signedInMember(db, setup.app)
    const { threadId, openingPostId } = await createThread(db, author.current, { category: 'datenschutz' })
    await reply(db, author.current, threadId, openingPostId)
    await reply(db, viewer.current, threadId, openingPostId)
    await reply(db, author.current, threadId, undefined, 'Eine Antwort an alle')
    const ki = await categoryId(db, 'datenschutz')
    const list = { locale: 'de' as const, categoryId: ki, limit: 25 }

    // Seen while the rule allows it …
    await expect(loadThreadPage(db, viewer.current, threadId, 'de')).resolves.toBeDefined()
    expect((await service.listCategoryThreads(db, viewer.current, list)).threads).toHaveLength(1)
    expect((await listFor(db, viewer.current, 'de')).length).toBeGreaterThan(0)

    // … and not once it refuses this viewer.
    await db.updateTable('members').set({ status: 'suspended' }).where('id', '=', viewer.member.id).execute()
    await expect(loadThreadPage(db, viewer.current, threadId, 'de')).rejects.toThrow(NotFoundError)
    await expect(loadPostInThread(db, viewer.current, openingPostId, 'de')).rejects.toThrow(NotFoundError)
    await expect(service.loadThreadHead(db, viewer.current, threadId, 'de')).rejects.toThrow(NotFoundError)
    await expect(service.firstUnread(db, viewer.current, threadId)).rejects.toThrow(NotFoundError)
    await expect(service.threadOfPost(db, viewer.current, openingPostId)).rejects.toThrow(NotFoundError)
    expect((await service.listCategoryThreads(db, viewer.current, list)).threads).toEqual([])
    const home = await homeOverview(db, viewer.current, 'de')
    expect(home.recent).toEqual([])
    expect(home.categories.find((c) => c.id === ki)).toMatchObject({ threadCount: 0, latestThreadId: null })
    expect(await listFor(db, viewer.current, 'de')).toEqual([])
    await expect(
      service.replyToPost(db, clock, viewer.current, threadId, { parent: '', body: 'x', formKey: '' }),
    ).rejects.toThrow(NotFoundError)
    await expect(service.followThread(db, viewer.current, threadId, true)).rejects.toThrow(NotFoundError)
    await expect(service.toggleHelpful(db, viewer.current, openingPostId)).rejects.toThrow(NotFoundError)
  })
})
