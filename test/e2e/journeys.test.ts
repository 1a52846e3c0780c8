// Journeys 1, 2 and 4 in a real browser: apply, be verified, be suspended. Apply and verify
// run with and without JavaScript (the organisation search promises both).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  launchBrowser,
  markPage,
  memberContext,
  newContext,
  pageWasNotReloaded,
  screenshot,
} from './helpers/browser.ts'
import { adminAccount, demo, forumLinks, waitForMail } from './helpers/env.ts'

/** Things only members may see: demo members' names and demo thread titles. */
const forumContent = [
  'Anna Becker',
  'Jonas Wagner',
  'Mona Moderation',
  'KI-Assistent für Bürgeranfragen',
  'Parkraumsensoren',
  'Ransomware',
]

async function expectNoForumContent(page: Page) {
  const html = await page.content()
  for (const text of forumContent) expect(html, `${page.url()} shows member content`).not.toContain(text)
  await expect(page.title()).resolves.not.toMatch(/Übersicht/)
}

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

for (const javaScript of [true, false]) {
  const variant = javaScript ? 'js' : 'nojs'
  describe(`apply and verify ${javaScript ? 'with' : 'without'} JavaScript`, () => {
    const applicant = {
      name: `Lena Antrag ${variant.toUpperCase()}`,
      email: `lena.antrag.${variant}@stadt-koeln.de`,
      password: `Lena-${variant}-Passwort-2026`,
    }
    let context: BrowserContext
    let page: Page

    beforeAll(async () => {
      context = await newContext(browser, { javaScriptEnabled: javaScript })
      page = await context.newPage()
    })
    afterAll(async () => {
      await context?.close()
    })

    it('1 apply: registers with the organisation search, confirms from the mail, sees only the status page', async () => {
      await page.goto('/')
      await page.getByRole('link', { name: 'Mitgliedschaft beantragen' }).click()
      await page.waitForURL('**/register')

      await page.getByLabel('Vor- und Nachname').fill(applicant.name)
      await page.getByLabel('Dienstliche E-Mail-Adresse').fill(applicant.email)
      await page.getByLabel('Organisation suchen').fill('Köln')
      if (javaScript) {
        // htmx fills the results in while typing; the page stays the same document.
        await markPage(page)
        await page
          .getByRole('radio', { name: /^(Stadt )?Köln\b/ })
          .first()
          .check()
        expect(await pageWasNotReloaded(page)).toBe(true)
      } else {
        // Without JavaScript "Suchen" posts the form and the page comes back with the results.
        await page.getByRole('button', { name: 'Suchen', exact: true }).click()
        await page
          .getByRole('radio', { name: /^(Stadt )?Köln\b/ })
          .first()
          .check()
        // What was typed is still there (never the password).
        expect(await page.getByLabel('Vor- und Nachname').inputValue()).toBe(applicant.name)
      }
      await page.getByLabel('Funktion').fill('Digitalisierungsbeauftragte')
      await page.getByLabel('Warum möchten Sie mitmachen?').fill('Ich koordiniere die OZG-Umsetzung in Köln.')
      await page.getByLabel('Passwort', { exact: false }).fill(applicant.password)
      await page.getByRole('button', { name: 'Antrag absenden' }).click()
      await page.waitForURL('**/register/sent')
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Bitte bestätigen Sie')

      // The confirmation mail, from the SMTP sink.
      const mail = await waitForMail(applicant.email, { where: (m) => /\/confirm\//.test(m.text) })
      const link = forumLinks(mail).find((l) => l.includes('/confirm/'))
      expect(link, `confirmation link in:\n${mail.text}`).toBeDefined()

      // Opening the link only shows a button (mail scanners open links); the button confirms.
      await page.goto(link!)
      await page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }).click()
      await expect(page.locator('main').textContent()).resolves.toContain('Moderation')

      // Signing in leads to the status page: waiting for review, and nothing else.
      await page.goto('/login')
      await page.getByLabel('Dienstliche E-Mail-Adresse').fill(applicant.email)
      await page.getByLabel('Passwort').fill(applicant.password)
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click()
      await page.waitForLoadState()
      for (const path of ['/', '/account', '/c/ki', '/t/1', '/moderation']) {
        await page.goto(path)
        expect(new URL(page.url()).pathname, `${path} as an applicant`).toBe('/status')
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
          'Ihr Mitgliedsstatus',
        )
        await expect(page.locator('main').textContent()).resolves.toContain(
          'Die Moderation prüft Ihren Antrag',
        )
        await expectNoForumContent(page)
      }
      await screenshot(page, `1-apply-${variant}`)
    })

    it('2 verify: a moderator sees the domain evidence and approves; the next request shows the forum', async () => {
      const moderator = await memberContext(browser, adminAccount, { javaScriptEnabled: javaScript })
      const queue = await moderator.newPage()
      await queue.goto('/moderation')
      const card = queue.getByRole('article', { name: applicant.name })
      await expect(card.textContent()).resolves.toContain('offizielle Domain der Organisation')
      await expect(card.textContent()).resolves.toContain(applicant.email)
      await card.getByRole('button', { name: 'Freischalten' }).click()
      await expect(queue.locator('.flash').textContent()).resolves.toContain('freigeschaltet')
      await screenshot(queue, `2-verify-moderator-${variant}`)
      await moderator.close()

      await waitForMail(applicant.email, { where: (m) => !/\/confirm\//.test(m.text) })

      // The applicant's open page: the next request is the forum.
      await page.goto('/')
      expect(new URL(page.url()).pathname).toBe('/')
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Übersicht')
      await expect(page.locator('main').textContent()).resolves.toContain('KI-Assistent für Bürgeranfragen')
      await screenshot(page, `2-verify-${variant}`)
    })
  })
}

describe('moderate', () => {
  it('4 suspend: a moderator suspends a member; their open session is out on the next click', async () => {
    const memberCtx = await newContext(browser)
    const member = await memberCtx.newPage()
    await member.goto('/login')
    await member.getByLabel('Dienstliche E-Mail-Adresse').fill(demo.peter.email)
    await member.getByLabel('Passwort').fill(demo.peter.password)
    await member.getByRole('button', { name: 'Anmelden', exact: true }).click()
    await member.waitForURL((url) => url.pathname === '/')
    await expect(member.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Übersicht')

    const moderator = await memberContext(browser, adminAccount)
    const admin = await moderator.newPage()
    await admin.goto('/moderation/members')
    await admin.getByLabel('Name, E-Mail oder Organisation').fill('Peter Schulz')
    await admin.getByRole('button', { name: 'Filtern' }).click()
    await admin.getByRole('link', { name: demo.peter.name }).click()
    await admin.getByLabel('Grund').fill('Dienstverhältnis beendet (E2E-Test)')
    await admin.getByRole('button', { name: 'Sperren' }).click()
    await expect(admin.locator('.flash').textContent()).resolves.toContain('gesperrt')
    await moderator.close()

    // The member clicks on, in the page they still have open.
    await member.getByRole('link', { name: 'KI', exact: true }).first().click()
    await member.waitForLoadState()
    const path = new URL(member.url()).pathname
    expect(['/login', '/status']).toContain(path)
    await expectNoForumContent(member)
    await screenshot(member, '4-moderate')
    await memberCtx.close()
  })
})
