import * as dataRights from './data-rights.messages.ts'
import * as secondFactor from './second-factor.messages.ts'

// Messages of the accounts feature (German first; English must have the same keys).
export const de = {
  'login.title': 'Anmelden',
  'login.email': 'Dienstliche E-Mail-Adresse',
  'login.password': 'Passwort',
  'login.submit': 'Anmelden',
  'login.invalid': 'E-Mail-Adresse oder Passwort stimmen nicht.',
  'login.locked':
    'Zu viele fehlgeschlagene Versuche. Bitte warten Sie 15 Minuten oder setzen Sie Ihr Passwort zurück. Wenn es zu dieser Adresse ein Konto gibt, haben wir einen Link zum Entsperren geschickt.',
  'login.forgot': 'Passwort vergessen?',
  'login.noAccount': 'Noch kein Mitglied?',
  'login.signedOut': 'Sie wurden abgemeldet.',
  'register.title': 'Mitgliedschaft beantragen',
  'register.intro':
    'Der Vertrauensraum steht Beschäftigten von Kommunen, Ländern, kommunalen Unternehmen, IT-Dienstleistern und kommunalen Verbänden offen. Nach der Bestätigung Ihrer E-Mail-Adresse prüft die Moderation Ihren Antrag.',
  'register.name': 'Vor- und Nachname',
  'register.email': 'Dienstliche E-Mail-Adresse',
  'register.emailHint':
    'Bitte die Adresse Ihrer Dienststelle, z. B. name@stadt-beispiel.de – daran erkennen wir Ihre Organisation.',
  'register.organisation': 'Organisation',
  'register.orgQuery': 'Organisation suchen',
  'register.orgQueryHint':
    'Name, Amtlicher Gemeindeschlüssel oder Dienst-Domain, z. B. „Köln“, „05315“ oder „stadt-koeln.de“.',
  'register.orgSearch': 'Suchen',
  'register.organisation.missing': 'Bitte wählen Sie Ihre Organisation aus der Suche aus.',
  'register.organisation.chosen': 'Gewählt: {name}',
  'register.jobTitle': 'Funktion',
  'register.jobTitleHint': 'z. B. Digitalisierungsbeauftragte, CDO, IT-Leitung',
  'register.statement': 'Warum möchten Sie mitmachen?',
  'register.statementHint': 'Ein, zwei Sätze für die Moderation, höchstens {max} Zeichen.',
  'register.password': 'Passwort',
  'register.passwordHint':
    'Mindestens 12 Zeichen. Ein Satz aus mehreren Wörtern ist leicht zu merken und sicher.',
  'register.submit': 'Antrag absenden',
  'register.invited': 'Sie wurden von {name} eingeladen. Die Einladung gilt für {email}.',
  'register.sent.title': 'Bitte bestätigen Sie Ihre E-Mail-Adresse',
  'register.sent.text':
    'Wir haben Ihnen eine E-Mail geschickt. Öffnen Sie den Link darin und bestätigen Sie Ihre Adresse. Der Link ist 24 Stunden gültig.',
  'register.sent.hint':
    'Keine E-Mail bekommen? Prüfen Sie den Spam-Ordner oder melden Sie sich an und fordern Sie einen neuen Link an.',
  'account.password.tooShort': 'Das Passwort muss mindestens {min} Zeichen lang sein.',
  'account.password.common': 'Dieses Passwort ist zu verbreitet. Bitte wählen Sie ein anderes.',
  'account.currentPassword.wrong': 'Das aktuelle Passwort stimmt nicht.',
  'account.email.same': 'Das ist bereits Ihre Adresse.',
  'confirm.title': 'E-Mail-Adresse bestätigen',
  'confirm.text': 'Bitte bestätigen Sie mit dem Knopf, dass dies Ihre Adresse ist.',
  'confirm.button': 'E-Mail-Adresse bestätigen',
  'confirm.invalid.title': 'Link ungültig oder abgelaufen',
  'confirm.invalid.text':
    'Dieser Link wurde schon benutzt oder ist abgelaufen. Melden Sie sich an, um einen neuen Link anzufordern.',
  'confirm.done.review':
    'Danke! Ihre E-Mail-Adresse ist bestätigt. Die Moderation prüft jetzt Ihren Antrag; Sie bekommen eine E-Mail, sobald entschieden ist.',
  'confirm.done.verified':
    'Danke! Ihre E-Mail-Adresse ist bestätigt und Ihre Organisation ist für die automatische Freischaltung eingerichtet. Sie können sich jetzt anmelden.',
  'reset.request.title': 'Passwort zurücksetzen',
  'reset.request.text':
    'Geben Sie Ihre dienstliche E-Mail-Adresse ein. Wenn es dazu ein Konto gibt, schicken wir Ihnen einen Link.',
  'reset.request.submit': 'Link anfordern',
  'reset.request.sent':
    'Wenn es zu dieser Adresse ein Konto gibt, ist ein Link unterwegs. Er ist 2 Stunden gültig.',
  'reset.title': 'Neues Passwort festlegen',
  'reset.password': 'Neues Passwort',
  'reset.submit': 'Passwort speichern',
  'reset.done': 'Ihr Passwort wurde geändert. Alle Sitzungen wurden beendet; bitte melden Sie sich neu an.',
  'status.title': 'Ihr Mitgliedsstatus',
  'status.pending_email':
    'Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse mit dem Link, den wir Ihnen geschickt haben.',
  'status.pending_review':
    'Ihre E-Mail-Adresse ist bestätigt. Die Moderation prüft Ihren Antrag. Bis dahin sehen Sie keine Inhalte des Forums.',
  'status.rejected': 'Ihr Antrag wurde abgelehnt. Die Begründung haben wir Ihnen per E-Mail geschickt.',
  'status.suspended': 'Ihre Mitgliedschaft ist gesperrt.',
  'status.suspendedUntil': 'Die Sperre endet am {date}.',
  'status.expired':
    'Ihre Mitgliedschaft ist abgelaufen, weil Sie sie nicht rechtzeitig bestätigt haben. Fordern Sie einen neuen Bestätigungslink an; danach prüft die Moderation erneut.',
  'status.verified': 'Sie sind geprüftes Mitglied.',
  'status.resend': 'Neuen Bestätigungslink senden',
  'status.resent': 'Ein neuer Link ist unterwegs.',
  'status.reconfirmRequest': 'Bestätigungslink anfordern',
  'account.title': 'Mein Konto',
  'account.profile': 'Profil',
  'account.organisation': 'Organisation',
  'account.jobTitle': 'Funktion',
  'account.email': 'E-Mail-Adresse',
  'account.verifiedUntil': 'Mitgliedschaft bestätigt bis',
  'account.passwordSection': 'Passwort ändern',
  'account.currentPassword': 'Aktuelles Passwort',
  'account.newPassword': 'Neues Passwort',
  'account.passwordChanged': 'Ihr Passwort wurde geändert. Ihre anderen Sitzungen wurden beendet.',
  'account.emailSection': 'E-Mail-Adresse ändern',
  'account.newEmail': 'Neue dienstliche E-Mail-Adresse',
  'account.emailChangeSent':
    'Wir haben einen Bestätigungslink an die neue Adresse geschickt. Ihre anderen Sitzungen wurden beendet.',
  'account.emailChanged': 'Ihre neue E-Mail-Adresse ist bestätigt.',
  'account.languageSection': 'Sprache',
  'account.language': 'Sprache der Oberfläche und der E-Mails',
  'account.languageSaved': 'Die Sprache wurde gespeichert.',
  'account.sessionsSection': 'Angemeldete Geräte',
  'account.sessionDevice': 'Gerät',
  'account.sessionStarted': 'Angemeldet seit',
  'account.sessionLastSeen': 'Zuletzt aktiv',
  'account.sessionCurrent': 'dieses Gerät',
  'account.sessionRevoke': 'Abmelden',
  'account.sessionRevoked': 'Die Sitzung wurde beendet.',
  'account.unknownDevice': 'Unbekanntes Gerät',
  'account.logoutEverywhere': 'Überall abmelden',
  'account.logoutEverywhereHint': 'Beendet alle Sitzungen, auch diese.',
  'account.inviteLink': 'Kollegin oder Kollegen einladen',
  'invite.title': 'Kollegin oder Kollegen einladen',
  'invite.intro':
    'Die Einladung gilt {days, plural, one {# Tag} other {# Tage}} für genau diese Adresse. Die Moderation prüft auch eingeladene Personen. Sie können {perDay, plural, one {eine Einladung} other {# Einladungen}} am Tag senden.',
  'invite.email': 'Dienstliche E-Mail-Adresse',
  'invite.note': 'Persönliche Nachricht (freiwillig)',
  'invite.submit': 'Einladung senden',
  'invite.sent': 'Wenn es zu {email} noch kein Konto gibt, ist die Einladung unterwegs.',
  'reconfirm.title': 'Mitgliedschaft bestätigen',
  'reconfirm.text':
    'Arbeiten Sie noch für Ihre Organisation? Dann bestätigen Sie bitte Ihre Mitgliedschaft für weitere 12 Monate.',
  'reconfirm.button': 'Ja, Mitgliedschaft bestätigen',
  'reconfirm.done': 'Danke! Ihre Mitgliedschaft ist für weitere 12 Monate bestätigt.',
  'reconfirm.review': 'Danke! Die Moderation prüft Ihre Mitgliedschaft jetzt erneut.',
  'emailChange.title': 'Neue E-Mail-Adresse bestätigen',
  'emailChange.text': 'Bitte bestätigen Sie, dass diese neue Adresse Ihnen gehört.',
  'emailChange.button': 'Neue Adresse bestätigen',
  'language.de': 'Deutsch',
  'language.en': 'English',
  'mail.confirm.subject': 'Bitte bestätigen Sie Ihre E-Mail-Adresse',
  'mail.greeting': 'Guten Tag {name},',
  'mail.confirm.text':
    'Sie haben eine Mitgliedschaft im Vertrauensraum beantragt. Bitte öffnen Sie den Link und bestätigen Sie dort Ihre Adresse. Der Link ist 24 Stunden gültig.',
  'mail.confirm.action': 'Adresse bestätigen',
  'mail.ignore': 'Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren.',
  'mail.already.subject': 'Ihr Konto im Vertrauensraum',
  'mail.already.text':
    'Jemand hat versucht, sich mit Ihrer Adresse neu zu registrieren. Sie haben bereits ein Konto. Falls Sie Ihr Passwort vergessen haben, können Sie es zurücksetzen.',
  'mail.already.action': 'Passwort zurücksetzen',
  'mail.reset.subject': 'Passwort zurücksetzen',
  'mail.reset.text': 'Sie können Ihr Passwort über diesen Link neu festlegen. Der Link ist 2 Stunden gültig.',
  'mail.reset.action': 'Neues Passwort festlegen',
  'mail.changeEmail.subject': 'Neue E-Mail-Adresse bestätigen',
  'mail.changeEmail.text':
    'Sie möchten diese Adresse für den Vertrauensraum verwenden. Bitte bestätigen Sie sie über den Link (24 Stunden gültig).',
  'mail.changeEmail.action': 'Neue Adresse bestätigen',
  'mail.approved.subject': 'Willkommen im Vertrauensraum',
  'mail.approved.text':
    'Ihre Mitgliedschaft wurde geprüft und freigeschaltet. Sie können sich jetzt anmelden.',
  'mail.approved.action': 'Zum Vertrauensraum',
  'mail.rejected.subject': 'Ihr Antrag auf Mitgliedschaft',
  'mail.rejected.text': 'Ihr Antrag auf Mitgliedschaft im Vertrauensraum wurde leider abgelehnt.',
  'mail.rejected.reason': 'Begründung der Moderation: {reason}',
  'mail.question.subject': 'Rückfrage zu Ihrem Antrag',
  'mail.question.text': 'Die Moderation hat eine Rückfrage zu Ihrem Antrag:',
  'mail.question.answer':
    'Bitte melden Sie sich an und antworten Sie auf Ihrer Statusseite. Bei Fragen zum Verfahren hilft der Support: {contact}',
  'mail.question.action': 'Zur Statusseite',
  'mail.suspended.subject': 'Ihre Mitgliedschaft wurde gesperrt',
  'mail.suspended.text': 'Ihre Mitgliedschaft im Vertrauensraum wurde gesperrt.',
  'mail.suspended.until': 'Die Sperre endet am {date}.',
  'mail.invitation.subject': 'Einladung in den Vertrauensraum',
  'mail.invitation.text':
    '{inviter} lädt Sie in den Vertrauensraum ein, das geschlossene Forum für die Digitalisierung in Kommunen. Die Einladung gilt {days, plural, one {# Tag} other {# Tage}}. Auch mit Einladung prüft die Moderation Ihre Mitgliedschaft.',
  'mail.invitation.note': 'Nachricht von {inviter}: {note}',
  'mail.invitation.action': 'Mitgliedschaft beantragen',
  'mail.greetingPlain': 'Guten Tag,',
  'mail.reconfirm.subject': 'Bitte bestätigen Sie Ihre Mitgliedschaft',
  'mail.reconfirm.text':
    'Einmal im Jahr bestätigen Mitglieder, dass sie noch für ihre Organisation arbeiten. Bitte bestätigen Sie Ihre Mitgliedschaft innerhalb von {graceDays, plural, one {# Tag} other {# Tagen}} über diesen Link, sonst läuft sie ab.',
  'mail.reconfirm.action': 'Mitgliedschaft bestätigen',
  'register.orgMissingHint':
    'Ihre Gemeinde oder Einrichtung fehlt im Verzeichnis? Wählen Sie Ihren Landkreis und nennen Sie die Organisation in der Begründung – die Moderation ergänzt sie.',
  'login.busy':
    'Gerade prüfen wir sehr viele Anmeldungen. Bitte versuchen Sie es in ein paar Sekunden noch einmal.',
  'account.currentPassword.locked':
    'Zu viele falsche Versuche. Bitte warten Sie 15 Minuten oder setzen Sie Ihr Passwort über „Passwort vergessen?“ zurück.',
  'register.name.staff':
    'Dieser Name gleicht dem eines Mitglieds der Moderation. Bitte wählen Sie einen Namen, der Sie unterscheidet, z. B. mit einem zweiten Vornamen.',
  'account.email.notOfficial':
    'Bitte eine dienstliche Adresse: bei {domains} oder bei einer anderen Organisation im Verzeichnis, zu der Sie wechseln.',
  'account.email.notOfficialAnywhere':
    'Diese Adresse gehört zu keiner Organisation im Verzeichnis. Bitte eine dienstliche Adresse; fehlt die Dienst-Domain Ihrer Organisation, schreiben Sie der Moderation.',
  'account.emailChangeSentMove':
    'Wir haben einen Bestätigungslink an die neue Adresse geschickt. Sie gehört zu „{organisation}“: Wenn Sie sie bestätigen, wechseln Sie zu dieser Organisation, und die Moderation prüft Ihre Mitgliedschaft erneut. Ihre anderen Sitzungen wurden beendet.',
  'account.emailChangedReview':
    'Ihre neue E-Mail-Adresse ist bestätigt. Sie gehört zu einer anderen Organisation, deshalb prüft die Moderation Ihre Mitgliedschaft jetzt erneut. Bis dahin sehen Sie nach der Anmeldung Ihren Status statt des Forums.',
  'status.sentToReview':
    'Ihre Adresse gehört zu keiner Dienst-Domain Ihrer Organisation. Die Moderation prüft Ihre Mitgliedschaft jetzt erneut; Sie bekommen eine E-Mail, sobald entschieden ist.',
  'unlock.title': 'Anmeldung entsperren',
  'unlock.text':
    'Entsperrt die Anmeldung zu Ihrem Konto und merkt sich diesen Browser als eines Ihrer Geräte.',
  'unlock.button': 'Anmeldung entsperren',
  'unlock.done': 'Die Anmeldung ist entsperrt. Sie können sich in diesem Browser jetzt anmelden.',
  'mail.unlock.subject': 'Anmeldung zu Ihrem Konto gesperrt',
  'mail.unlock.text':
    'Bei Ihrem Konto im Vertrauensraum wurde mehrmals ein falsches Passwort eingegeben; die Anmeldung ist deshalb 15 Minuten gesperrt. Mit dem Link entsperren Sie sie sofort für den Browser, in dem Sie ihn öffnen. Der Link ist 24 Stunden gültig.',
  'mail.unlock.notYou':
    'Waren Sie das nicht? Dann hat jemand Ihr Passwort zu erraten versucht, ohne Erfolg. Sie müssen nichts tun; ein langes Passwort, das Sie nur hier verwenden, schützt Ihr Konto.',
  'mail.unlock.action': 'Anmeldung entsperren',
  'mail.emailInUse.subject': 'Ihre Adresse im Vertrauensraum',
  'mail.emailInUse.text':
    'Ein Mitglied wollte Ihre Adresse für sein Konto verwenden. Das geht nicht, weil Sie mit dieser Adresse schon ein Konto haben; an Ihrem Konto hat sich nichts geändert, und Sie müssen nichts tun.',
  'mail.reconfirmReview.subject': 'Ihre Mitgliedschaft wird erneut geprüft',
  'mail.reconfirmReview.text':
    'Einmal im Jahr bestätigen Mitglieder über ihre dienstliche Adresse, dass sie noch für ihre Organisation arbeiten. Ihre Adresse gehört zu keiner Dienst-Domain Ihrer Organisation, deshalb prüft die Moderation Ihre Mitgliedschaft jetzt erneut. Bis dahin sehen Sie nach der Anmeldung Ihren Status statt des Forums.',
  'mail.reconfirmReview.action': 'Status ansehen',
  'mail.invitation.ignore':
    'Wenn Sie nicht mitmachen möchten, müssen Sie nichts tun: Ohne Ihren Antrag geschieht nichts, und die Einladung verfällt.',
  ...secondFactor.de,
  ...dataRights.de,
} as const

