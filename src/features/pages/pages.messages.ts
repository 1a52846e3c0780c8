// Messages of the operator pages: Impressum, Leichte Sprache, Gebärdensprache (German first;
// English must have the same keys).
export const de = {
  'layout.imprint': 'Impressum',
  'layout.easyLanguage': 'Leichte Sprache',
  'layout.signLanguage': 'Gebärdensprache',
  'imprint.title': 'Impressum',
  'imprint.operator': 'Betreiber',
  'imprint.unset':
    'Der Betreiber hat das Impressum noch nicht eingerichtet (Einstellungen IMPRINT_NAME und IMPRINT_ADDRESS oder die Datei pages/impressum.md im Datenordner).',
  'imprint.representative': 'Vertreten durch',
  'imprint.contact': 'Kontakt',
  'imprint.email': 'E-Mail',
  'imprint.phone': 'Telefon',
  'imprint.accessibility': 'Für Fragen zur Barrierefreiheit: {email}',
  'easy.title': 'In Leichter Sprache',
  'easy.what.heading': 'Was ist der Vertrauensraum?',
  'easy.what.1': 'Der Vertrauensraum ist ein Forum im Internet.',
  'easy.what.2':
    'Ein Forum ist eine Internet-Seite. Dort schreiben Menschen Beiträge. Andere Menschen antworten darauf.',
  'easy.what.3':
    'Im Vertrauensraum schreiben Menschen, die in einer Gemeinde, einer Stadt oder einem Landkreis arbeiten. Sie kümmern sich um Digitalisierung. Digitalisierung heißt: Die Verwaltung arbeitet mit Computern und dem Internet.',
  'easy.what.4': 'Die Menschen teilen hier Ideen. Auch Ideen, die noch nicht fertig sind.',
  'easy.trust.heading': 'Warum heißt es Vertrauensraum?',
  'easy.trust.1': 'Nur geprüfte Mitglieder können die Beiträge lesen.',
  'easy.trust.2': 'Andere Menschen können die Beiträge nicht sehen.',
  'easy.trust.3':
    'Manche Beiträge sind vertraulich. Dann dürfen Sie darüber sprechen. Aber Sie dürfen niemanden zitieren.',
  'easy.join.heading': 'Wie werde ich Mitglied?',
  'easy.join.1':
    'Sie brauchen eine E-Mail-Adresse von Ihrer Arbeit. Zum Beispiel von Ihrer Stadt-Verwaltung.',
  'easy.join.2': 'Sie füllen ein Formular aus. Das Formular heißt: Registrierung.',
  'easy.join.3': 'Wir schicken Ihnen eine E-Mail. Sie klicken auf den Link in der E-Mail.',
  'easy.join.4':
    'Dann prüft die Moderation Ihren Antrag. Die Moderation sind Menschen, die auf das Forum aufpassen.',
  'easy.join.5':
    'Manchmal hat die Moderation eine Frage. Dann sehen Sie die Frage nach dem Anmelden. Sie können dort antworten.',
  'easy.join.6': 'Danach bekommen Sie eine E-Mail. Dann sind Sie Mitglied.',
  'easy.join.link': 'Hier können Sie sich registrieren.',
  'easy.use.heading': 'Wie benutze ich die Seite?',
  'easy.use.1': 'Oben auf jeder Seite ist ein Menü. Dort finden Sie die wichtigsten Seiten.',
  'easy.use.2': 'Unten auf jeder Seite sind Links. Zum Beispiel zum Impressum und zum Datenschutz.',
  'easy.use.3': 'Sie können die Seite auch mit der Tastatur benutzen.',
  'easy.help.heading': 'Wo bekomme ich Hilfe?',
  'easy.help.1': 'Haben Sie Probleme mit der Seite? Dann schreiben Sie eine E-Mail an: {email}',
  'easy.help.2':
    'Mehr Informationen über die Barrierefreiheit finden Sie in der Erklärung zur Barrierefreiheit.',
  'sign.title': 'Gebärdensprache',
  'sign.text': 'Hier erklären wir den Vertrauensraum in Deutscher Gebärdensprache (DGS).',
  'sign.link': 'Video in Deutscher Gebärdensprache ansehen',
  'sign.none':
    'Ein Video in Deutscher Gebärdensprache gibt es noch nicht. Der Betreiber kann es mit der Einstellung SIGN_LANGUAGE_VIDEO_URL verlinken.',
  'sign.easy': 'Eine Erklärung in Leichter Sprache finden Sie hier.',
} as const

export const en: Record<keyof typeof de, string> = {
  'layout.imprint': 'Imprint',
  'layout.easyLanguage': 'Easy language',
  'layout.signLanguage': 'Sign language',
  'imprint.title': 'Imprint',
  'imprint.operator': 'Operator',
  'imprint.unset':
    'The operator has not set up the imprint yet (settings IMPRINT_NAME and IMPRINT_ADDRESS, or the file pages/impressum.md in the data folder).',
  'imprint.representative': 'Represented by',
  'imprint.contact': 'Contact',
  'imprint.email': 'E-mail',
  'imprint.phone': 'Phone',
  'imprint.accessibility': 'For questions about accessibility: {email}',
  'easy.title': 'In easy language',
  'easy.what.heading': 'What is the Vertrauensraum?',
  'easy.what.1': 'The Vertrauensraum is a forum on the internet.',
  'easy.what.2': 'A forum is a web page. People write posts there. Other people answer them.',
  'easy.what.3':
    'In the Vertrauensraum, people write who work for a town, a city or a district. They take care of digitalisation. Digitalisation means: the administration works with computers and the internet.',
  'easy.what.4': 'People share ideas here. Also ideas that are not finished yet.',
  'easy.trust.heading': 'Why is it called Vertrauensraum (room of trust)?',
  'easy.trust.1': 'Only checked members can read the posts.',
  'easy.trust.2': 'Other people cannot see the posts.',
  'easy.trust.3': 'Some posts are confidential. You may talk about them. But you must not quote anyone.',
  'easy.join.heading': 'How do I become a member?',
  'easy.join.1': 'You need an e-mail address from your work. For example from your city administration.',
  'easy.join.2': 'You fill in a form. The form is called: registration.',
  'easy.join.3': 'We send you an e-mail. You click the link in the e-mail.',
  'easy.join.4':
    'Then the moderators check your application. The moderators are people who look after the forum.',
  'easy.join.5':
    'Sometimes the moderators have a question. You see the question after signing in. You can answer there.',
  'easy.join.6': 'Then you get an e-mail. Now you are a member.',
  'easy.join.link': 'You can register here.',
  'easy.use.heading': 'How do I use the site?',
  'easy.use.1': 'At the top of every page there is a menu. There you find the most important pages.',
  'easy.use.2':
    'At the bottom of every page there are links. For example to the imprint and to data protection.',
  'easy.use.3': 'You can also use the site with the keyboard.',
  'easy.help.heading': 'Where do I get help?',
  'easy.help.1': 'Do you have problems with the site? Then write an e-mail to: {email}',
  'easy.help.2': 'You find more about accessibility in the accessibility statement.',
  'sign.title': 'Sign language',
  'sign.text': 'Here we explain the Vertrauensraum in German Sign Language (DGS).',
  'sign.link': 'Watch the video in German Sign Language',
  'sign.none':
    'There is no video in German Sign Language yet. The operator can link one with the setting SIGN_LANGUAGE_VIDEO_URL.',
  'sign.easy': 'You find an explanation in easy language here.',
}
