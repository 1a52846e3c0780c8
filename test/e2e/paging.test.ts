// Paging inside a long thread, in a real Chromium, with and without JavaScript: a permalink to a
// deep reply far down the thread opens the window that holds it, scrolled there (and focused
// with JavaScript); "Weitere Antworten" loads the next window (htmx: appended, focus on its
// first post, no page load; without JavaScript: the next page); axe finds nothing (it needs the
// page to run scripts, so it checks the JavaScript variant; 200 posts take it a while).
import pg from 'pg'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, markPage, memberContext, pageWasNotReloaded } from './helpers/browser.ts'
import { expectNoAxeViolations } from './helpers/checks.ts'
import type { Web } from './helpers/dom.ts'
import { demo } from './helpers/env.ts'

let browser: Browser
const thread = { id: 0, top: [] as number[], deep: [] as number[] }

/**
 * A long thread written straight into the server's database (the posting limit would not allow
 * 210 replies through the forms): 200 replies to the opening post, and below the 180th a chain
 * of 10 nested replies, the last one at depth 11 (unindented, "in reply to").
 */
async function writeLongThread(): Promise<void> {
  const client = new pg.Client({ connectionString: inject('e2eDatabaseUrl') })
  await client.connect()
  try {
    const { rows: members } = await client.query<{ id: number }>(
      'select id from members where email = any($1) order by email',
      [[demo.anna.email, demo.jonas.email, demo.fatma.email]],
    )
    const { rows: threads } = await client.query<{ id: number }>(
      `insert into threads (category_id, author_id, title, stage, created_at, last_activity_at)
       values ((select id from categories where slug = 'ki'), $1, 'Langes Thema: Erfahrungen mit E-Akten', 'in_use', now(), now())
       returning id`,
      [members[0]!.id],
    )
    thread.id = threads[0]!.id
    const post = async (parent: number | null, n: number): Promise<number> => {
      const text = `Beitrag ${n}: Wir haben die E-Akte in ${n % 7} Fachbereichen eingeführt.`
      const { rows } = await client.query<{ id: number }>(
        `with n as (select nextval(pg_get_serial_sequence('posts', 'id'))::int as id)
         insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at)
         select n.id, $1, $2, $3::int,
           coalesce((select path from posts where id = $3::int), '{}') || n.id,
           coalesce((select depth + 1 from posts where id = $3::int), 0), $4, '<p>' || $4 || '</p>',
           now() - interval '1 day' + make_interval(secs => $5)
         from n returning id`,
        [thread.id, members[n % members.length]!.id, parent, text, n],
      )
      return rows[0]!.id
    }
    const opening = await post(null, 0)
    for (let i = 1; i <= 200; i++) thread.top.push(await post(opening, i))
    let parent = thread.top[179]!
    for (let i = 0; i < 10; i++) {
      parent = await post(parent, 200 + i)
      thread.deep.push(parent)
    }
    await client.query(
      `update threads set opening_post_id = $2, reply_count = 210,
         last_post_id = (select max(id) from posts where thread_id = $1) where id = $1`,
      [thread.id, opening],
    )
  } finally {
    await client.end()
  }
}

/**
 * A thread whose first window ends with a post that has a reply in the next window: one top-level
 * reply with 149 replies (the window's 150 posts), the last of them with one reply of its own.
 */
const cut = { id: 0, last: 0 }
async function writeCutThread(): Promise<void> {
  const client = new pg.Client({ connectionString: inject('e2eDatabaseUrl') })
  await client.connect()
  try {
    const { rows } = await client.query<{ id: number; author: number }>(
      `insert into threads (category_id, author_id, title, stage, created_at, last_activity_at)
       select (select id from categories where slug = 'ki'), m.id, 'Abgeschnittene Liste', 'idea', now(), now()
       from members m where m.email = $1 returning id, author_id as author`,
      [demo.anna.email],
    )
    cut.id = rows[0]!.id
    const post = async (parent: number | null, n: number) => {
      const { rows: written } = await client.query<{ id: number }>(
        `with n as (select nextval(pg_get_serial_sequence('posts', 'id'))::int as id)
         insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at)
         select n.id, $1, $2, $3::int, coalesce((select path from posts where id = $3::int), '{}') || n.id,
           coalesce((select depth + 1 from posts where id = $3::int), 0), $4, '<p>' || $4 || '</p>',
           now() - interval '1 day' + make_interval(secs => $5)
         from n returning id`,
        [cut.id, rows[0]!.author, parent, `Teil ${n}`, n],
      )
      return written[0]!.id
    }
    const opening = await post(null, 0)
    const top = await post(opening, 1)
    for (let i = 0; i < 149; i++) cut.last = await post(top, 2 + i)
    await post(cut.last, 200)
    await client.query(
      `update threads set opening_post_id = $2, reply_count = 151,
         last_post_id = (select max(id) from posts where thread_id = $1) where id = $1`,
      [cut.id, opening],
    )
  } finally {
    await client.end()
  }
}

beforeAll(async () => {
  browser = await launchBrowser()
  await writeLongThread()
  await writeCutThread()
})
afterAll(async () => {
  await browser?.close()
})

/** The post's article is on the screen (not only in the document); no page script needed. */
async function expectOnScreen(page: Page, postId: number): Promise<void> {
  const box = await page.locator(`#post-${postId} > article`).boundingBox()
  const height = page.viewportSize()?.height ?? 0
  expect(box, `post ${postId} has a box`).not.toBeNull()
  expect(box!.y >= -1 && box!.y < height, `post ${postId} scrolled into view (top at ${box?.y})`).toBe(true)
}

