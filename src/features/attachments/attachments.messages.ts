// Messages of the attachments feature (German first; English must have the same keys).
export const de = {
  'attachments.field.label': 'Dateien anhängen',
  'attachments.field.hint':
    'PDF, ODF (odt, ods, odp), Word, Excel, PowerPoint, CSV, Text, PNG, JPEG oder WebP; bis zu {maxFiles} Dateien, je höchstens {maxSize}. Nur Mitglieder, die das Thema lesen dürfen, können sie öffnen; per E-Mail werden sie nie verschickt. Bei Fotos entfernen wir die Metadaten (z. B. den Aufnahmeort).',
  'attachments.field.pending': 'Schon hochgeladen (abwählen, um eine Datei nicht mitzuschicken):',
  'attachments.field.remove': '{name} entfernen',
  'attachments.field.progress': '{name} wird hochgeladen',
  'attachments.field.uploaded': '{name} hochgeladen',
  'attachments.error.type':
    '„{name}“ hat keinen erlaubten Dateityp. Erlaubt sind PDF, ODF, Word, Excel, PowerPoint, CSV, Text, PNG, JPEG und WebP.',
  'attachments.error.mismatch':
    'Der Inhalt von „{name}“ passt nicht zur Dateiendung. Bitte prüfen Sie die Datei und hängen Sie sie mit der richtigen Endung an.',
  'attachments.error.markup':
    '„{name}“ enthält HTML, SVG oder XML; solche Dateien können nicht angehängt werden.',
  'attachments.error.tooLarge': '„{name}“ ist zu groß: höchstens {max} je Datei.',
  'attachments.error.quota':
    '„{name}“ passt nicht mehr in Ihren Speicherplatz für Anhänge (insgesamt {max}).',
  'attachments.error.pixels': '„{name}“ hat zu viele Bildpunkte; bitte verkleinern Sie das Bild.',
  'attachments.error.tooMany': 'Höchstens {max} Dateien je Beitrag.',
  'attachments.error.resend': 'Die Dateien kamen vor dem Formular an; bitte wählen Sie sie noch einmal aus.',
  'attachments.error.none': 'Bitte wählen Sie eine Datei aus.',
  'attachments.post.files': 'Anhänge',
  'attachments.post.images': 'Bilder',
  'attachments.file.download': '{name} herunterladen ({type}, {size})',
  'attachments.file.remove': 'Datei entfernen',
  'attachments.thread.documents': 'Dokumente in diesem Thema',
  'attachments.thread.inPost': 'im Beitrag',
  'attachments.organisation.documents': 'Geteilte Dokumente',
  'attachments.organisation.intro':
    'Die neuesten Dateien, die Mitglieder dieser Organisation an Beiträge gehängt haben.',
  'attachments.organisation.inThread': 'in',
  'attachments.count': '{count, plural, one {# Anhang} other {# Anhänge}}',
  'attachments.remove.title': 'Datei entfernen',
  'attachments.remove.text':
    'Die Datei „{name}“ wird aus dem Beitrag entfernt und ist danach für niemanden mehr abrufbar. Das wird im Protokoll vermerkt.',
  'attachments.remove.ownText':
    'Die Datei „{name}“ wird aus Ihrem Beitrag entfernt und ist danach für niemanden mehr abrufbar.',
  'attachments.remove.reason': 'Grund (für das Protokoll)',
  'attachments.remove.submit': 'Datei entfernen',
  'attachments.remove.done': 'Die Datei wurde entfernt.',
  'attachments.admin.title': 'Anhänge und Speicher',
  'attachments.admin.link': 'Anhänge und Speicher',
  'attachments.admin.stored':
    'Gespeichert: {bytes} in {blobs, plural, one {# Datei} other {# Dateien}} (gleiche Dateien nur einmal).',
  'attachments.admin.files':
    '{files, plural, one {# Anhang} other {# Anhänge}} an Beiträgen, zusammen {bytes}; {pending, plural, one {# Datei} other {# Dateien}} in noch nicht abgeschickten Formularen.',
  'attachments.admin.limits':
    'Grenzen: {maxSize} je Datei, {maxFiles} Dateien je Beitrag, {quota} je Mitglied.',
  'attachments.admin.largest': 'Die größten Dateien',
  'attachments.admin.name': 'Datei',
  'attachments.admin.size': 'Größe',
  'attachments.admin.thread': 'Thema',
  'attachments.admin.none': 'Noch keine Anhänge.',
  'audit.attachment.removed': 'Datei von der Moderation entfernt',
  'audit.attachment.removed.text': '{actor} hat eine Datei von {subject} entfernt',
  'audit.detail.file': 'Datei „{name}“ ({size}) an Beitrag {postId}',
} as const

