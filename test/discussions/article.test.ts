// A post has one producer (thread-page.ts) and one look: the template's fast path prints the
// same markup as its full path, and the thread page and every htmx fragment print a post alike.
import { describe, expect, it } from 'vitest'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import type { PostRecord } from '../../src/features/discussions/discussions.repository.ts'
import { labelsFor } from '../../src/features/discussions/discussions.view.ts'
import { buildTree } from '../../src/features/discussions/thread-page.ts'
import { createViewEngine } from '../../src/plugins/views.ts'
import type { Agent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createThread, htmx, reply, signedInMember } from './helpers.ts'

const setup = useTestApp()
const render = createViewEngine()

function record(id: number, depth: number, authorId: number): PostRecord {
  return {
    id,
    depth,
    authorId,
    bodyHtml: `<p>Beitrag ${id}</p>`,
    deleted: false,
    edited: false,
    version: 1,
    helpfulCount: 2,
    createdLabel: '01.12.2026, 11:00',
  }
}

const viewer: CurrentMember = {
  id: 1,
  name: 'Leserin',
  role: 'member',
  status: 'verified',
  locale: null,
  organisationId: 1,
}

describe('the post template', () => {
  it('prints a plain post the same on its fast path and its full path', () => {
    const post = ordinaryPost([record(10, 0, 2), record(11, 1, 2)], 11, 'Ülkü ‮Yılmaz')
    expect(post.plain).toBe(true)
    const { fast, full } = bothPaths(post)
    expect(fast).toBe(full)
    // Member text is isolated, and the fast path is the one that was taken.
    expect(fast).toContain('<bdi>Ülkü ‮Yılmaz</bdi></a>')
    expect(fast).not.toContain('data-focus-first')
  })

  it('prints an edited post and one in reply to a post above its level the same on both paths', () => {
    const records = [0, 1, 2, 3, 4, 5, 6, 7].map((depth) => record(20 + depth, depth, 2))
    records[7] = { ...records[7]!, edited: true, version: 2 }
    const post = ordinaryPost(records, 27, 'Jonas')
    expect(post.replyTo?.id).toBe(26)
    expect(post.plain).toBe(true)
    const { fast, full } = bothPaths(post)
    expect(fast).toBe(full)
    expect(fast).toContain(
      '<span class="edited">bearbeitet</span> <a href="#post-26" class="re">Antwort auf <bdi>Jonas</bdi></a>',
    )
  })
})

/** Post `id` of a tree of `records`, all written by author 2 (`name`), as the viewer sees it. */
function ordinaryPost(records: PostRecord[], id: number, name: string) {
  const tree = buildTree(records, {
    viewer,
    locked: false,
    lastReadPostId: null,
    authors: { 2: { name, jobTitle: 'CDO', organisation: 'Stadt A', role: 'member', handle: 'U' } },
  })
  return tree.byId.get(id)!
}

/** A post's article from the template's fast path and from its full path. */
function bothPaths(post: ReturnType<typeof ordinaryPost>) {
  const data = { labels: labelsFor('de'), thread: { id: 5 }, locale: 'de' }
  return {
    fast: render('discussions/_article', { ...data, ...post, plain: true }),
    full: render('discussions/_article', { ...data, ...post, plain: false }),
  }
}

/** The article of one post in a page or fragment, without the focus mark a swap adds. */
function articleOf(html: string, postId: number): string {
  const start = html.search(new RegExp(`id="post-${postId}"[^>]*>(<article|<details)`))
  expect(start, `post ${postId} in the html`).toBeGreaterThan(-1)
  const from = html.indexOf('<article', start)
  return html
    .slice(from, html.indexOf('</article>', from) + '</article>'.length)
    .replace(' data-focus-first tabindex="-1"', '')
}

function fragmentArticle(html: string): string {
  return html
    .slice(html.indexOf('<article'), html.indexOf('</article>') + '</article>'.length)
    .replace(' data-focus-first tabindex="-1"', '')
}

/** The <li> of a post with everything nested in it. */
function listItem(html: string, postId: number): string {
  const start = html.indexOf(`<li id="post-${postId}">`)
  expect(start, `post ${postId} in the html`).toBeGreaterThan(-1)
  const tags = /<li[ >]|<\/li>/g
  tags.lastIndex = start
  let depth = 0
  for (let match = tags.exec(html); match; match = tags.exec(html)) {
    depth += match[0] === '</li>' ? -1 : 1
    if (depth === 0) return html.slice(start, match.index + '</li>'.length)
  }
  throw new Error('unbalanced list')
}

