// Mail templates of accounts and membership decisions. Links carry single-use tokens that
// only the confirm button's POST uses.
import { type MailTemplate, mailTemplateCollector, simpleMail } from '../../core/mail/mail.templates.ts'

export const accountMailTemplates: Record<string, MailTemplate> = {}
const registerMailTemplate = mailTemplateCollector(accountMailTemplates)

const str = (value: unknown) => (value === undefined || value === null ? '' : String(value))

registerMailTemplate('account.confirm_email', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.confirm.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.confirm.text'), c.t('mail.ignore')],
    action: { label: c.t('mail.confirm.action'), url: `${c.baseUrl}/confirm/${str(p.token)}` },
  }),
)

registerMailTemplate('account.already_registered', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.already.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.already.text'), c.t('mail.ignore')],
    action: { label: c.t('mail.already.action'), url: `${c.baseUrl}/password/forgot` },
  }),
)

registerMailTemplate('account.reset_password', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.reset.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.reset.text'), c.t('mail.ignore')],
    action: { label: c.t('mail.reset.action'), url: `${c.baseUrl}/password/reset/${str(p.token)}` },
  }),
)

registerMailTemplate('account.change_email', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.changeEmail.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.changeEmail.text'), c.t('mail.ignore')],
    action: { label: c.t('mail.changeEmail.action'), url: `${c.baseUrl}/email/confirm/${str(p.token)}` },
  }),
)

registerMailTemplate('account.approved', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.approved.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.approved.text')],
    action: { label: c.t('mail.approved.action'), url: `${c.baseUrl}/login` },
  }),
)

registerMailTemplate('account.rejected', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.rejected.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.rejected.text'), c.t('mail.rejected.reason', { reason: str(p.reason) })],
  }),
)

registerMailTemplate('account.question', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.question.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [
      c.t('mail.question.text'),
      str(p.question),
      c.t('mail.question.answer', { contact: str(p.contact) }),
    ],
    action: { label: c.t('mail.question.action'), url: `${c.baseUrl}/status` },
  }),
)

registerMailTemplate('account.suspended', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.suspended.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [
      c.t('mail.suspended.text'),
      c.t('mail.rejected.reason', { reason: str(p.reason) }),
      ...(p.until ? [c.t('mail.suspended.until', { date: str(p.until) })] : []),
    ],
  }),
)

// The invitee asked for nothing: no "if this was not you", just what happens if they do nothing.
registerMailTemplate('account.invitation', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.invitation.subject'),
    greeting: c.t('mail.greetingPlain'),
    paragraphs: [
      c.t('mail.invitation.text', { inviter: str(p.inviter), days: Number(p.days ?? 14) }),
      ...(p.note ? [c.t('mail.invitation.note', { inviter: str(p.inviter), note: str(p.note) })] : []),
      c.t('mail.invitation.ignore'),
    ],
    action: { label: c.t('mail.invitation.action'), url: `${c.baseUrl}/register?invitation=${str(p.token)}` },
  }),
)

registerMailTemplate('account.reconfirm', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.reconfirm.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.reconfirm.text', { graceDays: Number(p.graceDays) })],
    action: { label: c.t('mail.reconfirm.action'), url: `${c.baseUrl}/reconfirm/${str(p.token)}` },
  }),
)

registerMailTemplate('account.reconfirm_review', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.reconfirmReview.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.reconfirmReview.text')],
    action: { label: c.t('mail.reconfirmReview.action'), url: `${c.baseUrl}/status` },
  }),
)

registerMailTemplate('account.unlock_sign_in', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.unlock.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.unlock.text'), c.t('mail.unlock.notYou')],
    action: { label: c.t('mail.unlock.action'), url: `${c.baseUrl}/login/unlock/${str(p.token)}` },
  }),
)

registerMailTemplate('account.email_in_use', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.emailInUse.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.emailInUse.text')],
  }),
)

// The second factor: each change is told to the account holder, with what to do if it was not them.
function secondFactorMail(template: string, messages: string, notYou = 'mail.secondFactor.notYou') {
  registerMailTemplate(template, (p, c) =>
    simpleMail(c, {
      subject: c.t(`${messages}.subject`),
      greeting: c.t('mail.greeting', { name: str(p.name) }),
      paragraphs: [c.t(`${messages}.text`, { left: Number(p.left ?? 0) }), c.t(notYou)],
      action: { label: c.t('mail.secondFactor.action'), url: `${c.baseUrl}/account` },
    }),
  )
}

secondFactorMail('account.second_factor_enrolled', 'mail.secondFactorEnrolled')
secondFactorMail('account.recovery_code_used', 'mail.recoveryCodeUsed')
secondFactorMail('account.recovery_codes_renewed', 'mail.recoveryCodesRenewed')
secondFactorMail('account.second_factor_disabled', 'mail.secondFactorDisabled')
secondFactorMail('account.second_factor_reset', 'mail.secondFactorReset')
secondFactorMail('account.second_factor_locked', 'mail.secondFactorLocked', 'mail.secondFactorLocked.notYou')

registerMailTemplate('account.data_export_ready', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.dataExport.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.dataExport.text', { days: Number(p.days ?? 7) })],
    action: { label: c.t('mail.dataExport.action'), url: `${c.baseUrl}/account/data` },
  }),
)

registerMailTemplate('account.deleted', (p, c) =>
  simpleMail(c, {
    subject: c.t('mail.accountDeleted.subject'),
    greeting: c.t('mail.greeting', { name: str(p.name) }),
    paragraphs: [c.t('mail.accountDeleted.text')],
  }),
)
