import type { Locale } from '../db/schema.ts'
import { de, en, type MessageKey } from './catalogue.ts'

export type { MessageKey }

const catalogues: Record<Locale, Record<MessageKey, string>> = { de, en }

export type Params = Record<string, string | number | null | undefined>

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(de, key)
}

const pluralRules = { de: new Intl.PluralRules('de'), en: new Intl.PluralRules('en') }

/** Reads the options of `{count, plural, one {# Thema} other {# Themen}}` from `start` on. */
function pluralOptions(message: string, start: number): { options: Map<string, string>; end: number } {
  const options = new Map<string, string>()
  let index = start
  while (index < message.length) {
    while (message[index] === ' ') index++
    if (message[index] === '}') return { options, end: index + 1 }
    const open = message.indexOf('{', index)
    const selector = message.slice(index, open).trim()
    let depth = 1
    let close = open + 1
    for (; close < message.length && depth > 0; close++) {
      if (message[close] === '{') depth++
      else if (message[close] === '}') depth--
    }
    options.set(selector, message.slice(open + 1, close - 1))
    index = close
  }
  throw new Error(`unterminated plural in message: ${message}`)
}

/** ICU-style plurals (`=0`, `one`, `other` …, `#` is the number), by the locale's plural rules. */
function formatPlurals(locale: Locale, message: string, params: Params): string {
  const pattern = /\{(\w+), plural,/g
  let result = ''
  let last = 0
  for (let match = pattern.exec(message); match; match = pattern.exec(message)) {
    const { options, end } = pluralOptions(message, match.index + match[0].length)
    const count = Number(params[match[1] as string] ?? 0)
    const chosen =
      options.get(`=${count}`) ?? options.get(pluralRules[locale].select(count)) ?? options.get('other') ?? ''
    result +=
      message.slice(last, match.index) +
      chosen.replace(/#/g, count.toLocaleString(locale === 'en' ? 'en-GB' : 'de-DE'))
    last = end
    pattern.lastIndex = end
  }
  return result + message.slice(last)
}

/** Looks a message up, chooses plural forms and fills `{name}` placeholders. Unknown keys are a bug: they throw. */
export function translate(locale: Locale, key: string, params: Params = {}): string {
  if (!isMessageKey(key)) throw new Error(`unknown message key: ${key}`)
  const raw = catalogues[locale][key]
  const message = raw.includes(', plural,') ? formatPlurals(locale, raw, params) : raw
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
