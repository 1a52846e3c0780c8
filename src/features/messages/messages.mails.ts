// The one mail about direct messages: that there is a new message, with a link. Never the
// sender's name, the text, or anything else of the conversation: mail leaves the forum.
import { type MailTemplate, mailTemplateCollector, simpleMail } from '../../core/mail/mail.templates.ts'

export const messageMailTemplates: Record<string, MailTemplate> = {}
const registerMailTemplate = mailTemplateCollector(messageMailTemplates)
const str = (value: unknown) => (typeof value === 'string' ? value : '')
const count = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1
const id = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null

registerMailTemplate('messages.new', (p, c) => {
  const conversation = id(p.conversationId)
  return simpleMail(c, {
    subject: c.t('mail.messages.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [
      c.t('mail.messages.text'),
      c.t('mail.messages.settings', { url: `${c.baseUrl}/messages/settings` }),
    ],
    action: {
      label: c.t('mail.messages.action'),
      url: conversation ? `${c.baseUrl}/messages/${conversation}` : `${c.baseUrl}/messages`,
    },
  })
})

registerMailTemplate('messages.summary', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.messages.summarySubject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [
      c.t('mail.messages.summaryText', { count: count(p.conversations) }),
      c.t('mail.messages.summarySettings', { url: `${c.baseUrl}/messages/settings` }),
    ],
    action: { label: c.t('mail.messages.summaryAction'), url: `${c.baseUrl}/messages` },
  }),
)
