// Mail templates: each builds subject, text and HTML from its parameters in the recipient's
// language. Features register their own templates here.
import type { Locale } from '../../db/schema.ts'
import { type Params, translate } from '../../i18n/index.ts'

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
  t(key: string, params?: Params): string
}

export type MailTemplate = (params: Record<string, unknown>, context: MailContext) => BuiltMail

const templates = new Map<string, MailTemplate>()

export function registerMailTemplate(name: string, template: MailTemplate): void {
  templates.set(name, template)
}

export function buildMail(
  name: string,
  params: Record<string, unknown>,
  locale: Locale,
  baseUrl: string,
): BuiltMail {
  const template = templates.get(name)
  if (!template) throw new Error(`unknown mail template: ${name}`)
  return template(params, { locale, baseUrl, t: (key, p) => translate(locale, key, p) })
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

/**
 * The common shape of a simple mail: a greeting, paragraphs, one call-to-action link.
 * Text and HTML parts say the same thing.
 */
export function simpleMail(
  context: MailContext,
  parts: { subject: string; greeting: string; paragraphs: string[]; action?: { label: string; url: string } },
): BuiltMail {
  const footer = context.t('mail.footer')
  const text = [
    parts.greeting,
    '',
    ...parts.paragraphs.flatMap((p) => [p, '']),
    ...(parts.action ? [`${parts.action.label}:`, parts.action.url, ''] : []),
    '-- ',
    footer,
  ].join('\n')
  const html = `<!doctype html><html lang="${context.locale}"><head><meta charset="utf-8"><title>${escapeHtml(parts.subject)}</title></head><body style="font-family:sans-serif;line-height:1.5">
<p>${escapeHtml(parts.greeting)}</p>
${parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${parts.action ? `<p><a href="${escapeHtml(parts.action.url)}">${escapeHtml(parts.action.label)}</a></p>` : ''}
<hr><p style="color:#555">${escapeHtml(footer)}</p>
</body></html>`
  return { subject: parts.subject, text, html }
}

export { escapeHtml }