export const en: Record<keyof typeof de, string> = {
  'attachments.field.label': 'Attach files',
  'attachments.field.hint':
    'PDF, ODF (odt, ods, odp), Word, Excel, PowerPoint, CSV, text, PNG, JPEG or WebP; up to {maxFiles} files, at most {maxSize} each. Only members who may read the thread can open them; they are never sent by e-mail. We remove the metadata of photos (such as where they were taken).',
  'attachments.field.pending': 'Already uploaded (untick to leave a file out):',
  'attachments.field.remove': 'Remove {name}',
  'attachments.field.progress': 'Uploading {name}',
  'attachments.field.uploaded': '{name} uploaded',
  'attachments.error.type':
    '“{name}” is not an allowed file type. Allowed are PDF, ODF, Word, Excel, PowerPoint, CSV, text, PNG, JPEG and WebP.',
  'attachments.error.mismatch':
    'The content of “{name}” does not match its file name ending. Please check the file and attach it with the right ending.',
  'attachments.error.markup': '“{name}” contains HTML, SVG or XML; such files cannot be attached.',
  'attachments.error.tooLarge': '“{name}” is too large: at most {max} a file.',
  'attachments.error.quota': '“{name}” no longer fits into your storage for attachments ({max} in all).',
  'attachments.error.pixels': '“{name}” has too many pixels; please make the image smaller.',
  'attachments.error.tooMany': 'At most {max} files a post.',
  'attachments.error.resend': 'The files arrived before the form; please choose them again.',
  'attachments.error.none': 'Please choose a file.',
  'attachments.post.files': 'Attachments',
  'attachments.post.images': 'Images',
  'attachments.file.download': 'Download {name} ({type}, {size})',
  'attachments.file.remove': 'Remove file',
  'attachments.thread.documents': 'Documents in this thread',
  'attachments.thread.inPost': 'in post',
  'attachments.organisation.documents': 'Shared documents',
  'attachments.organisation.intro': 'The latest files members of this organisation attached to posts.',
  'attachments.organisation.inThread': 'in',
  'attachments.count': '{count, plural, one {# attachment} other {# attachments}}',
  'attachments.remove.title': 'Remove file',
  'attachments.remove.text':
    'The file “{name}” will be removed from the post and can then no longer be opened by anyone. This is recorded in the audit log.',
  'attachments.remove.ownText':
    'The file “{name}” will be removed from your post and can then no longer be opened by anyone.',
  'attachments.remove.reason': 'Reason (for the audit log)',
  'attachments.remove.submit': 'Remove file',
  'attachments.remove.done': 'The file was removed.',
  'attachments.admin.title': 'Attachments and storage',
  'attachments.admin.link': 'Attachments and storage',
  'attachments.admin.stored':
    'Stored: {bytes} in {blobs, plural, one {# file} other {# files}} (identical files once).',
  'attachments.admin.files':
    '{files, plural, one {# attachment} other {# attachments}} on posts, {bytes} together; {pending, plural, one {# file} other {# files}} in forms not yet sent.',
  'attachments.admin.limits': 'Limits: {maxSize} a file, {maxFiles} files a post, {quota} a member.',
  'attachments.admin.largest': 'The largest files',
  'attachments.admin.name': 'File',
  'attachments.admin.size': 'Size',
  'attachments.admin.thread': 'Thread',
  'attachments.admin.none': 'No attachments yet.',
  'audit.attachment.removed': 'File removed by the moderators',
  'audit.attachment.removed.text': '{actor} removed a file by {subject}',
  'audit.detail.file': 'File “{name}” ({size}) on post {postId}',
}
