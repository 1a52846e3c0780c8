// Messages shared by every page (layout, forms, errors, public pages). Each feature keeps
// its own messages in src/features/<name>/<name>.messages.ts; index.ts merges them.
export const de = {
  'app.name': 'Vertrauensraum',
  'app.tagline': 'Der geschützte Raum für die Digitalisierung in Kommunen',
  'layout.skipLink': 'Zum Inhalt springen',
  'layout.mainNav': 'Hauptnavigation',
  'layout.footerNav': 'Weitere Informationen',
  'layout.home': 'Startseite',
  'layout.login': 'Anmelden',
  'layout.register': 'Registrieren',
  'layout.logout': 'Abmelden',
  'layout.account': 'Mein Konto',
  'layout.moderation': 'Moderation',
  'layout.admin': 'Verwaltung',
  'layout.about': 'Über den Vertrauensraum',
  'layout.accessibility': 'Barrierefreiheit',
  'layout.privacy': 'Datenschutz',
  'layout.signedInAs': 'Angemeldet als {name}',
  'layout.loading': 'Wird geladen …',
  'form.required': 'Pflichtfeld',
  'form.errorSummary': 'Bitte korrigieren Sie {count, plural, one {eine Angabe} other {# Angaben}}:',
  'form.errorTitle': 'Fehler: {title}',
  'form.submit': 'Absenden',
  'form.save': 'Speichern',
  'form.cancel': 'Abbrechen',
  'form.maxLength': 'höchstens {max} Zeichen',
  'validation.required': 'Bitte füllen Sie dieses Feld aus.',
  'validation.tooLong': 'Bitte höchstens {max} Zeichen eingeben.',
  'validation.tooShort': 'Bitte mindestens {min} Zeichen eingeben.',
  'validation.invalid': 'Diese Angabe ist ungültig.',
  'validation.email': 'Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@stadt-beispiel.de.',
  'landing.title': 'Willkommen im Vertrauensraum',
  'landing.lead':
    'Ein geschlossenes Forum für Menschen, die in Kommunen die Digitalisierung voranbringen: CDOs, Digitalisierungsbeauftragte, IT-Leitungen und Beschäftigte kommunaler Unternehmen.',
  'landing.promiseTitle': 'Zwei Versprechen',
  'landing.promiseMembers':
    'Drinnen sind nur geprüfte Beschäftigte von Kommunen und kommunalen Einrichtungen.',
  'landing.promiseLeaks': 'Was drinnen besprochen wird, bleibt drinnen – auch vage Ideen.',
  'landing.loginCta': 'Anmelden',
  'landing.registerCta': 'Mitgliedschaft beantragen',
  'error.notFound.title': 'Seite nicht gefunden',
  'error.notFound.text': 'Diese Seite gibt es nicht oder nicht mehr.',
  'error.forbidden.title': 'Kein Zugriff',
  'error.forbidden.text': 'Für diese Seite fehlen Ihnen die Rechte.',
  'error.csrf.title': 'Formular abgelaufen',
  'error.csrf.text':
    'Das Formular war veraltet. Bitte laden Sie die Seite neu und senden Sie es noch einmal.',
  'error.badRequest.title': 'Ungültige Anfrage',
  'error.badRequest.text': 'Die Anfrage konnte nicht verarbeitet werden.',
  'error.tooMany.title': 'Zu viele Versuche',
  'error.tooMany.text': 'Bitte warten Sie einen Moment und versuchen Sie es dann erneut.',
  'error.server.title': 'Ein Fehler ist aufgetreten',
  'error.server.text':
    'Das hat nicht geklappt. Wir haben den Fehler protokolliert. Bitte versuchen Sie es später noch einmal.',
  'error.unavailable.title': 'Vorübergehend nicht erreichbar',
  'error.unavailable.text':
    'Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut.',
  'error.reference': 'Fehlernummer: {id}',
  'error.backHome': 'Zur Startseite',
  'home.title': 'Übersicht',
  'home.welcome': 'Willkommen, {name}.',
  'about.title': 'Über den Vertrauensraum',
  'about.text':
    'Der Vertrauensraum ist ein geschlossenes Forum für Beschäftigte von Kommunen, Ländern, kommunalen Unternehmen, IT-Dienstleistern und kommunalen Verbänden. Jede Mitgliedschaft wird von Moderatorinnen und Moderatoren anhand eines Verzeichnisses echter Organisationen geprüft.',
  'about.dataTitle': 'Quellen des Organisationsverzeichnisses',
  'about.dataText': 'Das Verzeichnis wurde aus offenen Daten angelegt und wird von der Moderation ergänzt:',
  'about.dataKreise':
    'Landkreise und kreisfreie Städte mit Amtlichem Gemeindeschlüssel: npm-Paket „landkreise-deutschland“ (Alexander Wunschik), Daten des Statistischen Bundesamts (Destatis), Lizenz CC BY 4.0.',
  'about.dataLaender':
    'Länder, Regierungsbezirke, Kreise, Gemeindeverbände und Gemeinden mit Schlüsseln, Einwohnerzahlen, Postleitzahlen und Koordinaten: © Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys (Stand 31.12.2020), Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0).',
  'about.softwareTitle': 'Software',
  'about.softwareText': 'Der Vertrauensraum ist freie Software und kann selbst betrieben werden.',
  'a11y.title': 'Erklärung zur Barrierefreiheit',
  'a11y.intro':
    'Wir möchten, dass alle Mitglieder den Vertrauensraum ohne Barrieren nutzen können. Diese Erklärung gilt für diese Website und folgt der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0).',
  'a11y.statusTitle': 'Stand der Vereinbarkeit',
  'a11y.statusText':
    'Diese Website soll die Anforderungen der BITV 2.0 und der WCAG 2.1 auf Stufe AA erfüllen. Jede Seitenart wird bei jeder Änderung automatisch in einem echten Browser geprüft. Sollten Sie dennoch auf eine Barriere stoßen, sagen Sie uns bitte Bescheid.',
  'a11y.howTitle': 'Wie wir prüfen',
  'a11y.howText':
    'Alle Seiten funktionieren ohne JavaScript, lassen sich vollständig mit der Tastatur bedienen, sind bei 200 % Vergrößerung und 320 Pixel Breite nutzbar und werden mit axe-core und html-validate geprüft.',
  'a11y.feedbackTitle': 'Feedback und Kontakt',
  'a11y.feedbackText':
    'Sie können uns Mängel bei der Barrierefreiheit melden oder Informationen in einer anderen Form anfordern. Schreiben Sie uns an:',
  'a11y.enforcementTitle': 'Schlichtungsverfahren',
  'a11y.enforcementText':
    'Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die Schlichtungsstelle nach § 16 des Behindertengleichstellungsgesetzes (BGG) oder an die für Ihr Land zuständige Durchsetzungsstelle wenden.',
  'a11y.date': 'Diese Erklärung wurde am 24. November 2026 erstellt.',
  'privacy.title': 'Datenschutz',
  'privacy.text':
    'Der Vertrauensraum speichert nur, was für eine geprüfte Mitgliedschaft und die Diskussion nötig ist: Name, dienstliche E-Mail-Adresse, Organisation, Funktion, Ihre Beiträge und ein Protokoll sicherheitsrelevanter Ereignisse. Inhalte werden nicht an Dritte weitergegeben.',
  'privacy.cookies':
    'Wir setzen ein einziges, technisch notwendiges Cookie für Ihre Anmeldung. Es gibt keine Analyse- oder Werbe-Cookies und keine Inhalte von fremden Servern.',
  'privacy.contact': 'Fragen zum Datenschutz:',
} as const
