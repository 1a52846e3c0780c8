// Journey: a closed group. The admin creates a working group that decides on requests and opens
// a Themenraum in it; Anna asks to join, the admin lets her in, Anna starts a thread in the
// group's Themenraum. Jonas, a verified member outside the group, finds nothing of it: not the
// thread, not the Themenraum, not in search. The pages are plain forms (test/groups/flows.test.ts
// posts them without JavaScript); axe on every new page.
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { followLink, launchBrowser, memberContext, openPage } from './helpers/browser.ts'
import { expectNoAxeViolations } from './helpers/checks.ts'
import { adminAccount, demo } from './helpers/env.ts'

let browser: Browser
let adminContext: BrowserContext
let annaContext: BrowserContext
let jonasContext: BrowserContext
const stamp = Date.now().toString(36)
const groupName = `CDO-Netzwerk ${stamp}`
const roomName = `Strategie ${stamp}`
const title = `Gemeinsame KI-Leitlinie der Großstädte ${stamp}`

beforeAll(async () => {
  browser = await launchBrowser()
  adminContext = await memberContext(browser, adminAccount)
  annaContext = await memberContext(browser, demo.anna)
  jonasContext = await memberContext(browser, demo.jonas)
})
afterAll(async () => {
  await browser?.close()
})

describe('a closed group', () => {
  let groupPath = ''
  let threadPath = ''

  it('the admin creates it and opens a Themenraum (forms name their errors)', async () => {
    const page = await openPage(adminContext, '/groups')
    await expectNoAxeViolations(page, 'groups list (admin)')
    await page.getByRole('link', { name: 'Neue Arbeitsgruppe anlegen' }).click()
    await page.getByRole('button', { name: 'Arbeitsgruppe anlegen' }).click()
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Name der Gruppe')
    await expectNoAxeViolations(page, 'new group with errors')
    await page.getByLabel('Name der Gruppe').fill(groupName)
    await page.getByLabel('Beschreibung').fill('Die CDOs der Großstädte, vertraulich unter sich.')
    await page.getByLabel('Beitritt auf Anfrage').check()
    await page.getByRole('button', { name: 'Arbeitsgruppe anlegen' }).click()
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(groupName)
    groupPath = new URL(page.url()).pathname
    await followLink(page, page.getByRole('link', { name: 'Gruppe verwalten' }))
    await expectNoAxeViolations(page, 'manage group')
    await page.getByLabel('Name des Themenraums').fill(roomName)
    await followLink(page, page.getByRole('button', { name: 'Themenraum anlegen' }))
    await expect(page.getByText('Der Themenraum ist angelegt.').count()).resolves.toBeGreaterThan(0)
    await page.close()
  }, 180_000)

  it('Anna asks to join, the admin lets her in, Anna starts a thread in the group', async () => {
    const anna = await openPage(annaContext, '/groups')
    await followLink(anna, anna.getByRole('link', { name: groupName }))
    await expectNoAxeViolations(anna, 'group page (outside)')
    await expect(anna.getByText(roomName).count()).resolves.toBe(0)
    await anna.getByLabel('Nachricht an die Gruppenleitung').fill('Ich bin CDO in Köln.')
    await followLink(anna, anna.getByRole('button', { name: 'Beitritt anfragen' }))
    await expect(anna.getByText('Ihre Anfrage wartet auf eine Entscheidung.').count()).resolves.toBe(1)

    const admin = await openPage(adminContext, `${groupPath}/manage`)
    await expect(admin.getByText('Ich bin CDO in Köln.').count()).resolves.toBe(1)
    // The decision's page must have loaded before this page closes: closing it while the form's
    // post is under way may cut the post short, and Playwright's close() has no timeout.
    await followLink(admin, admin.getByRole('button', { name: `Aufnehmen ${demo.anna.name}` }))
    await admin.close()

    await anna.goto(groupPath)
    await expectNoAxeViolations(anna, 'group page (member)')
    await followLink(anna, anna.getByRole('link', { name: `Neues Thema in ${roomName}` }))
    await anna.getByLabel('Titel').fill(title)
    await anna
      .getByLabel('Ihr Beitrag')
      .fill('Wir schreiben die Leitlinie gemeinsam, bevor sie öffentlich wird.')
    await followLink(anna, anna.getByRole('button', { name: 'Thema veröffentlichen' }))
    await expect(anna.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(title)
    threadPath = new URL(anna.url()).pathname
    await anna.goto('/')
    await expect(anna.getByText(roomName).count()).resolves.toBeGreaterThan(0)
    await anna.close()
  }, 180_000)

  it('Jonas, outside the group, finds nothing of it', async () => {
    const jonas = await openPage(jonasContext, threadPath)
    await expect(jonas.getByRole('heading', { level: 1 }).textContent()).resolves.not.toContain(title)
    for (const path of [
      '/',
      `/search?q=${encodeURIComponent('KI-Leitlinie Großstädte')}`,
      groupPath,
      '/groups',
    ]) {
      await jonas.goto(path)
      const text = await jonas.locator('main').textContent()
      expect(text, path).not.toContain(title)
      expect(text, path).not.toContain(roomName)
    }
    await jonas.close()
  })
})