export const en: Record<keyof typeof de, string> = {
  'login.title': 'Sign in',
  'login.email': 'Official e-mail address',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.invalid': 'E-mail address or password is not correct.',
  'login.locked':
    'Too many failed attempts. Please wait 15 minutes or reset your password. If there is an account for this address, we have sent a link to unlock it.',
  'login.forgot': 'Forgot your password?',
  'login.noAccount': 'Not a member yet?',
  'login.signedOut': 'You have been signed out.',
  'register.title': 'Apply for membership',
  'register.intro':
    'Vertrauensraum is open to staff of municipalities, federal states, municipal companies, IT service providers and municipal associations. After you confirm your e-mail address, the moderators review your application.',
  'register.name': 'First and last name',
  'register.email': 'Official e-mail address',
  'register.emailHint':
    'Please use the address of your office, e.g. name@city-example.de – it tells us your organisation.',
  'register.organisation': 'Organisation',
  'register.orgQuery': 'Search organisation',
  'register.orgQueryHint':
    'Name, official municipality key or mail domain, e.g. “Köln”, “05315” or “stadt-koeln.de”.',
  'register.orgSearch': 'Search',
  'register.organisation.missing': 'Please choose your organisation from the search.',
  'register.organisation.chosen': 'Chosen: {name}',
  'register.jobTitle': 'Job title',
  'register.jobTitleHint': 'e.g. digitalisation officer, CDO, head of IT',
  'register.statement': 'Why would you like to join?',
  'register.statementHint': 'A sentence or two for the moderators, at most {max} characters.',
  'register.password': 'Password',
  'register.passwordHint':
    'At least 12 characters. A sentence of several words is easy to remember and safe.',
  'register.submit': 'Send application',
  'register.invited': 'You were invited by {name}. The invitation is for {email}.',
  'register.sent.title': 'Please confirm your e-mail address',
  'register.sent.text':
    'We have sent you an e-mail. Open the link in it and confirm your address. The link is valid for 24 hours.',
  'register.sent.hint': 'No e-mail? Check your spam folder, or sign in and request a new link.',
  'account.password.tooShort': 'The password must be at least {min} characters long.',
  'account.password.common': 'This password is too common. Please choose another one.',
  'account.currentPassword.wrong': 'The current password is not correct.',
  'account.email.same': 'That is already your address.',
  'confirm.title': 'Confirm e-mail address',
  'confirm.text': 'Please confirm with the button that this is your address.',
  'confirm.button': 'Confirm e-mail address',
  'confirm.invalid.title': 'Link invalid or expired',
  'confirm.invalid.text': 'This link has already been used or has expired. Sign in to request a new link.',
  'confirm.done.review':
    'Thank you! Your e-mail address is confirmed. The moderators are now reviewing your application; you will get an e-mail when they have decided.',
  'confirm.done.verified':
    'Thank you! Your e-mail address is confirmed and your organisation is set up for automatic approval. You can sign in now.',
  'reset.request.title': 'Reset password',
  'reset.request.text':
    'Enter your official e-mail address. If there is an account for it, we will send you a link.',
  'reset.request.submit': 'Request link',
  'reset.request.sent':
    'If there is an account for this address, a link is on its way. It is valid for 2 hours.',
  'reset.title': 'Set a new password',
  'reset.password': 'New password',
  'reset.submit': 'Save password',
  'reset.done': 'Your password has been changed. All sessions were ended; please sign in again.',
  'status.title': 'Your membership status',
  'status.pending_email': 'Please first confirm your e-mail address with the link we sent you.',
  'status.pending_review':
    'Your e-mail address is confirmed. The moderators are reviewing your application. Until then you will not see any forum content.',
  'status.rejected': 'Your application was rejected. We have sent you the reason by e-mail.',
  'status.suspended': 'Your membership is suspended.',
  'status.suspendedUntil': 'The suspension ends on {date}.',
  'status.expired':
    'Your membership has expired because you did not re-confirm it in time. Request a new confirmation link; the moderators will then review it again.',
  'status.verified': 'You are a verified member.',
  'status.resend': 'Send a new confirmation link',
  'status.resent': 'A new link is on its way.',
  'status.reconfirmRequest': 'Request confirmation link',
  'account.title': 'My account',
  'account.profile': 'Profile',
  'account.organisation': 'Organisation',
  'account.jobTitle': 'Job title',
  'account.email': 'E-mail address',
  'account.verifiedUntil': 'Membership confirmed until',
  'account.passwordSection': 'Change password',
  'account.currentPassword': 'Current password',
  'account.newPassword': 'New password',
  'account.passwordChanged': 'Your password has been changed. Your other sessions were ended.',
  'account.emailSection': 'Change e-mail address',
  'account.newEmail': 'New official e-mail address',
  'account.emailChangeSent':
    'We have sent a confirmation link to the new address. Your other sessions were ended.',
  'account.emailChanged': 'Your new e-mail address is confirmed.',
  'account.languageSection': 'Language',
  'account.language': 'Language of the interface and e-mails',
  'account.languageSaved': 'The language has been saved.',
  'account.sessionsSection': 'Signed-in devices',
  'account.sessionDevice': 'Device',
  'account.sessionStarted': 'Signed in since',
  'account.sessionLastSeen': 'Last active',
  'account.sessionCurrent': 'this device',
  'account.sessionRevoke': 'Sign out',
  'account.sessionRevoked': 'The session has been ended.',
  'account.unknownDevice': 'Unknown device',
  'account.logoutEverywhere': 'Sign out everywhere',
  'account.logoutEverywhereHint': 'Ends all sessions, including this one.',
  'account.inviteLink': 'Invite a colleague',
  'invite.title': 'Invite a colleague',
  'invite.intro':
    'The invitation is valid for {days, plural, one {# day} other {# days}} for exactly this address. The moderators also review invited people. You can send {perDay, plural, one {one invitation} other {# invitations}} a day.',
  'invite.email': 'Official e-mail address',
  'invite.note': 'Personal message (optional)',
  'invite.submit': 'Send invitation',
  'invite.sent': 'If there is no account for {email} yet, the invitation is on its way.',
  'reconfirm.title': 'Confirm membership',
  'reconfirm.text':
    'Do you still work for your organisation? Then please confirm your membership for another 12 months.',
  'reconfirm.button': 'Yes, confirm membership',
  'reconfirm.done': 'Thank you! Your membership is confirmed for another 12 months.',
  'reconfirm.review': 'Thank you! The moderators will now review your membership again.',
  'emailChange.title': 'Confirm new e-mail address',
  'emailChange.text': 'Please confirm that this new address belongs to you.',
  'emailChange.button': 'Confirm new address',
  'language.de': 'Deutsch',
  'language.en': 'English',
  'mail.confirm.subject': 'Please confirm your e-mail address',
  'mail.greeting': 'Hello {name},',
  'mail.confirm.text':
    'You have applied for membership of Vertrauensraum. Please open the link and confirm your address there. The link is valid for 24 hours.',
  'mail.confirm.action': 'Confirm address',
  'mail.ignore': 'If this was not you, you can ignore this e-mail.',
  'mail.already.subject': 'Your Vertrauensraum account',
  'mail.already.text':
    'Someone tried to register again with your address. You already have an account. If you have forgotten your password, you can reset it.',
  'mail.already.action': 'Reset password',
  'mail.reset.subject': 'Reset your password',
  'mail.reset.text': 'You can set a new password with this link. The link is valid for 2 hours.',
  'mail.reset.action': 'Set new password',
  'mail.changeEmail.subject': 'Confirm your new e-mail address',
  'mail.changeEmail.text':
    'You want to use this address for Vertrauensraum. Please confirm it with the link (valid for 24 hours).',
  'mail.changeEmail.action': 'Confirm new address',
  'mail.approved.subject': 'Welcome to Vertrauensraum',
  'mail.approved.text': 'Your membership has been reviewed and approved. You can sign in now.',
  'mail.approved.action': 'Go to Vertrauensraum',
  'mail.rejected.subject': 'Your membership application',
  'mail.rejected.text': 'Unfortunately your application for membership of Vertrauensraum was rejected.',
  'mail.rejected.reason': "The moderators' reason: {reason}",
  'mail.question.subject': 'A question about your application',
  'mail.question.text': 'The moderators have a question about your application:',
  'mail.question.answer':
    'Please sign in and answer on your status page. For questions about the procedure, contact support: {contact}',
  'mail.question.action': 'Go to the status page',
  'mail.suspended.subject': 'Your membership has been suspended',
  'mail.suspended.text': 'Your membership of Vertrauensraum has been suspended.',
  'mail.suspended.until': 'The suspension ends on {date}.',
  'mail.invitation.subject': 'Invitation to Vertrauensraum',
  'mail.invitation.text':
    '{inviter} invites you to Vertrauensraum, the closed forum for digitalisation in municipalities. The invitation is valid for {days, plural, one {# day} other {# days}}. Even with an invitation, the moderators review your membership.',
  'mail.invitation.note': 'Message from {inviter}: {note}',
  'mail.invitation.action': 'Apply for membership',
  'mail.greetingPlain': 'Hello,',
  'mail.reconfirm.subject': 'Please confirm your membership',
  'mail.reconfirm.text':
    'Once a year members confirm that they still work for their organisation. Please confirm your membership within {graceDays, plural, one {# day} other {# days}} using this link, otherwise it expires.',
  'mail.reconfirm.action': 'Confirm membership',
  'register.orgMissingHint':
    'Your municipality or body is missing from the directory? Choose your district and name the organisation in your statement – the moderators will add it.',
  'login.busy': 'We are checking a great many sign-ins right now. Please try again in a few seconds.',
  'account.currentPassword.locked':
    'Too many wrong attempts. Please wait 15 minutes or reset your password with “Forgot your password?”.',
  'register.name.staff':
    'This name is the same as a moderator’s. Please choose a name that tells you apart, e.g. with a middle name.',
  'account.email.notOfficial':
    'Please use an official address: at {domains}, or at another organisation in the directory that you are moving to.',
  'account.email.notOfficialAnywhere':
    'This address belongs to no organisation in the directory. Please use an official address; if your organisation’s mail domain is missing, write to the moderators.',
  'account.emailChangeSentMove':
    'We have sent a confirmation link to the new address. It belongs to “{organisation}”: when you confirm it, you move to that organisation and the moderators review your membership again. Your other sessions were ended.',
  'account.emailChangedReview':
    'Your new e-mail address is confirmed. It belongs to another organisation, so the moderators are now reviewing your membership again. Until then you will see your status instead of the forum when you sign in.',
  'status.sentToReview':
    'Your address is not at a mail domain of your organisation. The moderators are now reviewing your membership again; you will get an e-mail when they have decided.',
  'unlock.title': 'Unlock sign-in',
  'unlock.text': 'Unlocks signing in to your account and remembers this browser as one of your devices.',
  'unlock.button': 'Unlock sign-in',
  'unlock.done': 'Signing in is unlocked. You can sign in with this browser now.',
  'mail.unlock.subject': 'Signing in to your account is locked',
  'mail.unlock.text':
    'A wrong password was entered several times for your Vertrauensraum account, so signing in is locked for 15 minutes. The link unlocks it at once for the browser you open it in. It is valid for 24 hours.',
  'mail.unlock.notYou':
    'Was this not you? Then someone tried to guess your password, without success. You need not do anything; a long password that you use only here keeps your account safe.',
  'mail.unlock.action': 'Unlock sign-in',
  'mail.emailInUse.subject': 'Your address at Vertrauensraum',
  'mail.emailInUse.text':
    'A member wanted to use your address for their account. That is not possible because you already have an account with this address; nothing about your account has changed, and you need not do anything.',
  'mail.reconfirmReview.subject': 'Your membership is being reviewed again',
  'mail.reconfirmReview.text':
    'Once a year members confirm with their official address that they still work for their organisation. Your address is not at a mail domain of your organisation, so the moderators are now reviewing your membership again. Until then you will see your status instead of the forum when you sign in.',
  'mail.reconfirmReview.action': 'View status',
  'mail.invitation.ignore':
    'If you do not want to join, you need not do anything: nothing happens without your application, and the invitation expires.',
  ...secondFactor.en,
  ...dataRights.en,
}
