// Every page type, as the person who sees it: axe (WCAG 2.1 A and AA, zero violations), no
// horizontal scrolling at 320 px and at 200 % zoom, and html-validate's recommended rules on the
// HTML the server sent. Plus the accessibility statement with its feedback contact.
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csrfTokenIn, launchBrowser, memberContext, newContext } from './helpers/browser.ts'
import { expectNoAxeViolations, expectNoHorizontalScroll, expectValidHtml } from './helpers/checks.ts'
import { adminAccount, demo } from './helpers/env.ts'

type Role = 'anonymous' | 'pending' | 'member' | 'admin'

interface PageType {
  name: string
  as: Role
  /** A path, or steps that end on the page and return the response that brought it. */
  open: string | ((page: Page) => Promise<Response>)
  status?: number
}

/** A page whose path is only known once beforeAll found it (ids differ from run to run). */
function later(path: () => string) {
  return (page: Page) => navigation(page, async () => void (await page.goto(path())))
}

const wide = { width: 1280, height: 900 }
/** 320 CSS px wide (WCAG 1.4.10 reflow) and 1280 × 900 at 200 % zoom (= 640 × 450 CSS px). */
const narrow = [
  { label: '320 px', width: 320, height: 640 },
  { label: '200 % zoom', width: 640, height: 450 },
]

/** Waits for the next page load of the main frame that is not a redirect, while `act` runs. */
async function navigation(page: Page, act: () => Promise<void>): Promise<Response> {
  const response = page.waitForResponse(
    (r) =>
      r.request().isNavigationRequest() &&
      r.frame() === page.mainFrame() &&
      (r.status() < 300 || r.status() >= 400),
  )
  await act()
  const result = await response
  await page.waitForLoadState()
  return result
}

// Found while setting up (ids differ from run to run).
const found = {
  threadWithReplies: '',
  ownThread: '',
  ownPost: '',
  replyPost: '',
  organisationEdit: '',
  categoryEdit: '',
  memberRecord: '',
  profile: '',
  organisation: '',
  land: '',
}

