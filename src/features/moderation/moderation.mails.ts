// Mail the moderation sends about content. The warning names no thread and quotes no post:
// the post may be in a confidential thread, and mail leaves the forum.
import { type MailTemplate, mailTemplateCollector, simpleMail } from '../../core/mail/mail.templates.ts'

export const moderationMailTemplates: Record<string, MailTemplate> = {}
const registerMailTemplate = mailTemplateCollector(moderationMailTemplates)
const str = (value: unknown) => (typeof value === 'string' ? value : '')

registerMailTemplate('moderation.warning', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.warning.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.warning.text'), c.t('mail.rejected.reason', { reason: str(p.reason) })],
    action: { label: c.t('mail.warning.action'), url: `${c.baseUrl}/` },
  }),
)
