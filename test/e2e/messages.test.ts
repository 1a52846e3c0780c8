// Direct messages in a real browser: Anna picks Jonas by name (live search with JavaScript, the
// form's search button without), writes, and sends; Jonas sees the unread count, opens the
// conversation and replies — with JavaScript htmx appends the reply without a page load and moves
// the focus to it; without JavaScript the form posts and redirects. axe finds nothing on the pages.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, markPage, memberContext, pageWasNotReloaded, screenshot } from './helpers/browser.ts'
import { expectNoAxeViolations } from './helpers/checks.ts'
import type { Web } from './helpers/dom.ts'
import { demo } from './helpers/env.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** After the htmx swap app.js moves the focus into the new message. */
async function expectFocusInMessage(page: Page, text: string): Promise<void> {
  const found = await page
    .waitForFunction(
      (t) =>
        (globalThis as unknown as Web).document.activeElement
          ?.closest('li.message')
          ?.textContent?.includes(t),
      text,
      { timeout: 5000 },
    )
    .then(() => true)
    .catch(() => false)
  const focused = await page.evaluate(
    () => (globalThis as unknown as Web).document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing',
  )
  expect(found, `focus should be on the message "${text}", is on ${focused}`).toBe(true)
}

for (const javaScript of [true, false]) {
  const variant = javaScript ? 'js' : 'nojs'
  describe(`direct messages ${javaScript ? 'with' : 'without'} JavaScript`, () => {
    const first = `Kurze Frage zu eurem Messenger-Pilot (${variant})`
    const answer = `Gern, ruf mich morgen an (${variant}).`
    let sender: BrowserContext
    let reader: BrowserContext

    beforeAll(async () => {
      sender = await memberContext(browser, demo.anna, { javaScriptEnabled: javaScript })
      reader = await memberContext(browser, demo.jonas, { javaScriptEnabled: javaScript })
    })
    afterAll(async () => {
      await sender?.close()
      await reader?.close()
    })

    it('messages: pick a recipient, send, read with the unread count, reply', async () => {
      // ---- Anna writes to Jonas --------------------------------------------------------------
      const a = await sender.newPage()
      await a.goto('/')
      await a.getByRole('link', { name: /^Nachrichten/ }).click()
      await a.waitForURL('**/messages')
      // axe runs in the page: only with JavaScript.
      if (javaScript) await expectNoAxeViolations(a, `messages list (${variant})`)
      await a.getByRole('link', { name: 'Neue Nachricht' }).click()
      await a.waitForURL('**/messages/new')
      await a.locator('#field-body').fill(first)
      const search = a.getByLabel('Person suchen (Name oder @Handle)')
      if (javaScript) {
        await search.pressSequentially('Jonas W', { delay: 20 })
        await a.locator('#picker-results').getByRole('button', { name: 'Jonas Wagner hinzufügen' }).waitFor()
      } else {
        await search.fill('Jonas W')
        await a.getByRole('button', { name: 'Person suchen', exact: true }).click()
      }
      await a.getByRole('button', { name: 'Jonas Wagner hinzufügen' }).click()
      await a.getByRole('button', { name: 'Jonas Wagner entfernen' }).waitFor()
      // What was typed stays across the picker's round trip.
      await expect(a.locator('#field-body').inputValue()).resolves.toBe(first)
      // axe runs in the page: only with JavaScript.
      if (javaScript) await expectNoAxeViolations(a, `new message (${variant})`)
      await a.getByRole('button', { name: 'Nachricht senden' }).click()
      await a.waitForURL(/\/messages\/\d+$/)
      const conversationPath = new URL(a.url()).pathname
      await expect(a.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Unterhaltung mit Jonas Wagner',
      )
      await a.locator('li.message .md', { hasText: first }).waitFor()

      // ---- Jonas sees the count, reads and replies -------------------------------------------
      const b = await reader.newPage()
      await b.goto('/')
      const link = b.locator('#messages-link')
      await expect(link.locator('.count').textContent()).resolves.toMatch(/^\d+$/)
      await link.click()
      await b.waitForURL('**/messages')
      await b.locator(`a[href="${conversationPath}"]`).click()
      await b.waitForURL((url) => url.pathname === conversationPath)
      await b.locator('li.message .md', { hasText: first }).waitFor()
      // axe runs in the page: only with JavaScript.
      if (javaScript) await expectNoAxeViolations(b, `conversation (${variant})`)
      if (javaScript) await markPage(b)
      await b.locator('#reply-box textarea').fill(answer)
      await b.locator('#reply-box').getByRole('button', { name: 'Senden' }).click()
      await b.locator('li.message .md', { hasText: answer }).waitFor()
      if (javaScript) {
        await expectFocusInMessage(b, answer)
        expect(await pageWasNotReloaded(b), 'the conversation page was reloaded').toBe(true)
        // The fresh form is empty and ready for the next message.
        await expect(b.locator('#reply-box textarea').inputValue()).resolves.toBe('')
      } else {
        await b.waitForURL((url) => url.pathname === conversationPath)
      }
      await screenshot(b, `messages-reply-${variant}`)

      // An empty message: the error is named, with JavaScript in place of the form.
      await b.locator('#reply-box').getByRole('button', { name: 'Senden' }).click()
      await b.locator('.error-summary').waitFor()
      // axe runs in the page: only with JavaScript.
      if (javaScript) await expectNoAxeViolations(b, `conversation with an error (${variant})`)

      // ---- Anna sees the answer ---------------------------------------------------------------
      await a.goto(conversationPath)
      await a.locator('li.message .md', { hasText: answer }).waitFor()
    })
  })
}
