// Messages of the second factor (German first; English must have the same keys).
export const de = {
  'secondFactor.code': 'Sechsstelliger Code aus der App',
  'secondFactor.codeHint': 'Die sechs Ziffern, die Ihre Authenticator-App gerade anzeigt.',
  'secondFactor.recoveryCode': 'Wiederherstellungscode',
  'secondFactor.recoveryCodeHint':
    'Einer der zehn Codes, die Sie bei der Einrichtung gespeichert haben, z. B. „k7qm-2xfp-9rtd".',
  'secondFactor.wrongCode':
    'Der Code stimmt nicht. Bitte geben Sie den Code ein, den Ihre App gerade anzeigt.',
  'secondFactor.usedCode':
    'Dieser Code wurde schon benutzt. Bitte warten Sie auf den nächsten Code Ihrer App.',
  'secondFactor.wrongRecoveryCode': 'Dieser Wiederherstellungscode stimmt nicht oder wurde schon benutzt.',
  'secondFactor.locked':
    'Zu viele falsche Codes. Bitte warten Sie 15 Minuten. Wir haben Sie per E-Mail benachrichtigt.',
  'secondFactor.notEnrolled': 'Für dieses Konto ist kein zweiter Faktor eingerichtet.',
  'secondFactor.unreadable':
    'Ihr zweiter Faktor kann nicht mehr geprüft werden. Bitte melden Sie sich mit einem Wiederherstellungscode an oder wenden Sie sich an die Administration.',
  'secondFactor.signIn.title': 'Anmeldung bestätigen',
  'secondFactor.signIn.intro':
    'Ihr Passwort stimmt. Bitte bestätigen Sie die Anmeldung mit Ihrem zweiten Faktor.',
  'secondFactor.signIn.submit': 'Bestätigen',
  'secondFactor.signIn.recoveryHeading': 'Kein Zugriff auf Ihre App?',
  'secondFactor.signIn.recoverySubmit': 'Mit Wiederherstellungscode anmelden',
  'secondFactor.signIn.cancel': 'Abbrechen und abmelden',
  'secondFactor.enrol.title': 'Zweiten Faktor einrichten',
  'secondFactor.enrol.mandatory':
    'Moderation und Administration melden sich immer mit einem zweiten Faktor an. Bitte richten Sie ihn jetzt ein; vorher ist nichts anderes erreichbar.',
  'secondFactor.enrol.optional':
    'Mit einem zweiten Faktor kann niemand Ihr Konto nur mit Ihrem Passwort öffnen.',
  'secondFactor.enrol.step1':
    'Öffnen Sie eine Authenticator-App (z. B. FreeOTP, Aegis, Google Authenticator, Microsoft Authenticator) und scannen Sie den QR-Code.',
  'secondFactor.enrol.qrAlt': 'QR-Code zum Einrichten in Ihrer Authenticator-App',
  'secondFactor.enrol.manual':
    'Oder geben Sie diesen Schlüssel von Hand ein (zeitbasiert, 6 Ziffern, 30 Sekunden):',
  'secondFactor.enrol.step2': 'Geben Sie dann den Code ein, den die App anzeigt.',
  'secondFactor.enrol.submit': 'Einrichten',
  'secondFactor.enrolled':
    'Der zweite Faktor ist eingerichtet. Andere Sitzungen Ihres Kontos wurden beendet.',
  'secondFactor.codes.title': 'Ihre Wiederherstellungscodes',
  'secondFactor.codes.renewed': 'Neue Wiederherstellungscodes wurden erstellt; die alten gelten nicht mehr.',
  'secondFactor.codes.once':
    'Bewahren Sie diese zehn Codes sicher auf (ausdrucken oder im Passwort-Manager). Jeder Code gilt einmal, wenn Sie Ihre App nicht zur Hand haben. Sie werden nur jetzt angezeigt.',
  'secondFactor.codes.continue': 'Ich habe die Codes gespeichert – weiter',
  'secondFactor.manage.title': 'Zweiter Faktor',
  'secondFactor.manage.enrolledSince': 'Eingerichtet am {date}.',
  'secondFactor.manage.codesLeft':
    '{count, plural, =0 {Sie haben keinen Wiederherstellungscode mehr.} one {Sie haben noch # Wiederherstellungscode.} other {Sie haben noch # Wiederherstellungscodes.}}',
  'secondFactor.manage.renew': 'Neue Wiederherstellungscodes erstellen',
  'secondFactor.manage.disable': 'Zweiten Faktor ausschalten',
  'secondFactor.manage.staffKeeps': 'Für Moderation und Administration ist der zweite Faktor Pflicht.',
  'secondFactor.disabled': 'Der zweite Faktor ist ausgeschaltet.',
  'secondFactor.recoveryCodeUsed':
    '{count, plural, =0 {Sie haben Ihren letzten Wiederherstellungscode benutzt. Bitte erstellen Sie unter „Zweiter Faktor" neue.} one {Sie haben einen Wiederherstellungscode benutzt; noch # übrig.} other {Sie haben einen Wiederherstellungscode benutzt; noch # übrig.}}',
  'secondFactor.stepUp.title': 'Bitte bestätigen Sie mit Ihrem zweiten Faktor',
  'secondFactor.stepUp.intro':
    'Für diese Aktion fragen wir den zweiten Faktor erneut ab, wenn die letzte Bestätigung länger als 15 Minuten her ist. Ihre Eingaben bleiben erhalten.',
  'secondFactor.stepUp.submit': 'Bestätigen und fortfahren',
  'secondFactor.account.section': 'Zweiter Faktor',
  'secondFactor.account.on': 'Eingeschaltet.',
  'secondFactor.account.off': 'Nicht eingerichtet.',
  'secondFactor.account.link': 'Zweiten Faktor verwalten',
  'secondFactor.reset.title': 'Zweiter Faktor',
  'secondFactor.reset.hint':
    'Wenn das Mitglied sein Gerät und seine Wiederherstellungscodes verloren hat: Der zweite Faktor wird entfernt, alle Sitzungen enden, das Mitglied wird per E-Mail benachrichtigt und richtet ihn bei der nächsten Anmeldung neu ein.',
  'secondFactor.reset.submit': 'Zweiten Faktor zurücksetzen',
  'secondFactor.resetDone': 'Der zweite Faktor wurde zurückgesetzt.',
  'secondFactor.resetNothing': 'Für dieses Mitglied war kein zweiter Faktor eingerichtet.',
  'mail.secondFactorEnrolled.subject': 'Zweiter Faktor eingerichtet',
  'mail.secondFactorEnrolled.text':
    'Für Ihr Konto wurde soeben ein zweiter Faktor (Authenticator-App) eingerichtet. Andere Sitzungen wurden beendet.',
  'mail.secondFactor.notYou':
    'Wenn Sie das nicht waren, ändern Sie bitte sofort Ihr Passwort und wenden Sie sich an die Administration.',
  'mail.recoveryCodeUsed.subject': 'Wiederherstellungscode benutzt',
  'mail.recoveryCodeUsed.text':
    '{left, plural, =0 {Bei der Anmeldung wurde einer Ihrer Wiederherstellungscodes benutzt. Sie haben keinen mehr; bitte erstellen Sie neue.} one {Bei der Anmeldung wurde einer Ihrer Wiederherstellungscodes benutzt. Sie haben noch # Code.} other {Bei der Anmeldung wurde einer Ihrer Wiederherstellungscodes benutzt. Sie haben noch # Codes.}}',
  'mail.recoveryCodesRenewed.subject': 'Neue Wiederherstellungscodes',
  'mail.recoveryCodesRenewed.text':
    'Für Ihr Konto wurden neue Wiederherstellungscodes erstellt. Die bisherigen gelten nicht mehr.',
  'mail.secondFactorDisabled.subject': 'Zweiter Faktor ausgeschaltet',
  'mail.secondFactorDisabled.text': 'Der zweite Faktor Ihres Kontos wurde ausgeschaltet.',
  'mail.secondFactorReset.subject': 'Zweiter Faktor zurückgesetzt',
  'mail.secondFactorReset.text':
    'Die Administration hat den zweiten Faktor Ihres Kontos zurückgesetzt. Alle Sitzungen wurden beendet. Bei der nächsten Anmeldung richten Sie ihn neu ein.',
  'mail.secondFactorLocked.subject': 'Falsche Codes bei der Anmeldung',
  'mail.secondFactorLocked.text':
    'Bei der Anmeldung zu Ihrem Konto wurde Ihr Passwort richtig, der Code des zweiten Faktors aber mehrmals falsch eingegeben. Für 15 Minuten werden keine Codes angenommen.',
  'mail.secondFactorLocked.notYou':
    'Wenn Sie das nicht waren, kennt jemand Ihr Passwort: Bitte ändern Sie es sofort.',
  'mail.secondFactor.action': 'Zum Konto',
  'audit.second_factor.enrolled': 'Zweiter Faktor eingerichtet',
  'audit.second_factor.enrolled.text': '{actor} hat einen zweiten Faktor eingerichtet',
  'audit.second_factor.failed': 'Falscher Code',
  'audit.second_factor.failed.text': '{actor} hat einen falschen Code für den zweiten Faktor eingegeben',
  'audit.second_factor.locked': 'Codes gesperrt',
  'audit.second_factor.locked.text':
    'Nach zu vielen falschen Codes nimmt das Konto von {subject} vorerst keine Codes an',
  'audit.second_factor.recovery_code_used': 'Wiederherstellungscode benutzt',
  'audit.second_factor.recovery_code_used.text': '{actor} hat einen Wiederherstellungscode benutzt',
  'audit.second_factor.recovery_codes_renewed': 'Neue Wiederherstellungscodes',
  'audit.second_factor.recovery_codes_renewed.text': '{actor} hat neue Wiederherstellungscodes erstellt',
  'audit.second_factor.disabled': 'Zweiter Faktor ausgeschaltet',
  'audit.second_factor.disabled.text': '{actor} hat den zweiten Faktor ausgeschaltet',
  'audit.second_factor.reset': 'Zweiter Faktor zurückgesetzt',
  'audit.second_factor.reset.text': '{actor} hat den zweiten Faktor von {subject} zurückgesetzt',
} as const

