// Every UI string comes from the catalogue: the keys used in templates exist, no two parts
// of the catalogue define the same key, and English has the same placeholders as German.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as accounts from '../../src/features/accounts/accounts.messages.ts'
import * as digests from '../../src/features/digests/digests.messages.ts'
import * as discussions from '../../src/features/discussions/discussions.messages.ts'
import * as mail from '../../src/features/mail/mail.messages.ts'
import * as moderation from '../../src/features/moderation/moderation.messages.ts'
import * as organisations from '../../src/features/organisations/organisations.messages.ts'
import { de, en } from '../../src/i18n/catalogue.ts'
import { de as commonDe } from '../../src/i18n/common.de.ts'
import { isMessageKey, localeFromHeader, translate } from '../../src/i18n/index.ts'

function templates(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name)
    if (entry.isDirectory()) return templates(full)
    return entry.name.endsWith('.hbs') ? [full] : []
  })
}

describe('message catalogue', () => {
  it('defines every key a template uses literally', () => {
    const missing: string[] = []
    for (const file of templates(path.resolve('views'))) {
      const source = readFileSync(file, 'utf8')
      for (const match of source.matchAll(/\{\{t "([^"]+)"/g)) {
        if (!isMessageKey(match[1]!)) missing.push(`${path.relative('views', file)}: ${match[1]}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('has no key defined twice across features', () => {
    const parts = [
      commonDe,
      accounts.de,
      organisations.de,
      moderation.de,
      discussions.de,
      mail.de,
      digests.de,
    ]
    const seen = new Map<string, number>()
    for (const part of parts) for (const key of Object.keys(part)) seen.set(key, (seen.get(key) ?? 0) + 1)
    expect([...seen].filter(([, count]) => count > 1).map(([key]) => key)).toEqual([])
  })

  it('gives English the same placeholders as German', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    const mismatched = Object.keys(de).filter(
      (key) =>
        JSON.stringify(placeholders(de[key as keyof typeof de])) !==
        JSON.stringify(placeholders(en[key as keyof typeof en])),
    )
    expect(mismatched).toEqual([])
  })

  it('fills placeholders and refuses unknown keys', () => {
    expect(translate('de', 'layout.signedInAs', { name: 'Eva' })).toBe('Angemeldet als Eva')
    expect(translate('en', 'layout.signedInAs', { name: 'Eva' })).toBe('Signed in as Eva')
    expect(() => translate('de', 'no.such.key')).toThrow()
  })

  it('picks the language from Accept-Language, German by default', () => {
    expect(localeFromHeader(undefined)).toBe('de')
    expect(localeFromHeader('en-GB,en;q=0.9')).toBe('en')
    expect(localeFromHeader('fr-FR,en;q=0.5,de;q=0.8')).toBe('de')
    expect(localeFromHeader('fr')).toBe('de')
    expect(localeFromHeader('en;q=0')).toBe('de')
  })
})