const pageTypes: PageType[] = [
  // Public
  { name: 'landing', as: 'anonymous', open: '/' },
  { name: 'login', as: 'anonymous', open: '/login' },
  {
    name: 'login with an error',
    as: 'anonymous',
    status: 422,
    open: async (page) => {
      await page.goto('/login')
      await page.getByLabel('Dienstliche E-Mail-Adresse').fill('niemand@example.org')
      await page.getByLabel('Passwort').fill('falsches-passwort-123')
      return navigation(page, () => page.getByRole('button', { name: 'Anmelden', exact: true }).click())
    },
  },
  { name: 'registration', as: 'anonymous', open: '/register' },
  {
    name: 'registration with errors',
    as: 'anonymous',
    status: 422,
    open: async (page) => {
      await page.goto('/register')
      await page.getByLabel('Dienstliche E-Mail-Adresse').fill('keine-adresse')
      return navigation(page, () => page.getByRole('button', { name: 'Antrag absenden' }).click())
    },
  },
  {
    name: 'registration, organisation search without JavaScript',
    as: 'anonymous',
    open: async (page) => {
      await page.goto('/register')
      await page.getByLabel('Organisation suchen').fill('Mün')
      return navigation(page, () => page.getByRole('button', { name: 'Suchen', exact: true }).click())
    },
  },
  { name: 'password forgotten', as: 'anonymous', open: '/password/forgot' },
  { name: 'link from a mail, used or expired', as: 'anonymous', open: '/confirm/abgelaufen', status: 410 },
  { name: 'about', as: 'anonymous', open: '/about' },
  { name: 'accessibility statement', as: 'anonymous', open: '/accessibility' },
  { name: 'privacy', as: 'anonymous', open: '/privacy' },
  { name: 'unsubscribe, bad link', as: 'anonymous', open: '/unsubscribe/kaputt', status: 400 },
  { name: '404 (anonymous)', as: 'anonymous', open: '/gibt-es-nicht', status: 404 },
  // Signed in, not verified
  { name: 'pending status', as: 'pending', open: '/status' },
  // Members
  { name: 'home', as: 'member', open: '/' },
  { name: 'category', as: 'member', open: '/c/ki' },
  { name: 'category, filtered', as: 'member', open: '/c/smart-city?stage=idea' },
  { name: 'thread with nested replies', as: 'member', open: later(() => found.threadWithReplies) },
  { name: 'thread, own', as: 'member', open: later(() => found.ownThread) },
  { name: 'new thread', as: 'member', open: '/t/new' },
  {
    name: 'new thread with errors',
    as: 'member',
    status: 422,
    open: async (page) => {
      await page.goto('/t/new')
      await page.getByLabel('Titel').fill('Kurz')
      return navigation(page, () => page.getByRole('button', { name: 'Thema veröffentlichen' }).click())
    },
  },
  { name: 'reply (page without JavaScript)', as: 'member', open: later(() => `/p/${found.replyPost}/reply`) },
  { name: 'edit post', as: 'member', open: later(() => `/p/${found.ownPost}/edit`) },
  { name: 'delete post', as: 'member', open: later(() => `/p/${found.ownPost}/delete`) },
  { name: 'notifications', as: 'member', open: '/notifications' },
  { name: 'mention search', as: 'member', open: '/mentions?q=Jo' },
  { name: 'account settings', as: 'member', open: '/account' },
  { name: 'digest settings', as: 'member', open: '/account/digest' },
  { name: 'second factor, set up (member)', as: 'member', open: '/account/second-factor' },
  {
    name: 'second factor, asked again',
    as: 'member',
    open: '/account/second-factor/confirm?next=%2Faccount',
  },
  { name: 'my data (export, deletion)', as: 'member', open: '/account/data' },
  {
    name: 'my data, deletion with errors',
    as: 'member',
    status: 422,
    open: async (page) => {
      await page.goto('/account/data')
      return navigation(page, () => page.getByRole('button', { name: 'Konto endgültig löschen' }).click())
    },
  },
  { name: 'second factor, manage (admin)', as: 'admin', open: '/account/second-factor' },
  { name: 'invite a colleague', as: 'member', open: '/invite' },
  { name: '403 (member at the moderation)', as: 'member', open: '/moderation', status: 403 },
  { name: '404 (member, unknown thread)', as: 'member', open: '/t/987654321', status: 404 },
  // The network: members directory, profiles, succession, organisation and tag pages
  { name: 'members directory', as: 'member', open: '/members' },
  { name: 'members directory, filtered', as: 'member', open: '/members?land=05&kind=kreisfreie_stadt' },
  { name: 'members directory, unknown filter', as: 'member', open: '/members?size=riesig', status: 422 },
  { name: 'profile, own', as: 'member', open: later(() => found.profile) },
  { name: 'profile, edit', as: 'member', open: '/account/profile' },
  {
    name: 'profile, edit with errors',
    as: 'member',
    status: 422,
    open: async (page) => {
      await page.goto('/account/profile')
      await page.getByLabel('Name', { exact: false }).first().fill('')
      await page.getByLabel('Fachgebiete').fill('eins, zwei, drei, vier, fünf, sechs')
      return navigation(page, () => page.getByRole('button', { name: 'Speichern' }).click())
    },
  },
  { name: 'succession', as: 'member', open: later(() => `${found.profile}/succession`) },
  { name: 'organisation page', as: 'member', open: later(() => found.organisation) },
  { name: 'organisation page, Land', as: 'member', open: later(() => found.land) },
  { name: 'tag page', as: 'member', open: '/tags/formulare' },
  {
    name: 'who does this (page without JavaScript)',
    as: 'member',
    open: later(() => found.ownThread.replace('/t/', '/network/thread/')),
  },
  // Moderation and administration
  { name: 'moderation queue', as: 'admin', open: '/moderation' },
  { name: 'members', as: 'admin', open: '/moderation/members' },
  { name: 'member record', as: 'admin', open: later(() => found.memberRecord) },
  { name: 'audit log', as: 'admin', open: '/moderation/audit' },
  { name: 'post revisions', as: 'admin', open: later(() => `/p/${found.ownPost}/revisions`) },
  { name: 'admin', as: 'admin', open: '/admin' },
  { name: 'organisations', as: 'admin', open: '/admin/organisations' },
  { name: 'organisation, edit form', as: 'admin', open: later(() => found.organisationEdit) },
  { name: 'organisation, new', as: 'admin', open: '/admin/organisations/new' },
  { name: 'members at historical organisations', as: 'admin', open: '/admin/organisations/historical' },
  {
    name: 'municipality search',
    as: 'admin',
    open: '/admin/organisations/municipalities?municipalityQuery=wettr',
  },
  { name: 'categories admin', as: 'admin', open: '/admin/categories' },
  { name: 'category, edit form', as: 'admin', open: later(() => found.categoryEdit) },
  { name: 'mail queue', as: 'admin', open: '/admin/mail' },
  { name: 'attachments and storage', as: 'admin', open: '/admin/files' },
]

let browser: Browser
const contexts = new Map<Role, BrowserContext>()
const pages = new Map<Role, Page>()

