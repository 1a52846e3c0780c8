// Messages of drafts and the session's end (German first; English must have the same keys).
export const de = {
  'session.warning.title': 'Ihre Sitzung endet bald',
  'session.warning.text':
    'Ohne weitere Aktivität werden Sie in wenigen Minuten abgemeldet. Was Sie gerade schreiben, ist als Entwurf gespeichert.',
  'session.warning.extend': 'Sitzung verlängern',
  'session.warning.extended': 'Ihre Sitzung wurde verlängert.',
  'session.expired.text':
    'Ihre Sitzung ist abgelaufen. Ihr Text ist als Entwurf gespeichert: Melden Sie sich erneut an, dann ist er wieder da.',
  'session.expired.login': 'Erneut anmelden',
  'session.expired.carried': 'Ihre Sitzung ist abgelaufen. Melden Sie sich an — Ihr Text bleibt erhalten.',
  'drafts.restored': 'Ihr Entwurf wurde wiederhergestellt.',
  'drafts.discard': 'Entwurf verwerfen',
} as const

export const en: Record<keyof typeof de, string> = {
  'session.warning.title': 'Your session ends soon',
  'session.warning.text':
    'Without further activity you will be signed out in a few minutes. What you are writing is saved as a draft.',
  'session.warning.extend': 'Extend session',
  'session.warning.extended': 'Your session was extended.',
  'session.expired.text':
    'Your session has ended. Your text is saved as a draft: sign in again and it will be back.',
  'session.expired.login': 'Sign in again',
  'session.expired.carried': 'Your session has ended. Sign in and your text will be kept.',
  'drafts.restored': 'Your draft was restored.',
  'drafts.discard': 'Discard draft',
}
