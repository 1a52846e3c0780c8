// Journey: a reply or thread being written survives the end of the session. Fatma types a new
// thread; the text is saved as a draft on the server; her session is gone (cookies cleared, as
// after the idle timeout); she signs in again and the form is filled again, with a notice and a
// button to throw the draft away. The session warning (WCAG 2.2.1): shortly before the idle
// timeout a dialog says so and moves focus to "Sitzung verlängern"; extending hides it, and
// after the end it links to the sign-in. The browser's clock is fast-forwarded (page.clock).
// axe on the form with the restored draft and with the dialog open.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csrfTokenIn, launchBrowser, memberContext, newContext, signIn } from './helpers/browser.ts'
import { expectNoAxeViolations } from './helpers/checks.ts'
import type { Web } from './helpers/dom.ts'
import { demo } from './helpers/env.ts'

let browser: Browser
const stamp = Date.now().toString(36)

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** Waits until the page saved its draft (the debounced POST /drafts answered). */
function draftSaved(page: Page) {
  return page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/drafts' && r.request().method() === 'POST',
  )
}

describe('drafts', () => {
  it('a new thread being written is back after signing in again', async () => {
    const context: BrowserContext = await newContext(browser)
    await signIn(context, demo.fatma)
    const page = await context.newPage()
    await page.goto('/t/new')
    const title = `Entwurf über Bürgerkonten ${stamp}`
    const body = `Noch nicht fertig: Wie binden wir das Bürgerkonto an? ${stamp}`
    const saved = draftSaved(page)
    await page.getByLabel('Titel').fill(title)
    await page.getByLabel('Ihr Beitrag').fill(body)
    expect((await saved).status()).toBe(204)
    // The session ends (as after the idle timeout): the browser has no session any more.
    await context.clearCookies()
    await page.goto('/t/new')
    expect(new URL(page.url()).pathname).toBe('/login')
    await signIn(context, demo.fatma)
    await page.goto('/t/new')
    await expect(page.getByText('Ihr Entwurf wurde wiederhergestellt.').waitFor()).resolves.toBeUndefined()
    await expect(page.getByLabel('Titel').inputValue()).resolves.toBe(title)
    await expect(page.getByLabel('Ihr Beitrag').inputValue()).resolves.toBe(body)
    await expectNoAxeViolations(page, 'new thread with a restored draft')
    // Thrown away, it stays away.
    const discarded = page.waitForResponse((r) => new URL(r.url()).pathname === '/drafts/discard')
    await page.getByRole('button', { name: 'Entwurf verwerfen' }).click()
    expect((await discarded).status()).toBe(204)
    await expect(page.getByLabel('Ihr Beitrag').inputValue()).resolves.toBe('')
    await page.reload()
    await page.waitForLoadState('networkidle')
    await expect(page.getByText('Ihr Entwurf wurde wiederhergestellt.').count()).resolves.toBe(0)
    await context.close()
  }, 120_000)

  it('without JavaScript, a new thread sent after the session ended goes through the sign-in and is back', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false })
    await signIn(context, demo.jonas)
    const page = await context.newPage()
    await page.goto('/t/new')
    const title = `Ohne Skript geschrieben ${stamp}`
    const body = `Zeile eins <b>fett?</b> & "Zitat"\nZeile zwei ${stamp}`
    await page.getByLabel('Titel').fill(title)
    await page.getByLabel('Themenraum').selectOption({ index: 1 })
    const category = await page.getByLabel('Themenraum').inputValue()
    await page.getByLabel('Ihr Beitrag').fill(body)
    // The session ends (its cookie is gone, as after the idle timeout); the form is sent anyway.
    await context.clearCookies({ name: 'vr_session' })
    await page.locator('form[action="/t"] button[type="submit"]:not([name="intent"])').click()
    await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor()
    await expect(
      page.getByText('Ihre Sitzung ist abgelaufen. Melden Sie sich an — Ihr Text bleibt erhalten.').count(),
    ).resolves.toBe(1)
    expect(page.url()).not.toContain(stamp)
    // axe needs JavaScript: the same page, as served, checked in a second context that has it.
    const checker = await newContext(browser)
    const checkPage = await checker.newPage()
    await checkPage.goto('/login')
    await checkPage.setContent(await page.content())
    await expectNoAxeViolations(checkPage, 'sign-in carrying a text')
    await checker.close()
    await page.getByLabel('Dienstliche E-Mail-Adresse').fill(demo.jonas.email)
    await page.locator('input[name="password"]').fill(demo.jonas.password)
    await page.getByRole('main').getByRole('button', { name: 'Anmelden' }).click()
    await page.getByText('Ihr Entwurf wurde wiederhergestellt.').waitFor()
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/t/new?draft=1')
    await expect(page.getByLabel('Titel').inputValue()).resolves.toBe(title)
    await expect(page.getByLabel('Themenraum').inputValue()).resolves.toBe(category)
    await expect(page.getByLabel('Ihr Beitrag').inputValue()).resolves.toBe(body)
    // Thrown away again, so that no later test of Jonas finds it.
    const token = csrfTokenIn(await page.content())
    const discarded = await context.request.post('/drafts/discard', {
      form: { key: '/t|' },
      headers: { 'x-csrf-token': token },
    })
    expect(discarded.status()).toBe(204)
    await context.close()
  }, 120_000)
})

describe('the session warning', () => {
  it('warns before the end, extends the session, and after the end links to the sign-in', async () => {
    const context = await memberContext(browser, demo.anna)
    const page = await context.newPage()
    await page.clock.install()
    await page.goto('/')
    const dialog = page.getByRole('alertdialog', { name: 'Ihre Sitzung endet bald' })
    await expect(dialog.isVisible()).resolves.toBe(false)
    const idleSeconds = Number(await page.locator('#session-timeout').getAttribute('data-idle-seconds'))
    expect(idleSeconds).toBeGreaterThan(0)
    // 120 minutes idle: warned 5 minutes (plus the store's minute of slack) before the end.
    await page.clock.fastForward((idleSeconds - 7 * 60) * 1000)
    await expect(dialog.isVisible()).resolves.toBe(false)
    await page.clock.fastForward(2 * 60 * 1000)
    await dialog.waitFor()
    const extend = page.getByRole('button', { name: 'Sitzung verlängern' })
    await expect(
      extend.evaluate((button) => button === (globalThis as unknown as Web).document.activeElement),
    ).resolves.toBe(true)
    await expectNoAxeViolations(page, 'session warning')
    await extend.click()
    await dialog.waitFor({ state: 'hidden' })
    await expect(page.locator('#live-region').textContent()).resolves.toContain(
      'Ihre Sitzung wurde verlängert.',
    )
    // No activity any more: the warning, then the end.
    await page.clock.fastForward(idleSeconds * 1000)
    await expect(page.getByText('Ihre Sitzung ist abgelaufen.').waitFor()).resolves.toBeUndefined()
    const login = page.getByRole('link', { name: 'Erneut anmelden' })
    await expect(login.getAttribute('href')).resolves.toBe('/login?next=%2F')
    await context.close()
  }, 120_000)
})