beforeAll(async () => {
  browser = await launchBrowser()
  const accounts = { pending: demo.tobias, member: demo.anna, admin: adminAccount }
  for (const role of ['anonymous', 'pending', 'member', 'admin'] as const) {
    const context =
      role === 'anonymous' ? await newContext(browser) : await memberContext(browser, accounts[role])
    contexts.set(role, context)
    pages.set(role, await context.newPage())
  }

  // A thread of Anna's own (edit, delete, revisions), with an edit so revisions exist.
  const member = contexts.get('member')!
  const form = await member.request.get('/t/new')
  const created = await member.request.post('/t', {
    form: {
      _csrf: csrfTokenIn(await form.text()),
      title: 'Seitenprüfung: gemeinsames Formularportal',
      category: await firstCategoryId(member),
      stage: 'concept',
      tags: 'formulare, barrierefreiheit',
      body: 'Ein **Entwurf** mit einer Liste:\n\n- erstens\n- zweitens\n\n[Ein Link](https://example.org)',
    },
    maxRedirects: 0,
  })
  expect(created.status(), 'thread created').toBe(303)
  found.ownThread = created.headers().location!
  const home = pages.get('member')!
  await home.goto(found.ownThread)
  found.ownPost = (await home.locator('.opening').getAttribute('id'))!.replace('post-', '')
  // A reply from someone else, as own threads usually have. (Without one the page has the
  // reactions form with nothing to react to: html-validate's wcag/h32, see the README.)
  const other = await memberContext(browser, demo.jonas)
  const thread = await other.request.get(found.ownThread)
  const replied = await other.request.post(`${found.ownThread}/posts`, {
    form: {
      _csrf: csrfTokenIn(await thread.text()),
      parent: found.ownPost,
      body: 'Gute Idee, wir sind dabei.',
    },
    maxRedirects: 0,
  })
  expect(replied.status(), 'reply posted').toBe(303)
  await other.close()

  await home.goto('/')
  found.threadWithReplies = (await home
    .getByRole('link', { name: 'KI-Assistent für Bürgeranfragen im Pilotbetrieb' })
    .first()
    .getAttribute('href'))!.replace(/\/unread$/, '')
  await home.goto(found.threadWithReplies)
  found.replyPost = (await home.locator('#replies > li').first().getAttribute('id'))!.replace('post-', '')

  await home.goto('/members?q=Anna%20Becker')
  found.profile = (await home.locator('#member-results a[href^="/m/"]').first().getAttribute('href'))!
  await home.goto(found.profile)
  found.organisation = (await home.locator('dl.facts a[href^="/o/"]').first().getAttribute('href'))!
  found.land = (await home.locator('dl.facts a[href^="/o/"]').last().getAttribute('href'))!

  const admin = pages.get('admin')!
  await admin.goto('/admin/organisations')
  found.organisationEdit = (await admin.locator('a[href$="/edit"]').first().getAttribute('href'))!
  await admin.goto('/admin/categories')
  found.categoryEdit = (await admin.locator('a[href^="/admin/categories/"]').first().getAttribute('href'))!
  await admin.goto('/moderation/members')
  found.memberRecord = (await admin.locator('a[href^="/moderation/members/"]').first().getAttribute('href'))!
})

async function firstCategoryId(context: BrowserContext): Promise<string> {
  const html = await (await context.request.get('/t/new')).text()
  const id = html.match(/<select id="field-category"[\s\S]*?<option value="(\d+)"/)?.[1]
  if (!id) throw new Error('no category on /t/new')
  return id
}

afterAll(async () => {
  for (const context of contexts.values()) await context.close()
  await browser?.close()
})

describe.each(pageTypes)('$name ($as)', (pageType) => {
  it('has no axe violations, reflows at 320 px and 200 %, and is valid HTML', async () => {
    const page = pages.get(pageType.as)!
    await page.setViewportSize(wide)
    const response =
      typeof pageType.open === 'string'
        ? await navigation(page, async () => void (await page.goto(pageType.open as string)))
        : await pageType.open(page)
    expect(response.status(), `status of ${page.url()}`).toBe(pageType.status ?? 200)
    const html = await response.text()

    await expectNoAxeViolations(page, pageType.name)
    for (const size of narrow) {
      await page.setViewportSize(size)
      await expectNoHorizontalScroll(page, `${pageType.name} at ${size.label}`)
    }
    await page.setViewportSize(wide)
    await expectValidHtml(html, pageType.name)
  })
})

describe('accessibility statement', () => {
  it('is linked from the footer of every page and names a feedback contact', async () => {
    const page = pages.get('anonymous')!
    await page.goto('/login')
    await page
      .getByRole('navigation', { name: 'Weitere Informationen' })
      .getByRole('link', { name: 'Barrierefreiheit' })
      .click()
    await page.waitForURL('**/accessibility')
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Erklärung zur Barrierefreiheit',
    )
    await expect(page.getByRole('heading', { name: 'Feedback und Kontakt' }).count()).resolves.toBe(1)
    const contact = page.locator('main a[href^="mailto:"]')
    await expect(contact.count()).resolves.toBeGreaterThan(0)
    expect(await contact.first().getAttribute('href')).toMatch(/^mailto:[^@\s]+@[^@\s]+$/)
  })
})
