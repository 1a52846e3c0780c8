// Journey: a guest in a single thread. Anna starts a thread and proposes a professor as a guest;
// the admin approves; the invitation comes through the SMTP sink with nothing of the thread in it;
// the professor sets a password with its link, signs in on the normal login and lands on the
// thread, replies; Anna sees the banner naming her and her reply marked "Gast". Axe on every new
// page. The pages are plain forms (test/guests/flows.test.ts posts them without JavaScript).
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { followLink, launchBrowser, memberContext, newContext, openPage } from './helpers/browser.ts'
import { expectNoAxeViolations } from './helpers/checks.ts'
import { adminAccount, demo, forumLinks, lastMailSequence, waitForMail } from './helpers/env.ts'

let browser: Browser
let annaContext: BrowserContext
let adminContext: BrowserContext
let guestContext: BrowserContext
const stamp = Date.now().toString(36)
const title = `Registermodernisierung mit der Wissenschaft ${stamp}`
const guest = {
  email: `ada.forscherin.${stamp}@uni-muenster.example`,
  name: `Prof. Dr. Ada Forscherin ${stamp}`,
  organisation: 'Universität Münster',
  password: 'Gast-Passwort-sehr-lang-7',
}
const guestReply = `Aus Sicht der Forschung ein guter Ansatz (${stamp}).`

beforeAll(async () => {
  browser = await launchBrowser()
  annaContext = await memberContext(browser, demo.anna)
  adminContext = await memberContext(browser, adminAccount)
  guestContext = await newContext(browser)
})
afterAll(async () => {
  await browser?.close()
})

describe('a guest in one thread', () => {
  let threadPath = ''

  it('Anna starts a thread and proposes a guest (errors named first)', async () => {
    const anna = await openPage(annaContext, '/t/new')
    await anna.getByLabel('Titel').fill(title)
    await anna.getByLabel('Themenraum').selectOption({ label: 'Smart City' })
    await anna.getByLabel('Ihr Beitrag').fill('Wir möchten die Forschung dazuholen.')
    await anna.getByRole('button', { name: 'Thema veröffentlichen' }).click()
    await anna.waitForURL(/\/t\/\d+$/)
    threadPath = new URL(anna.url()).pathname
    await followLink(anna, anna.getByRole('link', { name: 'Gäste verwalten' }))
    await expectNoAxeViolations(anna, 'thread guests page')
    await followLink(anna, anna.getByRole('button', { name: 'Vorschlag senden' }))
    await expect(anna.locator('.error-summary').textContent()).resolves.toContain('E-Mail-Adresse des Gastes')
    await expectNoAxeViolations(anna, 'thread guests page with errors')
    await anna.getByLabel('E-Mail-Adresse des Gastes').fill(guest.email)
    await anna.getByLabel('Name (so wie er im Thema erscheint)').fill(guest.name)
    await anna.getByLabel('Organisation').fill(guest.organisation)
    await anna.getByLabel('Warum soll die Person dabei sein?').fill('Sie forscht zu Registern.')
    await followLink(anna, anna.getByRole('button', { name: 'Vorschlag senden' }))
    await expect(anna.getByText('Ihr Vorschlag ist bei der Moderation.').count()).resolves.toBe(1)
    await anna.close()
  }, 180_000)

  it('the admin approves; the invitation names nothing of the thread; the guest sets a password', async () => {
    const after = lastMailSequence()
    const admin = await openPage(adminContext, '/moderation/guests')
    await expectNoAxeViolations(admin, 'guest proposals')
    await followLink(admin, admin.getByRole('button', { name: `Einladen – ${guest.name}` }))
    await expect(admin.getByText('Die Einladung ist verschickt.').count()).resolves.toBe(1)
    await admin.close()

    const mail = await waitForMail(guest.email, { after })
    expect(mail.text).toContain('Sie wurden in ein Thema im Vertrauensraum eingeladen.')
    expect(`${mail.subject} ${mail.text}`).not.toContain('Registermodernisierung')
    const link = forumLinks(mail).find((l) => l.includes('/guest/accept/'))
    expect(link, mail.text).toBeDefined()

    const page = await guestContext.newPage()
    await page.goto(link!)
    await expectNoAxeViolations(page, 'guest accepts the invitation')
    await page.getByLabel('Passwort').fill(guest.password)
    await page.getByRole('button', { name: 'Passwort festlegen' }).click()
    await page.waitForURL(/\/login/)
    await page.getByLabel('E-Mail-Adresse').fill(guest.email)
    await page.getByLabel('Passwort').fill(guest.password)
    await page.getByRole('button', { name: 'Anmelden' }).click()
    await page.waitForURL((url) => url.pathname === threadPath)
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(title)
    await expect(page.locator('.guest-banner').textContent()).resolves.toContain(guest.name)
    await expectNoAxeViolations(page, 'thread page as guest')

    await page.locator('#thread-body').fill(guestReply)
    await page.locator('#thread-reply').getByRole('button', { name: 'Antwort senden' }).click()
    await page.locator('#replies article > p', { hasText: guestReply }).waitFor()
    await page.close()
  }, 180_000)

  it('Anna sees the banner and the reply marked "Gast"', async () => {
    const anna = await openPage(annaContext, threadPath)
    const banner = anna.locator('.guest-banner')
    await expect(banner.textContent()).resolves.toContain(`${guest.name} (${guest.organisation})`)
    const article = anna.locator('article', { hasText: guestReply })
    await expect(article.locator('.guest-mark').textContent()).resolves.toBe('Gast')
    await expectNoAxeViolations(anna, 'thread page with a guest')
    await anna.close()
  }, 60_000)
})
