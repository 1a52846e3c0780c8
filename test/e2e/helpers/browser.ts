// Debian's Chromium driven by playwright-core: no browser download, no network but ours.
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core'
import { expect } from 'vitest'
import type { Web } from './dom.ts'
import { type Account, baseUrl, stateDir } from './env.ts'
import { completeSecondFactor } from './second-factor.ts'

export const chromiumPath = '/usr/bin/chromium'

// Without the background-networking flags Chromium keeps trying to reach Google from this
// closed network, which makes it slow and flaky.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: 60_000 })
}

export const screenshotsFolder = path.resolve(import.meta.dirname, '../../../test-results/screenshots')

/** The journey's last page, for a person to look at (test-results/screenshots/, git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotsFolder, { recursive: true })
  await page.screenshot({ path: path.join(screenshotsFolder, `${name}.png`), fullPage: true })
}

/** A fresh context (own cookies) for one person; German, like the forum's members. */
export async function newContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    locale: 'de-DE',
    viewport: { width: 1280, height: 900 },
    ...options,
  })
  context.setDefaultTimeout(15_000)
  context.setDefaultNavigationTimeout(20_000)
  return context
}

/** The CSRF token of the first form on a server-rendered page. */
export function csrfTokenIn(html: string): string {
  const token =
    html.match(/name="_csrf" value="([^"]+)"/)?.[1] ??
    html.match(/<meta name="csrf-token" content="([^"]+)"/)?.[1]
  if (!token) throw new Error('no CSRF token on the page')
  return token
}

/**
 * Signs in through the login form's POST with the context's own cookie jar (quicker than
 * typing; the journeys that are about signing in use the form in the page instead).
 */
export async function signIn(context: BrowserContext, account: Account): Promise<void> {
  const form = await context.request.get('/login')
  const response = await context.request.post('/login', {
    form: {
      _csrf: csrfTokenIn(await form.text()),
      email: account.email,
      password: account.password,
      next: '/',
    },
    maxRedirects: 0,
  })
  expect(response.status(), `sign-in of ${account.email}`).toBe(303)
  const next = response.headers().location ?? ''
  if (next.startsWith('/login/second-factor')) await completeSecondFactor(context, account, next)
}

/**
 * A context signed in as `account`. Sessions live in Postgres, so a session made by one test
 * file can be reused by the next (the login route is rate-limited per address): the first call
 * signs in and keeps the cookies in the run's state folder. Only for accounts no test signs
 * out, suspends or demotes.
 */
export async function memberContext(
  browser: Browser,
  account: Account,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const file = path.join(stateDir(), `${account.email}.json`)
  if (existsSync(file)) return newContext(browser, { ...options, storageState: file })
  const context = await newContext(browser, options)
  await signIn(context, account)
  await context.storageState({ path: file })
  return context
}

/** A new page of the context, opened at `path`. */
export async function openPage(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(path)
  return page
}

/**
 * Follows a link (or sends a plain form by its button) and waits until the new page has loaded.
 * A click alone may return before the navigation commits: axe started then loses its document
 * and never answers, and a page closed then may cut the form's post short.
 */
export async function followLink(page: Page, link: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), link.click()])
}

/** Sets a marker on window; `pageWasNotReloaded` later proves the page stayed the same document. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    ;(globalThis as unknown as Web).__marker = 1
  })
}

export async function pageWasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as Web).__marker === 1)
}