async function csrf(agent: Agent, page: string) {
  return { ...htmx, 'x-csrf-token': await agent.csrf(page) }
}

describe('the thread page and its fragments', () => {
  it('print every post alike: plain, own, staff, deep "in reply to", edited and deleted posts', async () => {
    const db = setup.database.db
    const anna = await signedInMember(db, setup.app, { name: 'Anna Artikel' })
    const mona = await signedInMember(db, setup.app, { name: 'Mona Moderiert', role: 'moderator' })
    const reader = await signedInMember(db, setup.app, { name: 'Rita Leserin' })
    const { threadId, openingPostId } = await createThread(db, anna.current, { body: '# Titel\n\nText' })
    let parent = openingPostId
    const chain: number[] = []
    for (let i = 0; i < 8; i++) {
      parent = await reply(db, i % 2 ? anna.current : mona.current, threadId, parent, `Ebene ${i + 1}`)
      chain.push(parent)
    }
    const own = await reply(db, reader.current, threadId, openingPostId, 'Meine eigene Antwort')
    await anna.agent.submit(`/p/${chain[1]}/edit`, `/p/${chain[1]}/edit`, {
      body: 'Neu gefasst',
      version: '1',
    })
    const deleted = await reply(db, anna.current, threadId, chain[0], 'Gleich weg')
    await anna.agent.submit(`/t/${threadId}`, `/p/${deleted}/delete`, {})
    await reader.agent.get(`/t/${threadId}`) // read once: nothing is "new" on the next visit
    const page = (await reader.agent.get(`/t/${threadId}`)).body

    const posts = [openingPostId, chain[0]!, chain[1]!, chain[7]!, own, deleted]
    for (const id of posts) {
      const fragment = await reader.agent.get(`/p/${id}`, htmx)
      expect(fragment.statusCode, `post ${id}`).toBe(200)
      expect(fragmentArticle(fragment.body), `post ${id}`).toBe(articleOf(page, id))
    }
    // The markup covers what it should: staff mark, "in reply to", edited, deleted, own actions.
    expect(articleOf(page, chain[0]!)).toContain('<span class="staff">Moderation</span>')
    expect(articleOf(page, chain[7]!)).toContain('class="re">Antwort auf <bdi>')
    expect(articleOf(page, chain[1]!)).toContain('<span class="edited">bearbeitet</span>')
    expect(articleOf(page, deleted)).toContain('<p class="deleted">[gelöscht]</p>')
    expect(articleOf(page, own)).toContain(`/p/${own}/edit`)

    // The toggle answered after "Hilfreich" is the page's button with the new state.
    const toggled = await reader.agent.post(
      `/p/${chain[0]}/helpful`,
      {},
      await csrf(reader.agent, `/t/${threadId}`),
    )
    const after = (await reader.agent.get(`/t/${threadId}`)).body
    const button = /<button[^>]*aria-pressed[^>]*>[\s\S]*?<\/button>/
    expect(toggled.body.replace(' data-focus-first', '')).toBe(button.exec(articleOf(after, chain[0]!))?.[0])
  })

  it('print the new post an htmx reply returns as the page prints it', async () => {
    const db = setup.database.db
    const anna = await signedInMember(db, setup.app, { name: 'Anna Teilbaum' })
    const bernd = await signedInMember(db, setup.app, { name: 'Bernd Teilbaum' })
    const { threadId, openingPostId } = await createThread(db, anna.current)
    const first = await reply(db, anna.current, threadId, openingPostId, 'Erste Ebene')
    await reply(db, anna.current, threadId, first, 'Zweite Ebene')
    const response = await bernd.agent.post(
      `/t/${threadId}/posts`,
      { parent: String(first), body: 'Neu dazu' },
      await csrf(bernd.agent, `/t/${threadId}`),
    )
    expect(response.statusCode).toBe(200)
    const newId = Number(/^<li id="post-(\d+)">/.exec(response.body)?.[1])
    expect(listItem(response.body, newId)).toContain('Neu dazu')
    await bernd.agent.get(`/t/${threadId}`)
    const page = (await bernd.agent.get(`/t/${threadId}`)).body
    const fromFragment = listItem(response.body, newId).replace(' data-focus-first tabindex="-1"', '')
    expect(fromFragment).toBe(listItem(page, newId))
    // The counts it swaps out of band are the page's.
    const count = /<summary hx-swap-oob="innerHTML:#post-\d+>details>summary">([^<]*)<\/summary>/.exec(
      response.body,
    )
    expect(listItem(page, first)).toContain(`<summary>${count?.[1]}</summary>`)
  })
})
