// Messages of the data rights (German first; English must have the same keys).
export const de = {
  'dataRights.title': 'Meine Daten',
  'dataRights.link': 'Meine Daten: herunterladen oder Konto löschen',
  'dataRights.export.heading': 'Alle Daten herunterladen',
  'dataRights.export.intro':
    'Sie erhalten eine Datei (JSON) mit allem, was wir über Sie speichern: Profil, Organisation, Verlauf Ihrer Mitgliedschaft, Ihre Themen und Beiträge mit dem Markdown-Text, Reaktionen, gefolgte Themen, Einstellungen, Sitzungen und E-Mail-Protokoll. Sie wird im Hintergrund erstellt; wir schicken Ihnen eine E-Mail, sobald sie bereitliegt. Sie bleibt 7 Tage abrufbar.',
  'dataRights.export.submit': 'Datenexport anfordern',
  'dataRights.export.requested':
    'Ihr Datenexport wird erstellt. Wir schicken Ihnen eine E-Mail, sobald er bereitliegt.',
  'dataRights.export.pending': 'Ein Datenexport wird gerade erstellt. Bitte warten Sie auf unsere E-Mail.',
  'dataRights.export.list': 'Ihre Datenexporte',
  'dataRights.export.requestedAt': 'Angefordert',
  'dataRights.export.state': 'Stand',
  'dataRights.export.stillPending': 'wird erstellt',
  'dataRights.export.download': 'Herunterladen ({size} KB, bis {date})',
  'dataRights.delete.heading': 'Konto löschen',
  'dataRights.delete.intro':
    'Ihr Name, Ihre Adresse, Ihre Funktion, Ihre Sitzungen, Einstellungen und alle anderen Angaben zu Ihrer Person werden gelöscht. Das lässt sich nicht rückgängig machen. Im Protokoll der Moderation bleibt nur eine Nummer ohne Bezug zu Ihrer Person.',
  'dataRights.delete.password': 'Ihr Passwort',
  'dataRights.delete.posts': 'Ihre Beiträge',
  'dataRights.delete.keep': 'Stehen lassen, als „Ehemaliges Mitglied" Ihrer Organisation',
  'dataRights.delete.remove': 'Entfernen (Antworten anderer bleiben stehen)',
  'dataRights.delete.confirm': 'Bestätigung',
  'dataRights.delete.confirmLabel': 'Ja, ich möchte mein Konto endgültig löschen.',
  'dataRights.delete.confirmMissing': 'Bitte bestätigen Sie, dass Sie Ihr Konto endgültig löschen möchten.',
  'dataRights.delete.submit': 'Konto endgültig löschen',
  'dataRights.delete.gone': 'Dieses Konto ist bereits gelöscht.',
  'dataRights.deleted.title': 'Ihr Konto ist gelöscht',
  'dataRights.deleted.text':
    'Ihre persönlichen Daten wurden gelöscht und Sie wurden abgemeldet. Vielen Dank für Ihre Beiträge.',
  'privacy.retention.heading': 'Wie lange wir Daten aufbewahren',
  'privacy.retention.unconfirmed':
    'Registrierungen, deren E-Mail-Adresse nie bestätigt wurde: gelöscht nach {days, plural, one {# Tag} other {# Tagen}}.',
  'privacy.retention.rejected':
    'Abgelehnte Anträge: gelöscht {days, plural, one {# Tag} other {# Tage}} nach der Entscheidung.',
  'privacy.retention.sessions':
    'Sitzungen: gelöscht spätestens eine Stunde nach ihrem Ablauf; fehlgeschlagene Anmeldeversuche nach einem Tag.',
  'privacy.retention.mail':
    'Aufzeichnungen über versandte E-Mails und nicht zustellbare E-Mails: gelöscht spätestens nach {days, plural, one {# Tag} other {# Tagen}}.',
  'privacy.retention.exports': 'Datenexporte: gelöscht nach 7 Tagen.',
  'privacy.retention.guests':
    'Gäste in einem Thema: Konto, Name, Adresse und Organisation gelöscht {days, plural, one {# Tag} other {# Tage}} nach dem Ende des letzten Zugangs (Beiträge bleiben als „Ehemaliges Mitglied“); nicht angenommene Vorschläge ebenso lange nach ihrem letzten Datum.',
  'privacy.retention.drafts':
    'Entwürfe von Themen und Antworten: gelöscht {days, plural, one {# Tag} other {# Tage}} nach dem letzten Speichern.',
  'privacy.retention.deletion':
    'Unter „Meine Daten" können Sie alle Ihre Daten herunterladen und Ihr Konto löschen. Das Protokoll der Moderation wird nicht geändert; es behält nach einer Löschung nur eine Nummer ohne Bezug zu Ihrer Person.',
  'memberStatus.deleted': 'gelöscht',
  'status.deleted': 'Dieses Konto wurde gelöscht.',
  'mail.dataExport.subject': 'Ihr Datenexport liegt bereit',
  'mail.dataExport.text':
    'Ihr Datenexport aus dem Vertrauensraum liegt bereit. Sie können ihn nach der Anmeldung unter „Meine Daten" {days, plural, one {# Tag} other {# Tage}} lang herunterladen.',
  'mail.dataExport.action': 'Zu meinen Daten',
  'mail.accountDeleted.subject': 'Ihr Konto wurde gelöscht',
  'mail.accountDeleted.text':
    'Ihr Konto im Vertrauensraum wurde auf Ihren Wunsch gelöscht, mit allen Angaben zu Ihrer Person. Dies ist die letzte E-Mail, die Sie von uns erhalten.',
  'audit.data_export.requested': 'Datenexport angefordert',
  'audit.data_export.requested.text': '{actor} hat einen Export der eigenen Daten angefordert',
  'audit.member.deleted': 'Konto gelöscht',
  'audit.member.deleted.text': 'Das Konto {subject} wurde gelöscht',
} as const

