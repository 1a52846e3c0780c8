// The guest's invitation mail: it says only that they were invited into a thread, with the
// one-time link. No thread, no title, no text, no names of members.
import { type MailTemplate, mailTemplateCollector, simpleMail } from '../../core/mail/mail.templates.ts'

export const guestMailTemplates: Record<string, MailTemplate> = {}
const registerMailTemplate = mailTemplateCollector(guestMailTemplates)

registerMailTemplate('guests.invitation', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.guestInvitation.subject'),
    greeting: c.t('mail.greetingPlain'),
    paragraphs: [
      c.t('mail.guestInvitation.text'),
      c.t('mail.guestInvitation.more', { days: Number(p.days ?? 90) }),
    ],
    action: {
      label: c.t('mail.guestInvitation.action'),
      url: `${c.baseUrl}/guest/accept/${String(p.token ?? '')}`,
    },
  }),
)
