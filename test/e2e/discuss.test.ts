// Journey 3: start a thread with a stage and a tag; a second member follows, replies to it and
// to that reply (nested), reacts; the first member sees the notification and the unread count.
// With JavaScript every step after the thread page opened is an htmx swap, proven by a marker
// on window that a page load would wipe; without JavaScript the same forms post and redirect.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, markPage, memberContext, pageWasNotReloaded, screenshot } from './helpers/browser.ts'
import type { Web } from './helpers/dom.ts'
import { demo } from './helpers/env.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** The id of the post (li/div#post-N) that contains the given text. */
async function postIdWith(page: Page, text: string): Promise<string> {
  const id = await page
    .locator('[id^="post-"]')
    .filter({ has: page.locator('article > p', { hasText: text }) })
    .last()
    .getAttribute('id')
  if (!id) throw new Error(`no post with "${text}"`)
  return id
}

/** After an htmx swap focus goes to the new post (app.js moves it once the swap has settled). */
async function expectFocusInPost(page: Page, text: string): Promise<void> {
  const found = await page
    .waitForFunction(
      (t) =>
        (globalThis as unknown as Web).document.activeElement?.closest('article')?.textContent?.includes(t),
      text,
      {
        timeout: 5000,
      },
    )
    .then(() => true)
    .catch(() => false)
  const focused = await page.evaluate(
    () => (globalThis as unknown as Web).document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing',
  )
  expect(found, `focus should be on the post "${text}", is on ${focused}`).toBe(true)
}

