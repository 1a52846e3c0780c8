// Member-provided text (names, titles, excerpts, notes) on its way into a mail. The input edge
// already keeps new names and titles on one line; rows written before may not be, so mail
// cleans again: one line, no control characters, no bidi controls (plain text cannot isolate
// them), so that no member text can start a line of its own or reorder ours.
import { escapeHtml } from './escape.ts'

const breaksAndControls = /[\p{Cc}\u2028\u2029]+/gu
const bidiControls = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g

/** One line of text: control characters and line breaks become a space, bidi controls go. */
export function singleLine(value: string): string {
  return value.replace(breaksAndControls, ' ').replace(bidiControls, '').replace(/\s+/g, ' ').trim()
}

/** Every string in the value made single-line (mail parameters: objects, arrays, strings). */
export function singleLineDeep<T>(value: T): T {
  if (typeof value === 'string') return singleLine(value) as T
  if (Array.isArray(value)) return value.map(singleLineDeep) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, singleLineDeep(inner)]),
    ) as T
  }
  return value
}

/** The strings of a value that could be someone's words (not numbers, ids or empty). */
export function wordsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') {
    if (/\p{L}/u.test(value)) into.push(value)
  } else if (Array.isArray(value)) {
    for (const inner of value) wordsIn(inner, into)
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const inner of Object.values(value)) wordsIn(inner, into)
  }
  return into
}

/** Does this line begin with member text (so that it could pass for one of ours)? */
export function startsWithMemberText(line: string, memberText: readonly string[]): boolean {
  const start = line.trimStart()
  return memberText.some((text) => text.length > 0 && start.startsWith(text))
}

/**
 * HTML of a sentence in which member text is isolated (<bdi>): a right-to-left name cannot
 * reorder the words around it.
 */
export function isolateMemberText(text: string, memberText: readonly string[]): string {
  const candidates = [...new Set(memberText.filter((t) => t.length > 0))].sort((a, b) => b.length - a.length)
  let html = ''
  let index = 0
  while (index < text.length) {
    let at = -1
    let found = ''
    for (const candidate of candidates) {
      const position = text.indexOf(candidate, index)
      if (position !== -1 && (at === -1 || position < at)) {
        at = position
        found = candidate
      }
    }
    if (at === -1) break
    html += `${escapeHtml(text.slice(index, at))}<bdi>${escapeHtml(found)}</bdi>`
    index = at + found.length
  }
  return html + escapeHtml(text.slice(index))
}
