import type { Locale } from '../db/schema.ts'
import { de, en, type MessageKey } from './catalogue.ts'

export type { MessageKey }
export const locales: readonly Locale[] = ['de', 'en']
const catalogues: Record<Locale, Record<MessageKey, string>> = { de, en }

export type Params = Record<string, string | number | null | undefined>

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(de, key)
}

/** Looks a message up and fills `{name}` placeholders. Unknown keys are a bug: they throw. */
export function translate(locale: Locale, key: string, params: Params = {}): string {
  if (!isMessageKey(key)) throw new Error(`unknown message key: ${key}`)
  const message = catalogues[locale][key]
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name]
    return value === undefined || value === null ? whole : String(value)
  })
}

/** Picks the first supported language from an Accept-Language header; German by default. */
export function localeFromHeader(header: string | undefined): Locale {
  if (!header) return 'de'
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';')
      const q = rest.find((p) => p.trim().startsWith('q='))
      return { lang: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 }
    })
    .sort((a, b) => b.q - a.q)
  for (const { lang, q } of ranked) {
    if (q > 0 && (lang === 'de' || lang === 'en')) return lang
  }
  return 'de'
}