for (const javaScript of [true, false]) {
  const variant = javaScript ? 'js' : 'nojs'
  describe(`discuss ${javaScript ? 'with' : 'without'} JavaScript`, () => {
    const title = `Gemeinsamer Messenger für Verwaltungen (${variant})`
    const replyText = `Wir prüfen gerade Matrix als Basis (${variant}).`
    const nestedText = `Nachtrag: der Betrieb läge beim IT-Dienstleister (${variant}).`
    let starter: BrowserContext
    let replier: BrowserContext

    beforeAll(async () => {
      starter = await memberContext(browser, demo.anna, { javaScriptEnabled: javaScript })
      replier = await memberContext(browser, demo.jonas, { javaScriptEnabled: javaScript })
    })
    afterAll(async () => {
      await starter?.close()
      await replier?.close()
    })

    it('3 discuss: thread with stage and tag, nested replies, reaction, follow, notification', async () => {
      // ---- Anna starts a thread -------------------------------------------------------------
      const a = await starter.newPage()
      await a.goto('/')
      await a.getByRole('link', { name: 'Neues Thema beginnen' }).click()
      await a.getByLabel('Titel').fill(title)
      await a.getByLabel('Themenraum').selectOption({ label: 'Smart City' })
      await a.getByLabel('Reifegrad').selectOption({ label: 'Pilot' })
      await a.getByLabel('Schlagwörter').fill(`messenger, e2e-${variant}`)
      await a
        .getByLabel('Ihr Beitrag')
        .fill('Mehrere Städte suchen einen **souveränen** Messenger. Wer ist dabei?')
      await a.getByRole('button', { name: 'Thema veröffentlichen' }).click()
      await a.waitForURL(/\/t\/\d+$/)
      const threadUrl = new URL(a.url()).pathname
      await expect(a.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(title)
      const meta = (await a.locator('.thread-meta').textContent()) ?? ''
      expect(meta).toContain('Reifegrad: Pilot')
      expect(meta).toContain(`#e2e-${variant}`)

      // ---- Jonas follows, replies, replies to his reply, reacts -----------------------------
      const b = await replier.newPage()
      await b.goto('/')
      await b.getByRole('link', { name: title }).first().click()
      await b.waitForURL((url) => url.pathname === threadUrl)
      if (javaScript) await markPage(b)

      await b.getByRole('button', { name: 'Thema folgen' }).click()
      await expect(
        b
          .getByRole('button', { name: 'Sie folgen diesem Thema – nicht mehr folgen' })
          .getAttribute('aria-pressed'),
      ).resolves.toBe('true')

      await b.locator('#thread-body').fill(replyText)
      await b.locator('#thread-reply').getByRole('button', { name: 'Antwort senden' }).click()
      await b.locator('#replies article > p', { hasText: replyText }).waitFor()
      const replyId = await postIdWith(b, replyText)
      if (javaScript) await expectFocusInPost(b, replyText)

      // The reply's own "Antworten": inline form with htmx, its own page without JavaScript.
      await b.locator(`#${replyId} > article`).getByRole('link', { name: 'Antworten', exact: true }).click()
      const nestedForm = javaScript
        ? b.locator(`#reply-${replyId.slice('post-'.length)}`)
        : b.locator('.reply-box')
      await nestedForm.getByLabel('Ihre Antwort').fill(nestedText)
      await nestedForm.getByRole('button', { name: 'Antwort senden' }).click()
      await b.locator('article > p', { hasText: nestedText }).waitFor()
      if (!javaScript) await b.waitForURL((url) => url.pathname === threadUrl)
      // Nested: the second reply sits inside the first one's list item.
      await expect(b.locator(`#${replyId} li article > p`, { hasText: nestedText }).count()).resolves.toBe(1)
      if (javaScript) await expectFocusInPost(b, nestedText)

      const opening = b.locator('.opening article')
      await opening.getByRole('button', { name: /^Hilfreich/ }).click()
      await expect(b.locator('.opening article button[aria-pressed="true"]').textContent()).resolves.toMatch(
        /Hilfreich\s*1/,
      )
      if (javaScript) expect(await pageWasNotReloaded(b), 'the thread page was reloaded').toBe(true)
      await screenshot(b, `3-discuss-replier-${variant}`)

      // ---- Anna sees the notification and the unread count ----------------------------------
      await a.goto('/')
      const bell = a.locator('#bell')
      await expect(bell.locator('.count').textContent()).resolves.toMatch(/^\d+/)
      const item = a.locator('.thread-item', { has: a.getByRole('link', { name: title }) }).first()
      await expect(item.locator('.unread').textContent()).resolves.toMatch(/\d+ neu|neu für Sie/)
      await bell.click()
      await a.waitForURL('**/notifications')
      const notification = a.getByRole('link', {
        name: `Jonas Wagner hat auf Ihren Beitrag in „${title}“ geantwortet`,
      })
      await notification.click()
      await a.waitForURL((url) => url.pathname === threadUrl)
      await expect(a.locator('article > p', { hasText: replyText }).count()).resolves.toBe(1)
      await screenshot(a, `3-discuss-${variant}`)
    })

    it('3b edit and delete: a member changes and then deletes their own reply, in place with htmx', async () => {
      const own = `Mein Zwischenstand zum Messenger (${variant}).`
      const changed = `Korrigierter Zwischenstand zum Messenger (${variant}).`
      const b = await replier.newPage()
      await b.goto('/')
      await b.getByRole('link', { name: title }).first().click()
      await b.waitForURL(/\/t\/\d+/)
      const threadUrl = new URL(b.url()).pathname
      if (javaScript) await markPage(b)
      await b.locator('#thread-body').fill(own)
      await b.locator('#thread-reply').getByRole('button', { name: 'Antwort senden' }).click()
      await b.locator('#replies article > p', { hasText: own }).waitFor()
      const postId = await postIdWith(b, own)

      // Bearbeiten: the links carry no hx-* (app.js delegates them); the form replaces the post.
      const article = b.locator(`#${postId} > article`)
      await article.getByRole('link', { name: 'Bearbeiten', exact: true }).click()
      const editor = javaScript ? b.locator(`#${postId} > article.editing`) : b.locator('article.editing')
      await editor.locator('textarea[name="body"]').fill(changed)
      await editor.getByRole('button', { name: 'Speichern' }).click()
      if (!javaScript) await b.waitForURL((url) => url.pathname === threadUrl)
      await b.locator(`#${postId} article > p`, { hasText: changed }).waitFor()

      // Löschen: with JavaScript a confirmation dialog, without it a confirmation page.
      if (javaScript) b.once('dialog', (dialog) => void dialog.accept())
      await b.locator(`#${postId} > article`).getByRole('link', { name: 'Löschen', exact: true }).click()
      if (!javaScript) {
        await b.getByRole('button', { name: 'Endgültig löschen' }).click()
        await b.waitForURL((url) => url.pathname === threadUrl)
      }
      await b.locator(`#${postId} > article .deleted`).waitFor()
      await expect(b.locator('#replies article > p', { hasText: changed }).count()).resolves.toBe(0)
      if (javaScript) expect(await pageWasNotReloaded(b), 'the thread page was reloaded').toBe(true)
    })
  })
}