export const en: Record<keyof typeof de, string> = {
  'dataRights.title': 'My data',
  'dataRights.link': 'My data: download it or delete my account',
  'dataRights.export.heading': 'Download all my data',
  'dataRights.export.intro':
    'You get a file (JSON) with everything we store about you: profile, organisation, the history of your membership, your threads and posts with their Markdown text, reactions, followed threads, settings, sessions and mail log. It is made in the background; we send you an e-mail when it is ready. It can be downloaded for 7 days.',
  'dataRights.export.submit': 'Request a data export',
  'dataRights.export.requested':
    'Your data export is being made. We will send you an e-mail when it is ready.',
  'dataRights.export.pending': 'A data export is being made right now. Please wait for our e-mail.',
  'dataRights.export.list': 'Your data exports',
  'dataRights.export.requestedAt': 'Requested',
  'dataRights.export.state': 'State',
  'dataRights.export.stillPending': 'being made',
  'dataRights.export.download': 'Download ({size} KB, until {date})',
  'dataRights.delete.heading': 'Delete my account',
  'dataRights.delete.intro':
    'Your name, address, job title, sessions, settings and every other detail about you are deleted. This cannot be undone. The moderators\u2019 log keeps only a number with no link to you.',
  'dataRights.delete.password': 'Your password',
  'dataRights.delete.posts': 'Your posts',
  'dataRights.delete.keep': 'Keep them, as "Former member" of your organisation',
  'dataRights.delete.remove': 'Remove them (replies by others stay)',
  'dataRights.delete.confirm': 'Confirmation',
  'dataRights.delete.confirmLabel': 'Yes, I want to delete my account for good.',
  'dataRights.delete.confirmMissing': 'Please confirm that you want to delete your account for good.',
  'dataRights.delete.submit': 'Delete my account for good',
  'dataRights.delete.gone': 'This account has been deleted already.',
  'dataRights.deleted.title': 'Your account is deleted',
  'dataRights.deleted.text':
    'Your personal data was deleted and you were signed out. Thank you for your contributions.',
  'privacy.retention.heading': 'How long we keep data',
  'privacy.retention.unconfirmed':
    'Registrations whose e-mail address was never confirmed: deleted after {days, plural, one {# day} other {# days}}.',
  'privacy.retention.rejected':
    'Rejected applications: deleted {days, plural, one {# day} other {# days}} after the decision.',
  'privacy.retention.sessions':
    'Sessions: deleted at the latest an hour after they expire; failed sign-in attempts after a day.',
  'privacy.retention.mail':
    'Records of sent e-mail and e-mail that could not be delivered: deleted after {days, plural, one {# day} other {# days}} at the latest.',
  'privacy.retention.exports': 'Data exports: deleted after 7 days.',
  'privacy.retention.guests':
    'Guests in a thread: account, name, address and organisation deleted {days, plural, one {# day} other {# days}} after their last access ended (posts stay as "Former member"); proposals never accepted the same time after their last date.',
  'privacy.retention.drafts':
    'Drafts of threads and replies: deleted {days, plural, one {# day} other {# days}} after they were last saved.',
  'privacy.retention.deletion':
    'Under "My data" you can download all your data and delete your account. The moderators\u2019 log is never rewritten; after a deletion it keeps only a number with no link to you.',
  'memberStatus.deleted': 'deleted',
  'status.deleted': 'This account was deleted.',
  'mail.dataExport.subject': 'Your data export is ready',
  'mail.dataExport.text':
    'Your data export from Vertrauensraum is ready. After signing in you can download it under "My data" for {days, plural, one {# day} other {# days}}.',
  'mail.dataExport.action': 'To my data',
  'mail.accountDeleted.subject': 'Your account was deleted',
  'mail.accountDeleted.text':
    'Your Vertrauensraum account was deleted at your request, with every detail about you. This is the last e-mail you get from us.',
  'audit.data_export.requested': 'Data export requested',
  'audit.data_export.requested.text': '{actor} requested an export of their own data',
  'audit.member.deleted': 'Account deleted',
  'audit.member.deleted.text': 'The account {subject} was deleted',
}
