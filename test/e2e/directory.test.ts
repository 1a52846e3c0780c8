// The registration form's proposal in a real browser: typing the e-mail address chooses the
// organisation of its official domain in the picker (htmx, no reload); a public mail provider
// afterwards takes that proposal back. An admin names the municipalities of a Zweckverband with
// the form's search (htmx while typing). Without JavaScript: test/organisations/.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchBrowser, markPage, memberContext, newContext, pageWasNotReloaded } from './helpers/browser.ts'
import { adminAccount } from './helpers/env.ts'

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

it('an admin finds a municipality while typing, adds it and saves the Zweckverband with it', async () => {
  const admin = await memberContext(browser, adminAccount)
  try {
    const form = await admin.newPage()
    await form.goto('/admin/organisations/new')
    await form.locator('#field-name').fill('Zweckverband Browser-Test')
    await form.locator('#field-kind').selectOption('zweckverband')
    await markPage(form)
    await form.locator('#field-municipalityQuery').pressSequentially('wettr', { delay: 20 })
    const wettringen = form.getByRole('radio', { name: /^Wettringen\b.*Kreis Steinfurt/ })
    await expect.poll(() => wettringen.count(), { timeout: 10_000 }).toBe(1)
    expect(await pageWasNotReloaded(form)).toBe(true)
    await wettringen.check()
    await form.getByRole('button', { name: 'Gewählte Kommune hinzufügen' }).click()
    await form.waitForLoadState()
    const field = form.locator('#field-municipalities')
    await expect(field.inputValue()).resolves.toMatch(/^05566096 Wettringen \(Kreis Steinfurt\)$/)
    await expect(form.locator('#field-name').inputValue()).resolves.toBe('Zweckverband Browser-Test')
    await form.getByRole('button', { name: 'Speichern' }).click()
    await form.waitForURL(/\/admin\/organisations\/\d+\/edit$/)
    await expect(field.inputValue()).resolves.toContain('05566096 Wettringen')
  } finally {
    await admin.close()
  }
})