for (const javaScript of [true, false]) {
  describe(`a long thread ${javaScript ? 'with' : 'without'} JavaScript`, () => {
    let context: BrowserContext
    beforeAll(async () => {
      context = await memberContext(browser, demo.fatma, { javaScriptEnabled: javaScript })
    })
    afterAll(async () => {
      await context?.close()
    })

    it('opens a permalink to a deep reply in the window that holds it', async () => {
      const page = await context.newPage()
      const target = thread.deep.at(-1)!
      await page.goto(`/t/${thread.id}?at=${target}#post-${target}`)
      await expect(page.locator(`#post-${target}`).count()).resolves.toBe(1)
      // Not the first window: the thread's start is a link away.
      await expect(page.locator(`#post-${thread.top[0]}`).count()).resolves.toBe(0)
      await expect(
        page.getByRole('link', { name: 'Frühere Antworten: zum Anfang des Themas' }).count(),
      ).resolves.toBe(1)
      await expect(page.locator(`#post-${target} .re`).textContent()).resolves.toContain('Antwort auf')
      await expectOnScreen(page, target)
      if (javaScript)
        await page.waitForFunction(
          (id) => (globalThis as unknown as Web).document.activeElement?.closest('li')?.id === id,
          `post-${target}`,
          { timeout: 5000 },
        )
      else expect(new URL(page.url()).hash).toBe(`#post-${target}`)
      // axe runs in the page (JavaScript); without it the markup is the same.
      if (javaScript) await expectNoAxeViolations(page, 'permalink')
      await page.close()
    }, 120_000)

    it('loads the next window with "Weitere Antworten"', async () => {
      const page = await context.newPage()
      await page.goto(`/t/${thread.id}`)
      await expect(page.locator('#replies li').count()).resolves.toBe(100)
      await expect(page.locator(`#post-${thread.top[100]}`).count()).resolves.toBe(0)
      await markPage(page)
      // A reply to the thread goes to the end of the replies shown (with htmx); the last window
      // brings it again in its place, and it is on the page once.
      const replyText = `Nachtrag zum langen Thema (${javaScript ? 'js' : 'nojs'})`
      if (javaScript) {
        await page.locator('#thread-reply').getByLabel('Ihre Antwort').fill(replyText)
        await page.locator('#thread-reply').getByRole('button', { name: 'Antwort senden' }).click()
        await page.locator('#replies article > p', { hasText: replyText }).waitFor()
      }
      await page.getByRole('link', { name: 'Weitere Antworten' }).click()
      await page.locator(`#post-${thread.top[100]}`).waitFor()
      if (javaScript) {
        expect(await pageWasNotReloaded(page), 'htmx added the window without a page load').toBe(true)
        await page.waitForFunction(
          (id) => (globalThis as unknown as Web).document.activeElement?.closest('li')?.id === id,
          `post-${thread.top[100]}`,
          { timeout: 5000 },
        )
        // Both windows are on the page now, and the link is gone at the end of the thread.
        await expect(page.locator(`#post-${thread.top[0]}`).count()).resolves.toBe(1)
        await expect(page.getByRole('link', { name: 'Weitere Antworten' }).count()).resolves.toBe(0)
        await expect(page.locator('#replies li').filter({ hasText: replyText }).count()).resolves.toBe(1)
      } else {
        expect(page.url()).toContain(`?after=${thread.top[99]}`)
        await expect(page.locator(`#post-${thread.top[0]}`).count()).resolves.toBe(0)
      }
      await expect(page.locator(`#post-${thread.deep.at(-1)}`).count()).resolves.toBe(1)
      if (javaScript) await expectNoAxeViolations(page, 'next window, added by htmx')
      await page.close()
    }, 120_000)
  })
}

describe('an old link without the window', () => {
  it('is sent to the window that holds the post (with JavaScript)', async () => {
    const context = await memberContext(browser, demo.fatma)
    const page = await context.newPage()
    const target = thread.deep[3]!
    await page.goto(`/t/${thread.id}#post-${target}`)
    await page.waitForURL(`**/t/${thread.id}?at=${target}#post-${target}`)
    await page.locator(`#post-${target}`).waitFor()
    await page.waitForFunction(
      (id) => (globalThis as unknown as Web).document.activeElement?.closest('li')?.id === id,
      `post-${target}`,
      { timeout: 5000 },
    )
    await context.close()
  })
})

describe('a reply to the last post of a window whose replies continue in the next one', () => {
  it('opens the window that holds the new reply (with JavaScript)', async () => {
    const context = await memberContext(browser, demo.fatma)
    const page = await context.newPage()
    await page.goto(`/t/${cut.id}`)
    const last = page.locator(`#post-${cut.last}`)
    await expect(last.locator('details').count()).resolves.toBe(0)
    await last.getByRole('link', { name: 'Antworten' }).click()
    const text = 'Antwort unter dem letzten Beitrag des Fensters'
    await page.locator(`#reply-${cut.last}`).getByLabel('Ihre Antwort').fill(text)
    await page.locator(`#reply-${cut.last}`).getByRole('button', { name: 'Antwort senden' }).click()
    await page.waitForURL(/\?at=\d+#post-\d+$/)
    await page.locator('article > p', { hasText: text }).waitFor()
    await context.close()
  }, 120_000)
})
