// Mail templates: each builds subject, text and HTML from its parameters in the recipient's
// language. Every feature exports its templates; the composition root (src/jobs.ts) lists
// them all, and buildMail() builds from that list.
//
// Parameters are member input (names, titles, notes …): buildMail makes every string in them
// single-line first, and simpleMail quotes a paragraph that begins with one of them, so that
// member text never starts a line that could pass for ours.
import type { Locale } from '../../db/schema.ts'
import { type Params, translate } from '../../i18n/index.ts'
import { escapeHtml } from './escape.ts'
import {
  isolateMemberText,
  singleLine,
  singleLineDeep,
  startsWithMemberText,
  wordsIn,
} from './member-text.ts'

export interface BuiltMail {
  subject: string
  text: string
  html: string
  /** Extra headers (List-Id, List-Unsubscribe …); never built from user input unescaped. */
  headers?: Record<string, string>
}

export interface MailContext {
  locale: Locale
  baseUrl: string
  /** A catalogue message; string parameters are made single-line. */
  t(key: string, params?: Params): string
  /** The member-provided strings of this mail's parameters (already single-line). */
  memberText: readonly string[]
}

export type MailTemplate = (params: Record<string, unknown>, context: MailContext) => BuiltMail
export type MailTemplates = Readonly<Record<string, MailTemplate>>

/**
 * For a feature's mail module that registers one template at a time:
 * `export const myMailTemplates = {}; const registerMailTemplate = mailTemplateCollector(myMailTemplates)`.
 */
export function mailTemplateCollector(into: Record<string, MailTemplate>) {
  return (name: string, template: MailTemplate): void => {
    if (Object.hasOwn(into, name)) throw new Error(`mail template defined twice: ${name}`)
    into[name] = template
  }
}

const singleLineParams = (params: Params | undefined): Params | undefined =>
  params &&
  Object.fromEntries(
    Object.entries(params).map(([key, value]) => [
      key,
      typeof value === 'string' ? singleLine(value) : value,
    ]),
  )

export function mailContext(
  locale: Locale,
  baseUrl: string,
  memberText: readonly string[] = [],
): MailContext {
  return {
    locale,
    baseUrl,
    t: (key, params) => translate(locale, key, singleLineParams(params)),
    memberText,
  }
}

export function buildMail(
  templates: MailTemplates,
  name: string,
  params: Record<string, unknown>,
  locale: Locale,
  baseUrl: string,
): BuiltMail {
  const template = Object.hasOwn(templates, name) ? templates[name] : undefined
  if (!template) throw new Error(`unknown mail template: ${name}`)
  const safe = singleLineDeep(params)
  return template(safe, mailContext(locale, baseUrl, wordsIn(safe)))
}

/**
 * The common shape of a simple mail: a greeting, paragraphs, one call-to-action link.
 * Text and HTML parts say the same thing. A paragraph that begins with member text (e.g. a
 * moderator's question passed as a parameter) is quoted ("> " in text, a blockquote in HTML).
 */
export function simpleMail(
  context: MailContext,
  parts: { subject: string; greeting: string; paragraphs: string[]; action?: { label: string; url: string } },
): BuiltMail {
  const footer = context.t('mail.footer')
  const paragraphs = parts.paragraphs.map((p) => singleLine(p))
  const quoted = (p: string) => startsWithMemberText(p, context.memberText)
  const inline = (p: string) => isolateMemberText(p, context.memberText)
  const greeting = singleLine(parts.greeting)
  const text = [
    quoted(greeting) ? `> ${greeting}` : greeting,
    '',
    ...paragraphs.flatMap((p) => [quoted(p) ? `> ${p}` : p, '']),
    ...(parts.action ? [`${parts.action.label}:`, parts.action.url, ''] : []),
    '-- ',
    footer,
  ].join('\n')
  const html = `<!doctype html><html lang="${context.locale}"><head><meta charset="utf-8"><title>${escapeHtml(parts.subject)}</title></head><body style="font-family:sans-serif;line-height:1.5">
<p>${inline(greeting)}</p>
${paragraphs.map((p) => (quoted(p) ? `<blockquote><p>${inline(p)}</p></blockquote>` : `<p>${inline(p)}</p>`)).join('\n')}
${parts.action ? `<p><a href="${escapeHtml(parts.action.url)}">${escapeHtml(parts.action.label)}</a></p>` : ''}
<hr><p style="color:#555">${escapeHtml(footer)}</p>
</body></html>`
  return { subject: singleLine(parts.subject), text, html }
}

export { escapeHtml }
