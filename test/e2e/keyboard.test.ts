// The discuss journey with the keyboard alone (Tab, Shift+Tab, Enter, Space, Escape): every
// element that takes focus on the way shows it (:focus-visible outline or shadow), and after an
// htmx swap focus lands somewhere sensible (the new post, the first error, the same control).
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, markPage, memberContext, pageWasNotReloaded, screenshot } from './helpers/browser.ts'
import { expectVisibleFocus } from './helpers/checks.ts'
import type { Web } from './helpers/dom.ts'
import { demo } from './helpers/env.ts'

let browser: Browser
let starter: BrowserContext
let replier: BrowserContext
beforeAll(async () => {
  browser = await launchBrowser()
  starter = await memberContext(browser, demo.anna)
  replier = await memberContext(browser, demo.jonas)
})
afterAll(async () => {
  await starter?.close()
  await replier?.close()
  await browser?.close()
})

const isFocused = (target: Locator) =>
  target
    .evaluate((element) => (globalThis as unknown as Web).document.activeElement === element)
    .catch(() => false)

/** Presses Tab until `target` has focus; every stop on the way must show its focus. */
async function tabTo(page: Page, target: Locator, label: string, maxSteps = 80): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    await page.keyboard.press('Tab')
    await expectVisibleFocus(page, `Tab towards ${label}, step ${step + 1}`)
    if (await isFocused(target)) return
  }
  throw new Error(`${label} not reached with ${maxSteps} presses of Tab`)
}

/** Waits until focus sits on (or inside) `target`, and checks it is visible. */
async function expectFocusOn(page: Page, target: Locator, label: string): Promise<void> {
  const reached = await target
    .evaluate((element) => {
      const { document } = globalThis as unknown as Web
      return new Promise<boolean>((resolve) => {
        const started = Date.now()
        const check = () => {
          const active = document.activeElement
          if (active && (active === element || element.contains(active))) return resolve(true)
          if (Date.now() - started > 5000) return resolve(false)
          setTimeout(check, 25)
        }
        check()
      })
    })
    .catch(() => false)
  const focused = await page.evaluate(
    () => (globalThis as unknown as Web).document.activeElement?.outerHTML.slice(0, 160) ?? 'nothing',
  )
  expect(reached, `focus should be on ${label}, is on ${focused}`).toBe(true)
  await expectVisibleFocus(page, label)
}

