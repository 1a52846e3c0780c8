// Journey: the thread tools and muting in a real browser, and the operator pages. The admin
// opens "Thema verwalten" on a thread with replies, pins it (first on the home page, marked) and
// marks a reply as its Ergebnis (the box at the top links to it); Anna mutes the author of that
// reply and sees the post collapsed with a "show" toggle that works without JavaScript; every
// change is undone at the end (other journeys use the same demo forum). axe on every new page,
// including the public Impressum, Leichte Sprache and Gebärdensprache pages.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { followLink, launchBrowser, memberContext, newContext, openPage } from './helpers/browser.ts'
import { expectNoAxeViolations } from './helpers/checks.ts'
import { adminAccount, demo } from './helpers/env.ts'

let browser: Browser
let adminContext: BrowserContext
let annaContext: BrowserContext

beforeAll(async () => {
  browser = await launchBrowser()
  adminContext = await memberContext(browser, adminAccount)
  annaContext = await memberContext(browser, demo.anna)
})
afterAll(async () => {
  await browser?.close()
})

/** A demo thread with at least one reply not written by Anna (its path and the reply's author). */
async function threadWithReply(page: Page): Promise<{ path: string; authorHref: string }> {
  await page.goto('/')
  const links = await page
    .locator('.thread-item h3 a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  for (const href of links) {
    const path = href.replace(/\/unread$/, '')
    await page.goto(path)
    const authors = await page
      .locator('#replies article header a[href^="/m/"]')
      .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href') ?? '', name: a.textContent ?? '' })))
    const other = authors.find((a) => !a.name.includes(demo.anna.name))
    if (other) return { path, authorHref: other.href }
  }
  throw new Error('no demo thread with a reply by someone other than Anna')
}

describe('thread tools', () => {
  it('the admin pins a thread and marks an Ergebnis; Anna mutes a member; all undone', async () => {
    const page = await openPage(adminContext, '/')
    const { path, authorHref } = await threadWithReply(page)
    await page.goto(path)
    await followLink(page, page.getByRole('link', { name: 'Thema verwalten' }))
    await expectNoAxeViolations(page, 'thread tools')
    await page.getByRole('button', { name: 'Thema anheften' }).click()
    await expect(page.getByText('Von der Moderation angeheftet').count()).resolves.toBeGreaterThan(0)
    await page.goto('/')
    await expect(page.locator('.thread-item').first().textContent()).resolves.toContain('Angeheftet')

    await page.goto(`${path}/moderation`)
    await page.locator('input[name="post"]:not([value=""])').first().check()
    await page.getByRole('button', { name: 'Ergebnis speichern' }).click()
    const box = page.locator('.result-box')
    await box.waitFor()
    await expect(box.getByRole('link', { name: 'Zum Beitrag' }).getAttribute('href')).resolves.toMatch(
      /^\/p\/\d+$/,
    )
    await expectNoAxeViolations(page, 'thread with an Ergebnis')

    const anna = await openPage(annaContext, `${authorHref}/mute`)
    await expectNoAxeViolations(anna, 'mute a member')
    await anna.getByRole('button', { name: 'Stummschalten' }).click()
    await expect(anna.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Stummgeschaltete Mitglieder',
    )
    await expectNoAxeViolations(anna, 'muted members')
    await anna.goto(path)
    const collapsed = anna.locator('details.muted-post').first()
    await expect(collapsed.evaluate((d) => (d as unknown as { open: boolean }).open)).resolves.toBe(false)
    await collapsed.locator('summary').click()
    await expect(collapsed.evaluate((d) => (d as unknown as { open: boolean }).open)).resolves.toBe(true)
    await expectNoAxeViolations(anna, 'thread with a muted member')

    // Undo, for the other journeys.
    await anna.goto('/account/mutes')
    await anna
      .getByRole('button', { name: /Stummschaltung von .* aufheben/ })
      .first()
      .click()
    await expect(anna.getByText('Sie haben niemanden stummgeschaltet.').count()).resolves.toBe(1)
    await page.goto(`${path}/moderation`)
    await page.getByLabel('Kein Ergebnis').check()
    await page.getByRole('button', { name: 'Ergebnis speichern' }).click()
    await page.goto(`${path}/moderation`)
    await page.getByRole('button', { name: 'Nicht mehr anheften' }).click()
    await expect(page.locator('.result-box').count()).resolves.toBe(0)
    await page.close()
    await anna.close()
  }, 180_000)
})

describe('operator pages', () => {
  it('Impressum, Leichte Sprache and Gebärdensprache are public, linked from every page, axe clean', async () => {
    const context = await newContext(browser)
    const page = await openPage(context, '/')
    for (const [link, heading] of [
      ['Impressum', 'Impressum'],
      ['Leichte Sprache', 'In Leichter Sprache'],
      ['Gebärdensprache', 'Gebärdensprache'],
    ] as const) {
      await page.goto('/')
      await page.getByRole('contentinfo').getByRole('link', { name: link, exact: true }).click()
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(heading)
      await expectNoAxeViolations(page, heading)
    }
    await context.close()
  }, 120_000)
})
