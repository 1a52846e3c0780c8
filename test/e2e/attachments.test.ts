// Attachments in a real browser, on the demo forum. With JavaScript, each chosen file is sent at
// once with a progress bar, can be removed before the form is sent, and the reply (htmx) shows the
// file; without JavaScript the same form is a plain multipart form. axe on the form with a file,
// and on the thread's and the organisation's document lists and /admin/files with their headings.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, markPage, memberContext, pageWasNotReloaded, screenshot } from './helpers/browser.ts'
import { expectNoAxeViolations } from './helpers/checks.ts'
import { adminAccount, demo } from './helpers/env.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

const pdf = (label: string, extra = 0) => ({
  name: `${label}.pdf`,
  mimeType: 'application/pdf',
  buffer: Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% ${label} ${'x'.repeat(extra)}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  ),
})

/** The first thread of the home page. */
async function openAThread(page: Page): Promise<string> {
  await page.goto('/')
  const link = page.locator('a[href^="/t/"]:not([href="/t/new"])').first()
  const href = (await link.getAttribute('href'))!.split('#')[0]!.split('?')[0]!
  await page.goto(href)
  // A thread link may lead through a redirect (e.g. to the first unread post).
  return new URL(page.url()).pathname
}

describe('attachments with JavaScript', () => {
  let member: BrowserContext
  beforeAll(async () => {
    member = await memberContext(browser, demo.anna)
  })
  afterAll(async () => {
    await member?.close()
  })

  it('sends each file at once with a progress bar, removes one before sending, replies with the other', async () => {
    const page = await member.newPage()
    await openAThread(page)
    await markPage(page)
    const form = page.locator('#thread-reply')
    const uploads: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/files')
        uploads.push(request.url())
    })
    // A large file, so that the progress bar is there while it goes.
    await form
      .locator('input[type="file"]')
      .setInputFiles([pdf('Konzept Pilot', 2_000_000), pdf('Entwurf alt')])
    await expect.poll(() => uploads.length).toBe(2)
    const kept = form.getByRole('checkbox', { name: /Konzept Pilot\.pdf/ })
    const removed = form.getByRole('checkbox', { name: /Entwurf alt\.pdf/ })
    await kept.waitFor({ timeout: 15_000 })
    await removed.waitFor()
    expect(await kept.isChecked()).toBe(true)
    // The file input is empty again: the form carries only the ids of the files sent.
    expect(
      await form
        .locator('input[type="file"]')
        .evaluate((input) => (input as unknown as { files: { length: number } }).files.length),
    ).toBe(0)
    await expectNoAxeViolations(page, 'reply form with files')
    await form.getByRole('button', { name: 'Entwurf alt.pdf entfernen' }).click()
    expect(await removed.count()).toBe(0)
    await page.locator('#thread-body').fill('Hier das Konzept unseres Piloten.')
    await form.getByRole('button', { name: 'Antwort senden' }).click()
    const fileLink = page.locator('.post-files a', { hasText: 'Konzept Pilot.pdf' }).last()
    await fileLink.waitFor({ timeout: 15_000 })
    expect(await pageWasNotReloaded(page)).toBe(true)
    expect(await page.locator('.post-files a', { hasText: 'Entwurf alt.pdf' }).count()).toBe(0)
    // The link is a download of exactly that file, sandboxed.
    const href = (await fileLink.getAttribute('href'))!
    const response = await member.request.get(href)
    expect(response.status()).toBe(200)
    expect(response.headers()['content-disposition']).toMatch(/^attachment; filename="Konzept Pilot\.pdf"/)
    expect(response.headers()['content-security-policy']).toBe("default-src 'none'; sandbox")
    expect((await response.body()).subarray(0, 8).toString()).toBe('%PDF-1.4')
    await page.close()
  })

  it('a refused file says why at the field, and the form stays as it was', async () => {
    const page = await member.newPage()
    await openAThread(page)
    const form = page.locator('#thread-reply')
    await page.locator('#thread-body').fill('Text, der bleibt.')
    await form.locator('input[type="file"]').setInputFiles({
      name: 'rechnung.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    })
    await form.locator('.upload-failed', { hasText: 'HTML, SVG oder XML' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('#thread-body').inputValue()).toBe('Text, der bleibt.')
    await page.close()
  })
})

describe('attachments without JavaScript', () => {
  let member: BrowserContext
  beforeAll(async () => {
    member = await memberContext(browser, demo.jonas, { javaScriptEnabled: false })
  })
  afterAll(async () => {
    await member?.close()
  })

  it('the reply form is a plain multipart form: text and file in one post', async () => {
    const page = await member.newPage()
    const href = await openAThread(page)
    const form = page.locator('#thread-reply')
    await page.locator('#thread-body').fill('Ohne JavaScript, mit Anhang.')
    await form.locator('input[type="file"]').setInputFiles(pdf('Ratsvorlage'))
    await form.getByRole('button', { name: 'Antwort senden' }).click()
    try {
      await page.locator('.post-files a', { hasText: 'Ratsvorlage.pdf' }).first().waitFor({ timeout: 20_000 })
    } catch (error) {
      await screenshot(page, 'attachments-no-js')
      throw new Error(`no file link at ${page.url()}: ${(await page.content()).slice(0, 3000)}`, {
        cause: error,
      })
    }
    expect(new URL(page.url()).pathname).toBe(href)
    expect(await page.locator('.thread-documents').textContent()).toContain('Ratsvorlage.pdf')
    await page.close()
  })
})

describe('document lists (as they look with JavaScript)', () => {
  let member: BrowserContext
  beforeAll(async () => {
    member = await memberContext(browser, demo.jonas)
  })
  afterAll(async () => {
    await member?.close()
  })

  it("the thread's and the organisation's document lists: one h1, no skipped heading level, axe", async () => {
    const page = await member.newPage()
    await openAThread(page)
    await page.locator('.thread-documents').waitFor(wait)
    expect(await headingOutline(page)).toContain('2 Dokumente in diesem Thema')
    await expectNoAxeViolations(page, 'thread page with documents')
    // Jonas's organisation (from his profile) lists the file he shared in the test before.
    await page.goto('/members?q=Jonas%20Wagner')
    const profile = page.locator('main a[href^="/m/"]', { hasText: 'Jonas Wagner' }).first()
    await page.goto((await profile.getAttribute('href', wait))!)
    await page.goto((await page.locator('main a[href^="/o/"]').first().getAttribute('href', wait))!)
    const documents = page.locator('.organisation-documents')
    await documents.waitFor(wait)
    expect(await documents.textContent()).toContain('Ratsvorlage.pdf')
    expect(await headingOutline(page)).toContain('2 Geteilte Dokumente')
    await expectNoAxeViolations(page, 'organisation page with documents')
    await page.close()
  })

  it("the admins' storage page lists the largest files: one h1, no skipped heading level, axe", async () => {
    const admin = await memberContext(browser, adminAccount)
    const page = await admin.newPage()
    await page.goto('/admin/files')
    await page.locator('main', { hasText: 'Konzept Pilot.pdf' }).waitFor(wait)
    expect(await headingOutline(page)).toContain('2 Die größten Dateien')
    await expectNoAxeViolations(page, 'storage page with files')
    await admin.close()
  })
})

const wait = { timeout: 10_000 }

/**
 * The page's headings as "level text" lines; fails when there is not exactly one h1 or a level is
 * skipped on the way down (h2 → h4).
 */
async function headingOutline(page: Page): Promise<string[]> {
  const headings = await page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((elements) =>
    elements.map((element) => ({
      level: Number(element.tagName.slice(1)),
      text: (element.textContent ?? '').trim().replace(/\s+/g, ' '),
    })),
  )
  expect(headings.filter((heading) => heading.level === 1)).toHaveLength(1)
  headings.reduce((previous, heading) => {
    expect(heading.level, `heading "${heading.text}" after h${previous}`).toBeLessThanOrEqual(previous + 1)
    return heading.level
  }, 1)
  return headings.map((heading) => `${heading.level} ${heading.text}`)
}