describe('keyboard only', () => {
  it('3 discuss with the keyboard: start, follow, reply, nested reply, Escape, errors, react, notification', async () => {
    const title = 'Tastatur: Barrierefreie Formulare im Bürgerportal'
    const replyText = 'Wir testen jedes Formular nur mit der Tastatur.'
    const nestedText = 'Und mit Bildschirmlupe bei 200 Prozent.'

    // ---- Anna starts a thread --------------------------------------------------------------
    const a = await starter.newPage()
    await a.goto('/')
    await tabTo(a, a.getByRole('link', { name: 'Neues Thema beginnen' }), 'new thread link')
    await a.keyboard.press('Enter')
    await a.waitForURL('**/t/new')
    await tabTo(a, a.getByLabel('Titel'), 'title field')
    await a.keyboard.type(title)
    await a.keyboard.press('Tab')
    await expectFocusOn(a, a.getByLabel('Themenraum'), 'category select')
    await a.keyboard.type('Open') // type-ahead picks "Open Source"
    await a.keyboard.press('Tab')
    await expectFocusOn(a, a.getByLabel('Reifegrad'), 'stage select')
    await a.keyboard.type('Konz')
    await a.keyboard.press('Tab')
    await expectFocusOn(a, a.getByLabel('Schlagwörter'), 'tags field')
    await a.keyboard.type('barrierefreiheit')
    await tabTo(a, a.getByLabel('Ihr Beitrag'), 'body field')
    await a.keyboard.type('Wie prüfen Sie Ihre Formulare auf Barrierefreiheit?')
    await tabTo(a, a.getByRole('button', { name: 'Thema veröffentlichen' }), 'publish button')
    await a.keyboard.press('Enter')
    await a.waitForURL(/\/t\/\d+$/)
    const threadPath = new URL(a.url()).pathname
    const meta = (await a.locator('.thread-meta').textContent()) ?? ''
    expect(meta).toContain('Konzept')
    expect(meta).toContain('#barrierefreiheit')
    await expect(a.locator('.crumbs').textContent()).resolves.toContain('Open Source')

    // ---- Jonas: follow, an empty reply (error), a reply, a nested reply, a reaction ---------
    const b = await replier.newPage()
    await b.goto(threadPath)
    await markPage(b)

    const follow = b.getByRole('button', { name: 'Thema folgen' })
    await tabTo(b, follow, 'follow button')
    await b.keyboard.press('Enter')
    const following = b.getByRole('button', { name: 'Sie folgen diesem Thema – nicht mehr folgen' })
    await expectFocusOn(b, following, 'the follow button after its swap')

    // Sending an empty reply: focus goes to the error summary of the swapped-in form.
    const send = b.locator('#thread-reply').getByRole('button', { name: 'Antwort senden' })
    await tabTo(b, send, 'send button of the thread reply')
    await b.keyboard.press('Enter')
    await expectFocusOn(b, b.locator('#thread-reply .error-summary'), 'the error summary')

    await tabTo(b, b.locator('#thread-body'), 'thread reply field')
    await b.keyboard.type(replyText)
    await tabTo(b, b.locator('#thread-reply').getByRole('button', { name: 'Antwort senden' }), 'send button')
    await b.keyboard.press('Enter')
    const reply = b.locator('#replies > li').filter({ has: b.locator('article > p', { hasText: replyText }) })
    await expectFocusOn(b, reply.locator('article').first(), 'the new reply')

    // Its "Antworten" opens an inline form with focus in it; Escape closes it and returns focus.
    const answer = reply.locator('article').first().getByRole('link', { name: 'Antworten', exact: true })
    await tabTo(b, answer, "the new reply's Antworten link")
    await b.keyboard.press('Enter')
    const inline = reply.locator('.reply-box')
    await expectFocusOn(b, inline.getByLabel('Ihre Antwort'), 'the inline reply field')
    await b.keyboard.press('Escape')
    await expect(inline.count()).resolves.toBe(0)
    await expectFocusOn(b, answer, 'the Antworten link after Escape')
    await expect(answer.getAttribute('aria-expanded')).resolves.toBe('false')

    await b.keyboard.press('Enter')
    await expectFocusOn(b, inline.getByLabel('Ihre Antwort'), 'the inline reply field, again')
    await b.keyboard.type(nestedText)
    await tabTo(b, inline.getByRole('button', { name: 'Antwort senden' }), 'send button of the inline form')
    await b.keyboard.press('Enter')
    const nested = reply.locator('li').filter({ has: b.locator('article > p', { hasText: nestedText }) })
    await expectFocusOn(b, nested.locator('article').first(), 'the nested reply')

    // "Hilfreich" on the opening post, with Shift+Tab back up the page and Space.
    const helpful = b.locator('.opening').getByRole('button', { name: /^Hilfreich/ })
    for (let step = 0; step < 80 && !(await isFocused(helpful)); step++) {
      await b.keyboard.press('Shift+Tab')
      await expectVisibleFocus(b, `Shift+Tab towards Hilfreich, step ${step + 1}`)
    }
    await b.keyboard.press('Space')
    const pressed = b.locator('.opening button[aria-pressed="true"]')
    await expectFocusOn(b, pressed, 'the Hilfreich button after its swap')
    expect(await pageWasNotReloaded(b), 'the thread page was reloaded').toBe(true)
    await screenshot(b, '3-keyboard-replier')

    // ---- Anna: the bell, the notification, back into the thread -----------------------------
    await a.goto('/')
    await tabTo(a, a.locator('#bell'), 'the bell')
    await a.keyboard.press('Enter')
    await a.waitForURL('**/notifications')
    const notification = a.getByRole('link', {
      name: `Jonas Wagner hat auf Ihren Beitrag in „${title}“ geantwortet`,
    })
    await tabTo(a, notification, 'the notification')
    await a.keyboard.press('Enter')
    await a.waitForURL((url) => url.pathname === threadPath)
    await expect(a.locator('article > p', { hasText: nestedText }).count()).resolves.toBe(1)
    await screenshot(a, '3-keyboard')
  }, 90_000)
})
