// The operator's pages: Impressum and Datenschutzerklärung from the configuration or from
// Markdown files in the data folder (re-read when they change, sanitised like posts), the
// explanation in Leichte Sprache, the sign-language video link; every page links them.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { signedInMember } from '../discussions/helpers.ts'
import { useTestApp } from '../helpers/app.ts'

const dataDir = mkdtempSync(path.join(tmpdir(), 'vr-pages-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const configured = useTestApp({
  DATA_DIR: dataDir,
  IMPRINT_NAME: 'Zweckverband Digitale Kommune Musterland',
  IMPRINT_ADDRESS: 'Rathausplatz 1 | 12345 Musterstadt',
  IMPRINT_REPRESENTATIVE: 'Verbandsvorsteherin Dr. Erika Beispiel',
  IMPRINT_PHONE: '+49 30 123456',
  SUPPORT_EMAIL: 'support@forum.test',
  SIGN_LANGUAGE_VIDEO_URL: 'https://video.example.org/dgs-vertrauensraum',
})

function writePage(name: string, markdown: string, mtime: number) {
  mkdirSync(path.join(dataDir, 'pages'), { recursive: true })
  const file = path.join(dataDir, 'pages', `${name}.md`)
  writeFileSync(file, markdown)
  utimesSync(file, mtime, mtime)
}

const get = (url: string) => configured.app.inject({ url })

describe('the Impressum', () => {
  it('is built from the configuration, public, with the accessibility contact kept apart', async () => {
    const page = await get('/impressum')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Zweckverband Digitale Kommune Musterland')
    expect(page.body).toContain('Rathausplatz 1<br>')
    expect(page.body).toContain('12345 Musterstadt<br>')
    expect(page.body).toContain('Vertreten durch: Verbandsvorsteherin Dr. Erika Beispiel')
    expect(page.body).toContain('mailto:support@forum.test')
    expect(page.body).toContain('+49 30 123456')
    expect(page.body).not.toContain('noch nicht eingerichtet')
  })

  it('is replaced by the operator’s Markdown file, re-read when it changes, without raw HTML', async () => {
    writePage('impressum', '# Angaben gemäß § 5 DDG\n\nStadt Beispielhausen <script>alert(1)</script>', 1_000)
    const first = await get('/impressum')
    expect(first.body).toContain('Angaben gemäß § 5 DDG')
    expect(first.body).not.toContain('<script>alert(1)</script>')
    expect(first.body).not.toContain('Zweckverband Digitale Kommune Musterland')
    writePage('impressum', 'Neue Fassung des Impressums', 2_000)
    expect((await get('/impressum')).body).toContain('Neue Fassung des Impressums')
    rmSync(path.join(dataDir, 'pages', 'impressum.md'))
    expect((await get('/impressum')).body).toContain('Zweckverband Digitale Kommune Musterland')
  })
})

describe('the Datenschutzerklärung', () => {
  it('takes the operator’s text and still states the retention periods', async () => {
    expect((await get('/privacy')).body).toContain('Wie lange wir Daten aufbewahren')
    expect((await get('/privacy')).body).toContain(
      'Entwürfe von Themen und Antworten: gelöscht 30 Tage nach dem letzten Speichern.',
    )
    writePage('datenschutz', '## Verantwortliche Stelle\n\nDer Zweckverband verarbeitet …', 3_000)
    const page = await get('/privacy')
    expect(page.body).toContain('Verantwortliche Stelle')
    expect(page.body).toContain('Wie lange wir Daten aufbewahren')
  })
})

describe('Leichte Sprache and sign language', () => {
  it('explains the forum and how to join in Leichte Sprache', async () => {
    const page = await get('/leichte-sprache')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Was ist der Vertrauensraum?')
    expect(page.body).toContain('Wie werde ich Mitglied?')
    expect(page.body).toContain('href="/register"')
    expect(page.body).toContain('support@forum.test')
  })

  it('links the configured sign-language video', async () => {
    const page = await get('/gebaerdensprache')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('href="https://video.example.org/dgs-vertrauensraum"')
  })

  it('every page links them, for visitors and for members', async () => {
    const member = await signedInMember(configured.database.db, configured.app)
    for (const body of [
      (await get('/')).body,
      (await get('/login')).body,
      (await member.agent.get('/')).body,
    ]) {
      for (const href of ['/impressum', '/privacy', '/leichte-sprache', '/gebaerdensprache']) {
        expect(body, href).toContain(`href="${href}"`)
      }
    }
  })
})
