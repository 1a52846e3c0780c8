// The registration form's proposal in a real browser: typing the e-mail address chooses the
// organisation of its official domain in the picker (htmx, no reload); a public mail provider
// afterwards takes that proposal back. Without JavaScript: test/organisations/proposal.test.ts.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchBrowser, markPage, newContext, pageWasNotReloaded } from './helpers/browser.ts'

let browser: Browser
let context: BrowserContext
let page: Page
beforeAll(async () => {
  browser = await launchBrowser()
  context = await newContext(browser)
  page = await context.newPage()
})
afterAll(async () => {
  await context?.close()
  await browser?.close()
})

it('typing an address on a known official domain chooses its organisation; gmx.de proposes nothing', async () => {
  await page.goto('/register')
  await markPage(page)
  const email = page.getByLabel('Dienstliche E-Mail-Adresse')
  await email.pressSequentially('lena.vorschlag@stadt-koeln.de', { delay: 20 })
  const koeln = page.getByRole('radio', { name: /^(Stadt )?Köln\b/ }).first()
  await expect.poll(() => koeln.isChecked(), { timeout: 10_000 }).toBe(true)
  await expect(page.locator('#org-results [role="status"]').textContent()).resolves.toContain(
    'Ihre E-Mail-Adresse gehört zu',
  )
  // Focus stays in the field being typed in.
  type Field = { ownerDocument: { activeElement: unknown } }
  expect(await email.evaluate((field: Field) => field.ownerDocument.activeElement === field)).toBe(true)

  await email.fill('')
  await email.pressSequentially('lena@gmx.de', { delay: 20 })
  await expect
    .poll(() => page.locator('#org-results input[type="radio"]:checked').count(), { timeout: 10_000 })
    .toBe(0)
  expect(await pageWasNotReloaded(page)).toBe(true)
})