export const en: Record<keyof typeof de, string> = {
  'secondFactor.code': 'Six-digit code from the app',
  'secondFactor.codeHint': 'The six digits your authenticator app shows right now.',
  'secondFactor.recoveryCode': 'Recovery code',
  'secondFactor.recoveryCodeHint':
    'One of the ten codes you saved when setting it up, e.g. "k7qm-2xfp-9rtd".',
  'secondFactor.wrongCode': 'The code is not right. Please enter the code your app shows right now.',
  'secondFactor.usedCode': 'This code has been used already. Please wait for the next code in your app.',
  'secondFactor.wrongRecoveryCode': 'This recovery code is not right or has been used already.',
  'secondFactor.locked': 'Too many wrong codes. Please wait 15 minutes. We have let you know by e-mail.',
  'secondFactor.notEnrolled': 'This account has no second factor.',
  'secondFactor.unreadable':
    'Your second factor can no longer be checked. Please sign in with a recovery code or contact the administrators.',
  'secondFactor.signIn.title': 'Confirm sign-in',
  'secondFactor.signIn.intro': 'Your password is right. Please confirm signing in with your second factor.',
  'secondFactor.signIn.submit': 'Confirm',
  'secondFactor.signIn.recoveryHeading': 'No access to your app?',
  'secondFactor.signIn.recoverySubmit': 'Sign in with a recovery code',
  'secondFactor.signIn.cancel': 'Cancel and sign out',
  'secondFactor.enrol.title': 'Set up a second factor',
  'secondFactor.enrol.mandatory':
    'Moderators and administrators always sign in with a second factor. Please set it up now; nothing else can be reached before.',
  'secondFactor.enrol.optional':
    'With a second factor nobody can open your account with your password alone.',
  'secondFactor.enrol.step1':
    'Open an authenticator app (e.g. FreeOTP, Aegis, Google Authenticator, Microsoft Authenticator) and scan the QR code.',
  'secondFactor.enrol.qrAlt': 'QR code for setting up your authenticator app',
  'secondFactor.enrol.manual': 'Or type this key in by hand (time-based, 6 digits, 30 seconds):',
  'secondFactor.enrol.step2': 'Then enter the code the app shows.',
  'secondFactor.enrol.submit': 'Set up',
  'secondFactor.enrolled': 'The second factor is set up. Other sessions of your account were ended.',
  'secondFactor.codes.title': 'Your recovery codes',
  'secondFactor.codes.renewed': 'New recovery codes were made; the old ones no longer work.',
  'secondFactor.codes.once':
    'Keep these ten codes safe (print them or put them in a password manager). Each code works once when you do not have your app at hand. They are shown only now.',
  'secondFactor.codes.continue': 'I have saved the codes – continue',
  'secondFactor.manage.title': 'Second factor',
  'secondFactor.manage.enrolledSince': 'Set up on {date}.',
  'secondFactor.manage.codesLeft':
    '{count, plural, =0 {You have no recovery codes left.} one {You have # recovery code left.} other {You have # recovery codes left.}}',
  'secondFactor.manage.renew': 'Make new recovery codes',
  'secondFactor.manage.disable': 'Turn the second factor off',
  'secondFactor.manage.staffKeeps': 'For moderators and administrators the second factor is mandatory.',
  'secondFactor.disabled': 'The second factor is turned off.',
  'secondFactor.recoveryCodeUsed':
    '{count, plural, =0 {You used your last recovery code. Please make new ones under "Second factor".} one {You used a recovery code; # left.} other {You used a recovery code; # left.}}',
  'secondFactor.stepUp.title': 'Please confirm with your second factor',
  'secondFactor.stepUp.intro':
    'For this action we ask for the second factor again when it was last given more than 15 minutes ago. What you entered is kept.',
  'secondFactor.stepUp.submit': 'Confirm and continue',
  'secondFactor.account.section': 'Second factor',
  'secondFactor.account.on': 'Turned on.',
  'secondFactor.account.off': 'Not set up.',
  'secondFactor.account.link': 'Manage the second factor',
  'secondFactor.reset.title': 'Second factor',
  'secondFactor.reset.hint':
    'When the member has lost their device and their recovery codes: the second factor is removed, all sessions end, the member is told by e-mail and sets it up again at the next sign-in.',
  'secondFactor.reset.submit': 'Reset the second factor',
  'secondFactor.resetDone': 'The second factor was reset.',
  'secondFactor.resetNothing': 'This member had no second factor.',
  'mail.secondFactorEnrolled.subject': 'Second factor set up',
  'mail.secondFactorEnrolled.text':
    'A second factor (authenticator app) was just set up for your account. Other sessions were ended.',
  'mail.secondFactor.notYou':
    'If this was not you, please change your password at once and contact the administrators.',
  'mail.recoveryCodeUsed.subject': 'Recovery code used',
  'mail.recoveryCodeUsed.text':
    '{left, plural, =0 {One of your recovery codes was used to sign in. You have none left; please make new ones.} one {One of your recovery codes was used to sign in. You have # code left.} other {One of your recovery codes was used to sign in. You have # codes left.}}',
  'mail.recoveryCodesRenewed.subject': 'New recovery codes',
  'mail.recoveryCodesRenewed.text':
    'New recovery codes were made for your account. The previous ones no longer work.',
  'mail.secondFactorDisabled.subject': 'Second factor turned off',
  'mail.secondFactorDisabled.text': 'The second factor of your account was turned off.',
  'mail.secondFactorReset.subject': 'Second factor reset',
  'mail.secondFactorReset.text':
    'The administrators have reset the second factor of your account. All sessions were ended. You set it up again at your next sign-in.',
  'mail.secondFactorLocked.subject': 'Wrong codes when signing in',
  'mail.secondFactorLocked.text':
    'When signing in to your account your password was right, but the second-factor code was wrong several times. No codes are accepted for 15 minutes.',
  'mail.secondFactorLocked.notYou':
    'If this was not you, someone knows your password: please change it at once.',
  'mail.secondFactor.action': 'To your account',
  'audit.second_factor.enrolled': 'Second factor set up',
  'audit.second_factor.enrolled.text': '{actor} set up a second factor',
  'audit.second_factor.failed': 'Wrong code',
  'audit.second_factor.failed.text': '{actor} entered a wrong second-factor code',
  'audit.second_factor.locked': 'Codes locked',
  'audit.second_factor.locked.text':
    'After too many wrong codes the account of {subject} accepts no codes for now',
  'audit.second_factor.recovery_code_used': 'Recovery code used',
  'audit.second_factor.recovery_code_used.text': '{actor} used a recovery code',
  'audit.second_factor.recovery_codes_renewed': 'New recovery codes',
  'audit.second_factor.recovery_codes_renewed.text': '{actor} made new recovery codes',
  'audit.second_factor.disabled': 'Second factor turned off',
  'audit.second_factor.disabled.text': '{actor} turned the second factor off',
  'audit.second_factor.reset': 'Second factor reset',
  'audit.second_factor.reset.text': '{actor} reset the second factor of {subject}',
}
