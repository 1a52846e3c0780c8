// Journey 5: a member sets the digest to daily, an admin sends due digests now, the digest
// arrives in the SMTP sink and its link leads back into the thread.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, memberContext, screenshot } from './helpers/browser.ts'
import { adminAccount, demo, forumLinks, lastMailSequence, waitForMail } from './helpers/env.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('digest', () => {
  it('5 digest: daily, sent now by an admin, link from the mail back into the thread', async () => {
    const reader = await memberContext(browser, demo.fatma)
    const page = await reader.newPage()
    await page.goto('/account')
    await page.getByRole('link', { name: 'Zusammenfassung und E-Mail-Benachrichtigungen' }).click()
    await page.waitForURL('**/account/digest')
    await page.getByRole('radio', { name: 'Täglich' }).check()
    await page.getByRole('button', { name: 'Speichern' }).click()
    await page.waitForURL('**/account/digest?saved=1')
    await expect(page.getByRole('radio', { name: 'Täglich' }).isChecked()).resolves.toBe(true)

    // A digest covers threads up to a minute before it is composed: the demo threads qualify
    // once they are a minute old (the run is usually far past that when this file starts).
    const settled = inject('e2eDemoLoadedAt') + 62_000
    if (Date.now() < settled) await new Promise((resolve) => setTimeout(resolve, settled - Date.now()))

    // An admin sends the due digests now.
    const before = lastMailSequence()
    const admin = await memberContext(browser, adminAccount)
    const queue = await admin.newPage()
    await queue.goto('/admin/mail')
    await queue.getByRole('button', { name: 'Fällige Zusammenfassungen jetzt senden' }).click()
    await queue.waitForURL('**/admin/mail?done=digests*')
    await expect(queue.locator('main').textContent()).resolves.toMatch(/[1-9]\d* Zusammenfassung/)
    await admin.close()

    // The digest in the sink, with a link to the new thread.
    const mail = await waitForMail(demo.fatma.email, { after: before, where: (m) => 'list-id' in m.headers })
    const link = forumLinks(mail).find((l) => /^\/t\/\d+$/.test(new URL(l).pathname))
    expect(link, `a thread link in:\n${mail.text}`).toBeDefined()

    await page.goto(link!)
    expect(new URL(page.url()).pathname).toBe(new URL(link!).pathname)
    const title = (await page.getByRole('heading', { level: 1 }).textContent()) ?? ''
    expect(title.length).toBeGreaterThan(0)
    expect(mail.text, 'the thread the link leads to is named in the digest').toContain(title)
    await screenshot(page, '5-digest')
    await reader.close()
  }, 120_000)
})
