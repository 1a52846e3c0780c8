// Every page of the discussions is valid HTML (html-validate as every page check uses it, with
// the few deliberate exceptions explained in test/helpers/html-validate.ts).
import { describe, expect, it } from 'vitest'
import { changeStage } from '../../src/features/discussions/discussions.service.ts'
import { useTestApp } from '../helpers/app.ts'
import { htmlProblems } from '../helpers/html-validate.ts'
import { categoryId, clock, createThread, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()

describe('discussions pages', () => {
  it('are valid HTML', async () => {
    const author = await signedInMember(setup.database.db, setup.app, { name: 'Anna Achtsam' })
    const moderator = await signedInMember(setup.database.db, setup.app, {
      name: 'Mona Moderation',
      role: 'moderator',
    })
    const admin = await signedInMember(setup.database.db, setup.app, { role: 'admin' })
    const { threadId, openingPostId } = await createThread(setup.database.db, author.current, {
      confidential: true,
      tags: 'ki, bürgerservice',
      body: '# Überschrift\n\n**fett**, [Link](https://example.org), ![Bild](https://example.org/a.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    })
    await changeStage(setup.database.db, clock, author.current, threadId, 'pilot')
    let parent = openingPostId
    const ids: number[] = []
    for (let i = 0; i < 8; i++) {
      parent = await reply(
        setup.database.db,
        i % 2 ? author.current : moderator.current,
        threadId,
        parent,
        `Ebene ${i + 1} @Anna_Achtsam`,
      )
      ids.push(parent)
    }
    await author.agent.submit(`/p/${ids[1]}/edit`, `/p/${ids[1]}/edit`, { body: 'Neu gefasst', version: '1' })
    await author.agent.submit(`/t/${threadId}`, `/p/${ids[3]}/delete`, {})
    await moderator.agent.submit(`/t/${threadId}`, `/p/${openingPostId}/helpful`, {})
    const conflict = await author.agent.submit(`/p/${ids[1]}/edit`, `/p/${ids[1]}/edit`, {
      body: 'Zu spät',
      version: '1',
    })
    const badThread = await author.agent.submit('/t/new', '/t', {
      title: 'x',
      category: '',
      stage: 'x',
      body: '',
    })
    const badReply = await moderator.agent.submit(`/p/${ids[0]}/reply`, `/t/${threadId}/posts`, {
      parent: String(ids[0]),
      body: '',
    })
    const badCategory = await admin.agent.submit('/admin/categories', '/admin/categories', {
      name: '',
      slug: 'X Y',
    })
    const pages: [string, string][] = [
      ['home', (await author.agent.get('/')).body],
      ['category', (await author.agent.get('/c/ki')).body],
      ['category filtered', (await author.agent.get('/c/ki?stage=pilot&tag=ki')).body],
      ['empty category', (await author.agent.get('/c/ozg')).body],
      ['thread (author)', (await author.agent.get(`/t/${threadId}`)).body],
      ['thread (moderator)', (await moderator.agent.get(`/t/${threadId}`)).body],
      ['new thread', (await author.agent.get('/t/new')).body],
      ['new thread with errors', badThread.body],
      ['reply page', (await moderator.agent.get(`/p/${ids[0]}/reply`)).body],
      ['reply page with errors', badReply.body],
      ['edit page', (await author.agent.get(`/p/${ids[1]}/edit`)).body],
      ['edit conflict', conflict.body],
      ['delete page', (await author.agent.get(`/p/${ids[5]}/delete`)).body],
      ['revisions', (await moderator.agent.get(`/p/${ids[1]}/revisions`)).body],
      ['notifications', (await author.agent.get('/notifications')).body],
      ['mentions', (await author.agent.get('/mentions?q=Anna')).body],
      ['preview', (await author.agent.submit('/t/new', '/preview', { body: '*x*' })).body],
      ['admin categories', (await admin.agent.get('/admin/categories')).body],
      ['admin categories with errors', badCategory.body],
      [
        'admin category',
        (await admin.agent.get(`/admin/categories/${await categoryId(setup.database.db)}`)).body,
      ],
    ]
    const found: string[] = []
    for (const [label, html] of pages) {
      expect(html, label).toContain('<html')
      found.push(...(await htmlProblems(html, label)))
    }
    expect(found).toEqual([])
  })
})
