// Search and similar threads in a real browser, on the demo forum: the header field leads to the
// search page, whose results follow the typing (htmx, debounced, no page load) and whose plain
// form works without JavaScript; while a thread is being written, similar threads appear under
// the title (htmx), and without JavaScript the "Ähnliche Themen prüfen" button shows them on the
// form page with everything typed kept. axe on the search page with results.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, markPage, memberContext, pageWasNotReloaded } from './helpers/browser.ts'
import { expectNoAxeViolations } from './helpers/checks.ts'
import type { Web } from './helpers/dom.ts'
import { demo } from './helpers/env.ts'

const chatbotThread = 'KI-Assistent für Bürgeranfragen im Pilotbetrieb'
const ransomwareThread = 'Erfahrungen nach einem Ransomware-Vorfall'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** The titles of the hits on the search page, in order. */
const hitTitles = (page: Page) => page.locator('#search-results .search-hits h3').allInnerTexts()

/** Searches from the header field of the home page. */
async function searchFromHeader(page: Page, text: string): Promise<void> {
  await page.goto('/')
  const field = page.getByRole('searchbox', { name: 'Forum durchsuchen' })
  await field.fill(text, { timeout: 5_000 })
  await Promise.all([page.waitForURL(/\/search\?q=/, { timeout: 10_000 }), field.press('Enter')])
}

describe('search with JavaScript', () => {
  let member: BrowserContext
  beforeAll(async () => {
    member = await memberContext(browser, demo.anna)
  })
  afterAll(async () => {
    await member?.close()
  })

  it('the header field leads to the results, which then follow the typing without a page load', async () => {
    const page = await member.newPage()
    await searchFromHeader(page, 'Bürgeranfragen')
    expect(await hitTitles(page)).toContain(chatbotThread)
    await markPage(page)
    const field = page.getByRole('searchbox', { name: 'Suchbegriffe' })
    await field.fill('')
    // Typed letter by letter like a person: the request waits until the typing pauses.
    let requests = 0
    page.on('request', (request) => {
      if (request.url().includes('/search?') && request.headers()['hx-request']) requests++
    })
    await field.pressSequentially('Ransomware', { delay: 40 })
    await expect
      .poll(() => hitTitles(page), { timeout: 10_000 })
      .toEqual(expect.arrayContaining([ransomwareThread]))
    expect(await hitTitles(page)).not.toContain(chatbotThread)
    expect(requests, 'debounced: far fewer requests than letters typed').toBeLessThanOrEqual(3)
    expect(await pageWasNotReloaded(page)).toBe(true)
    // The address follows the results (shareable, back button works).
    await expect.poll(() => decodeURIComponent(page.url())).toContain('q=Ransomware')
    // The live region announces the number of hits.
    await expect.poll(() => page.locator('#search-status').textContent()).toMatch(/gefunden/)
    await expectNoAxeViolations(page, 'search page with results')
    await page.goBack()
    await expect.poll(() => decodeURIComponent(page.url())).toContain('q=Bürgeranfragen')
    await page.close()
  })

  it('the header field shows the best hits while typing, keeps the focus, and Enter opens all results', async () => {
    const page = await member.newPage()
    await page.goto('/')
    await markPage(page)
    const field = page.getByRole('searchbox', { name: 'Forum durchsuchen' })
    let requests = 0
    page.on('request', (request) => {
      if (request.url().includes('/search?') && request.headers()['hx-request']) requests++
    })
    await field.pressSequentially('Ransomware', { delay: 40 })
    const hit = page.locator('#header-search-results a', { hasText: ransomwareThread })
    await expect.poll(() => hit.count(), { timeout: 10_000 }).toBe(1)
    expect(requests, 'debounced: far fewer requests than letters typed').toBeLessThanOrEqual(3)
    expect(await pageWasNotReloaded(page)).toBe(true)
    expect(await page.evaluate(() => (globalThis as unknown as Web).document.activeElement?.id)).toBe(
      'header-search',
    )
    await expect.poll(() => page.locator('#header-search-status').textContent()).toMatch(/gefunden/)
    await expectNoAxeViolations(page, 'home page with the header search results open')
    await Promise.all([page.waitForURL(/\/search\?q=Ransomware/, { timeout: 10_000 }), field.press('Enter')])
    expect(await hitTitles(page)).toContain(ransomwareThread)
    await page.close()
  })

  it('similar threads appear under the title while a new thread is being written', async () => {
    const page = await member.newPage()
    await page.goto('/t/new')
    await page.getByLabel('Titel').pressSequentially('KI-Assistent für Bürgeranfragen', { delay: 20 })
    const link = page.locator('#similar-threads a', { hasText: chatbotThread })
    await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(1)
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await page.locator('#similar-threads').textContent()).toContain('Gibt es schon')
    await page.close()
  })
})

describe('search without JavaScript', () => {
  let member: BrowserContext
  beforeAll(async () => {
    member = await memberContext(browser, demo.anna, { javaScriptEnabled: false })
  })
  afterAll(async () => {
    await member?.close()
  })

  it('the plain form searches, filters stay in the address', async () => {
    const page = await member.newPage()
    await searchFromHeader(page, 'Bürgeranfragen')
    expect(await hitTitles(page)).toContain(chatbotThread)
    await page.getByRole('searchbox', { name: 'Suchbegriffe' }).fill('Ransomware')
    await Promise.all([
      page.waitForURL(/q=Ransomware/, { timeout: 10_000 }),
      page
        .locator('#search-form')
        .getByRole('button', { name: 'Suchen', exact: true })
        .click({ timeout: 5_000 }),
    ])
    expect(await hitTitles(page)).toContain(ransomwareThread)
    expect(await hitTitles(page)).not.toContain(chatbotThread)
    await page.close()
  })

  it('"Ähnliche Themen prüfen" shows similar threads on the form page, keeping everything typed', async () => {
    const page = await member.newPage()
    await page.goto('/t/new')
    const title = 'KI-Assistent für Bürgeranfragen bei uns'
    const body =
      'Wir möchten einen **Assistenten** für häufige Bürgeranfragen einführen. Wer hat Erfahrungen?'
    await page.getByLabel('Titel').fill(title)
    await page.getByLabel('Themenraum').selectOption({ index: 1 })
    const category = await page.getByLabel('Themenraum').inputValue()
    await page.getByLabel('Schlagwörter').fill('ki, chatbot')
    await page.getByLabel('Ihr Beitrag').fill(body)
    await page.getByRole('button', { name: 'Ähnliche Themen prüfen' }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('#similar-threads a', { hasText: chatbotThread }).count()).toBe(1)
    expect(await page.getByLabel('Titel').inputValue()).toBe(title)
    expect(await page.getByLabel('Themenraum').inputValue()).toBe(category)
    expect(await page.getByLabel('Schlagwörter').inputValue()).toBe('ki, chatbot')
    expect(await page.getByLabel('Ihr Beitrag').inputValue()).toBe(body)
    // Nothing was saved: still the form, no thread of that title.
    expect(new URL(page.url()).pathname).toMatch(/^\/t(\/new)?$/)
    const search = await member.newPage()
    await search.goto(`/search?q=${encodeURIComponent('"bei uns" Assistent')}`)
    expect(
      await search.evaluate(() => (globalThis as unknown as Web).document.body.textContent ?? ''),
    ).not.toContain(title)
    await search.close()
    await page.close()
  })
})
