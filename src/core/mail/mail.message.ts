// The message as it goes out: multipart text + HTML, the fixed Message-ID, the headers every
// automated mail carries, and the template's extra headers with line breaks removed.
import type Mail from 'nodemailer/lib/mailer'
import type { Config } from '../../config.ts'
import type { BuiltMail } from './mail.templates.ts'

/** Removes line breaks so that a name or title can never add a header. */
export function headerSafe(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ').trim()
}

export function composeMessage(
  config: Config,
  mail: { to: string; messageId: string; built: BuiltMail; date?: Date },
): Mail.Options {
  const extra: Record<string, string> = {}
  for (const [name, value] of Object.entries(mail.built.headers ?? {})) {
    if (/^[A-Za-z0-9-]+$/.test(name)) extra[name] = headerSafe(value)
  }
  return {
    from: { name: headerSafe(config.mailFromName), address: config.mailFrom },
    // Replies reach the operator's support, never the accessibility contact (config.ts refuses it).
    replyTo: config.supportEmail,
    to: headerSafe(mail.to),
    subject: headerSafe(mail.built.subject),
    text: mail.built.text,
    html: mail.built.html,
    messageId: mail.messageId,
    date: mail.date,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      ...extra,
    },
  }
}
