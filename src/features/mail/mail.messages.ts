// Messages of the mail feature (German first; English must have the same keys).
export const de = {
  'mail.footer':
    'Diese Nachricht wurde automatisch vom Vertrauensraum versandt. Bitte antworten Sie nicht darauf.',
} as const

export const en: Record<keyof typeof de, string> = {
  'mail.footer': 'This message was sent automatically by Vertrauensraum. Please do not reply to it.',
}
