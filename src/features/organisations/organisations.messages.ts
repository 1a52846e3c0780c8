// Messages of the organisations feature (German first; English must have the same keys).
// Others may use `organisation.kind.<kind>` and `organisation.land.<01..16>`.
export const de = {
  'organisation.kind.land': 'Land',
  'organisation.kind.landkreis': 'Landkreis',
  'organisation.kind.kreisfreie_stadt': 'kreisfreie Stadt',
  'organisation.kind.regierungsbezirk': 'Regierungsbezirk',
  'organisation.kind.gemeindeverband': 'Gemeindeverband',
  'organisation.kind.gemeinde': 'Stadt/Gemeinde',
  'organisation.kind.kommunales_unternehmen': 'kommunales Unternehmen',
  'organisation.kind.it_dienstleister': 'kommunaler IT-Dienstleister',
  'organisation.kind.zweckverband': 'Zweckverband',
  'organisation.kind.spitzenverband': 'kommunaler Spitzenverband',
  'organisation.kind.landesverband': 'Landesverband',
  'organisation.kind.kommunaler_verband': 'kommunaler Verband',
  'organisation.land.01': 'Schleswig-Holstein',
  'organisation.land.02': 'Hamburg',
  'organisation.land.03': 'Niedersachsen',
  'organisation.land.04': 'Bremen',
  'organisation.land.05': 'Nordrhein-Westfalen',
  'organisation.land.06': 'Hessen',
  'organisation.land.07': 'Rheinland-Pfalz',
  'organisation.land.08': 'Baden-Württemberg',
  'organisation.land.09': 'Bayern',
  'organisation.land.10': 'Saarland',
  'organisation.land.11': 'Berlin',
  'organisation.land.12': 'Brandenburg',
  'organisation.land.13': 'Mecklenburg-Vorpommern',
  'organisation.land.14': 'Sachsen',
  'organisation.land.15': 'Sachsen-Anhalt',
  'organisation.land.16': 'Thüringen',

  'organisation.field.name': 'Name',
  'organisation.field.nameHint':
    'Der amtliche Name, z. B. „Musterstadt, Stadt“ oder „Stadtwerke Musterstadt GmbH“.',
  'organisation.field.kind': 'Art',
  'organisation.field.kindChoose': '– bitte wählen –',
  'organisation.field.officialKey': 'Amtlicher Schlüssel (AGS / Regionalschlüssel)',
  'organisation.field.officialKeyHint':
    'Nur Ziffern. Land: 2 (z. B. 09), Landkreis und kreisfreie Stadt: 5 (z. B. 09162), Stadt/Gemeinde: Amtlicher Gemeindeschlüssel mit 8 oder Regionalschlüssel mit 12 Ziffern. Unternehmen, IT-Dienstleister und Verbände haben keinen Schlüssel: bitte leer lassen.',
  'organisation.field.land': 'Land',
  'organisation.field.landNone': '– kein Land (bundesweit) –',
  'organisation.field.landHint':
    'Bei Organisationen mit Schlüssel wird das Land aus dem Schlüssel übernommen.',
  'organisation.field.autoApprove': 'Automatisch freischalten',
  'organisation.field.autoApproveHint':
    'Wer eine E-Mail-Adresse auf einer der Dienst-Domains bestätigt, wird sofort Mitglied, ohne Prüfung durch die Moderation. Nur wählen, wenn jede Adresse auf diesen Domains einer beschäftigten Person der Organisation gehört.',
  'organisation.field.domains': 'Dienst-Domains',
  'organisation.field.domainsHint':
    'Eine Domain je Zeile, z. B. stadt-beispiel.de – ohne https://, @ oder /.',

  'organisation.error.kindInvalid': 'Bitte wählen Sie eine Art aus der Liste.',
  'organisation.error.keyRequired': 'Für diese Art ist der amtliche Schlüssel Pflicht.',
  'organisation.error.keyDigits': 'Der Schlüssel besteht nur aus Ziffern, z. B. 09162.',
  'organisation.error.keyLengthLand': 'Ein Land hat einen Schlüssel mit 2 Ziffern, z. B. 09 für Bayern.',
  'organisation.error.keyLengthRegierungsbezirk':
    'Ein Regierungsbezirk hat einen Schlüssel mit 3 Ziffern (Land und Bezirk), z. B. 091 für Oberbayern.',
  'organisation.error.keyLengthVerband':
    'Ein Gemeindeverband hat den Regionalschlüssel mit 9 Ziffern (Kreis und Verband), z. B. 015545401.',
  'organisation.error.keyLengthKreis':
    'Landkreise und kreisfreie Städte haben einen Schlüssel mit 5 Ziffern, z. B. 09162 für München.',
  'organisation.error.keyLengthGemeinde':
    'Für eine Stadt oder Gemeinde bitte den Amtlichen Gemeindeschlüssel (8 Ziffern, z. B. 09184119) oder den Regionalschlüssel (12 Ziffern) angeben.',
  'organisation.error.keyNotAllowed':
    'Unternehmen, IT-Dienstleister und Verbände haben keinen amtlichen Schlüssel. Bitte lassen Sie das Feld leer.',
  'organisation.error.keyLand':
    'Der Schlüssel beginnt mit {prefix}, aber Länderschlüssel gehen von 01 bis 16. Bitte prüfen Sie die ersten beiden Ziffern.',
  'organisation.error.keyTaken': 'Den Schlüssel {key} hat bereits eine andere Organisation: {name}.',
  'organisation.error.landInvalid': 'Bitte wählen Sie ein Land aus der Liste.',
  'organisation.error.landMismatch':
    'Der Schlüssel gehört zu {land}. Bitte wählen Sie dieses Land oder korrigieren Sie den Schlüssel.',
  'organisation.error.domainInvalid':
    'Keine gültige Domain: {list}. Bitte je Zeile nur die Domain angeben, z. B. stadt-beispiel.de – ohne https://, @ oder /.',
  'organisation.error.domainTaken': 'Diese Domain gehört bereits zu einer anderen Organisation: {list}.',
  'organisation.error.tooManyDomains': 'Bitte höchstens {max} Domains angeben.',
  'organisation.error.domainPublic':
    'Öffentliche E-Mail-Anbieter können keine Dienst-Domain sein: {list}. Dort kann jede Person eine Adresse anlegen.',
  'organisation.error.autoApproveAdminOnly':
    'Nur die Administration kann die automatische Freischaltung einschalten.',
  'organisation.field.autoApproveAdminOnly':
    'Nur die Administration kann die automatische Freischaltung einschalten; Moderatorinnen und Moderatoren können sie ausschalten.',

  'organisation.search.title': 'Organisation suchen',
  'organisation.search.label': 'Organisation',
  'organisation.search.hint':
    'Name, amtlicher Schlüssel oder Domain Ihrer E-Mail-Adresse, z. B. „Köln“, „09162“ oder „stadt-beispiel.de“.',
  'organisation.search.submit': 'Suchen',
  'organisation.search.legend': 'Gefundene Organisationen',
  'organisation.search.foundOne': '1 Organisation gefunden',
  'organisation.search.found': '{count} Organisationen gefunden',
  'organisation.search.more': 'Mehr als {count} Organisationen gefunden – bitte genauer suchen',
  'organisation.search.none': 'Keine Organisation gefunden – bitte Namen oder Schlüssel anders schreiben',
  'organisation.search.tooShort': 'Bitte mindestens 2 Zeichen eingeben.',
  'organisation.search.continue': 'Weiter zur Registrierung',
  'organisation.search.proposed':
    'Ihre E-Mail-Adresse gehört zu {name}: diese Organisation ist vorgewählt. Bitte prüfen – Sie können auch eine andere wählen.',
  'organisation.historical': 'historisch',

  'organisation.admin.title': 'Organisationen',
  'organisation.admin.lead':
    'Das Verzeichnis der Organisationen, deren Beschäftigte Mitglied werden können, mit ihren Dienst-Domains.',
  'organisation.admin.new': 'Organisation anlegen',
  'organisation.admin.newTitle': 'Neue Organisation',
  'organisation.admin.editTitle': 'Organisation bearbeiten',
  'organisation.admin.filterTitle': 'Suchen und filtern',
  'organisation.admin.query': 'Name, Schlüssel oder Domain',
  'organisation.admin.kindAll': 'Alle Arten',
  'organisation.admin.filter': 'Anzeigen',
  'organisation.admin.results': 'Ergebnisse',
  'organisation.admin.empty': 'Keine Organisation gefunden.',
  'organisation.admin.domains': 'Domains',
  'organisation.admin.noDomains': 'keine',
  'organisation.admin.actions': 'Aktion',
  'organisation.admin.edit': 'Bearbeiten',
  'organisation.admin.editNamed': '{name} bearbeiten',
  'organisation.admin.autoApproveOn': 'automatisch',
  'organisation.admin.pagination': 'Seiten',
  'organisation.admin.previous': 'Vorherige Seite',
  'organisation.admin.next': 'Nächste Seite',
  'organisation.admin.page': 'Seite {page}',
  'organisation.admin.back': 'Zurück zur Liste',
  'organisation.admin.created': 'Die Organisation wurde angelegt.',
  'organisation.admin.updated': 'Die Änderungen wurden gespeichert.',
  'organisation.admin.unchanged': 'Es gab nichts zu ändern.',
  'organisation.admin.nameKept':
    'Der Name stammt aus dem Gemeindeverzeichnis. Einen hier geänderten Namen behalten spätere Importe bei, bis das Verzeichnis die Organisation selbst umbenennt.',

  'organisation.field.municipalities': 'Kommunen (Schlüssel je Zeile)',
  'organisation.field.municipalitiesHint':
    'Nur für IT-Dienstleister, kommunale Unternehmen, Zweckverbände, Spitzen- und Landesverbände: die Kommunen, zu denen die Organisation gehört oder die sie betreut. Je Zeile ein Amtlicher Gemeindeschlüssel (8 Ziffern), Regionalschlüssel oder Kreisschlüssel (5 Ziffern); der Name dahinter dient nur dem Lesen. Die Suche darunter fügt Zeilen hinzu.',
  'organisation.field.municipalityQuery': 'Kommune suchen',
  'organisation.field.municipalityQueryHint': 'Name, Schlüssel oder Postleitzahl, z. B. „wettr“ oder 05566.',
  'organisation.municipalities.legend': 'Zugehörige oder betreute Kommunen',
  'organisation.municipalities.search': 'Kommune suchen',
  'organisation.municipalities.pick': 'Gefundene Kommunen',
  'organisation.municipalities.add': 'Gewählte Kommune hinzufügen',
  'organisation.municipalities.added':
    'Hinzugefügt: {line}. Noch nicht gespeichert – bitte „Speichern“ wählen.',
  'organisation.municipalities.title': 'Kommunen im Verzeichnis suchen',
  'organisation.error.municipalityInvalid':
    'Jede Zeile beginnt mit einem Schlüssel aus 2 bis 12 Ziffern. Nicht verstanden: {list}.',
  'organisation.error.municipalityUnknown': 'Diese Schlüssel stehen nicht im Verzeichnis: {list}.',
  'organisation.error.municipalitiesNotAllowed':
    'Nur IT-Dienstleister, kommunale Unternehmen, Zweckverbände und Verbände nennen Kommunen; eine Kommune hat ihren Platz im Verzeichnis.',
  'organisation.error.tooManyMunicipalities': 'Bitte höchstens {max} Kommunen angeben.',

  'organisation.admin.historicalLink': 'Mitglieder bei historischen Organisationen',
  'organisation.historicalMembers.title': 'Mitglieder bei historischen Organisationen',
  'organisation.historicalMembers.lead':
    'Diese Organisationen gibt es laut Gemeindeverzeichnis nicht mehr (fusioniert oder aufgelöst). Ihre Mitglieder bleiben, bis sie zur Nachfolgeorganisation verschoben werden; ihr Status ändert sich dabei nicht.',
  'organisation.historicalMembers.member': 'Mitglied',
  'organisation.historicalMembers.status': 'Status',
  'organisation.historicalMembers.organisation': 'Historische Organisation',
  'organisation.historicalMembers.successor': 'Nachfolge',
  'organisation.historicalMembers.since': 'seit {date}',
  'organisation.historicalMembers.none': 'keine bekannt',
  'organisation.historicalMembers.move': 'Zur Nachfolge verschieben',
  'organisation.historicalMembers.moveWho': '{name} zu {successor}',
  'organisation.historicalMembers.choose': 'Organisation wählen',
  'organisation.historicalMembers.more':
    'Es gibt mehr als {count} Einträge; nach dem Verschieben erscheinen die nächsten.',
  'organisation.historicalMembers.empty': 'Niemand ist mehr bei einer historischen Organisation.',
  'organisation.historicalMembers.moved': 'Das Mitglied wurde zur Nachfolgeorganisation verschoben.',
  'organisation.historicalMembers.moveAll': 'Alle zur Nachfolge verschieben',
  'organisation.historicalMembers.moveAllOf': 'alle Mitglieder von {name} zu {successor}',
  'organisation.historicalMembers.movedAll':
    '{moved, plural, one {# Mitglied wurde} other {# Mitglieder wurden}} verschoben{left, plural, =0 {} one {; # blieb (Moderation/Administration oder ohne Nachfolge)} other {; # blieben (Moderation/Administration oder ohne Nachfolge)}}.',
  'organisation.historicalMembers.domainsMoved':
    '{count, plural, =0 {} one {Die E-Mail-Domain ging mit zur Nachfolge.} other {Die # E-Mail-Domains gingen mit zur Nachfolge.}}',
  'organisation.historicalMembers.notHistorical':
    'Das Mitglied ist nicht mehr bei einer historischen Organisation – es gab nichts zu tun.',
  'organisation.historicalMembers.noSuccessor':
    'Für diese Organisation ist keine Nachfolge bekannt: bitte die Organisation auf der Seite des Mitglieds wählen.',
  'organisation.historicalMembers.notAllowed':
    'Dieses Mitglied können Sie nicht verschieben (Moderation und Administration verschiebt die Administration).',
} as const

export const en: Record<keyof typeof de, string> = {
  'organisation.kind.land': 'Federal state',
  'organisation.kind.landkreis': 'District',
  'organisation.kind.kreisfreie_stadt': 'District-free city',
  'organisation.kind.regierungsbezirk': 'Administrative region',
  'organisation.kind.gemeindeverband': 'Association of municipalities',
  'organisation.kind.gemeinde': 'Town/municipality',
  'organisation.kind.kommunales_unternehmen': 'Municipal company',
  'organisation.kind.it_dienstleister': 'Municipal IT provider',
  'organisation.kind.zweckverband': 'Special-purpose association',
  'organisation.kind.spitzenverband': 'National association of local authorities',
  'organisation.kind.landesverband': 'State association of local authorities',
  'organisation.kind.kommunaler_verband': 'Municipal association',
  'organisation.land.01': 'Schleswig-Holstein',
  'organisation.land.02': 'Hamburg',
  'organisation.land.03': 'Lower Saxony',
  'organisation.land.04': 'Bremen',
  'organisation.land.05': 'North Rhine-Westphalia',
  'organisation.land.06': 'Hesse',
  'organisation.land.07': 'Rhineland-Palatinate',
  'organisation.land.08': 'Baden-Württemberg',
  'organisation.land.09': 'Bavaria',
  'organisation.land.10': 'Saarland',
  'organisation.land.11': 'Berlin',
  'organisation.land.12': 'Brandenburg',
  'organisation.land.13': 'Mecklenburg-Western Pomerania',
  'organisation.land.14': 'Saxony',
  'organisation.land.15': 'Saxony-Anhalt',
  'organisation.land.16': 'Thuringia',

  'organisation.field.name': 'Name',
  'organisation.field.nameHint':
    'The official name, e.g. “Musterstadt, Stadt” or “Stadtwerke Musterstadt GmbH”.',
  'organisation.field.kind': 'Kind',
  'organisation.field.kindChoose': '– please choose –',
  'organisation.field.officialKey': 'Official key (AGS / regional key)',
  'organisation.field.officialKeyHint':
    'Digits only. Federal state: 2 (e.g. 09), district and district-free city: 5 (e.g. 09162), town/municipality: official municipality key with 8 or regional key with 12 digits. Companies, IT providers and associations have no key: please leave it empty.',
  'organisation.field.land': 'Federal state',
  'organisation.field.landNone': '– no federal state (nationwide) –',
  'organisation.field.landHint': 'For organisations with a key, the federal state is taken from the key.',
  'organisation.field.autoApprove': 'Approve automatically',
  'organisation.field.autoApproveHint':
    'Whoever confirms an e-mail address on one of the official domains becomes a member at once, without review by the moderators. Only choose this if every address on these domains belongs to a member of staff.',
  'organisation.field.domains': 'Official e-mail domains',
  'organisation.field.domainsHint': 'One domain per line, e.g. city-example.de – without https://, @ or /.',

  'organisation.error.kindInvalid': 'Please choose a kind from the list.',
  'organisation.error.keyRequired': 'This kind of organisation needs its official key.',
  'organisation.error.keyDigits': 'The key consists of digits only, e.g. 09162.',
  'organisation.error.keyLengthLand': 'A federal state has a key of 2 digits, e.g. 09 for Bavaria.',
  'organisation.error.keyLengthRegierungsbezirk':
    'An administrative region has a key of 3 digits (state and region), e.g. 091 for Upper Bavaria.',
  'organisation.error.keyLengthVerband':
    'An association of municipalities has the 9-digit regional key (district and association), e.g. 015545401.',
  'organisation.error.keyLengthKreis':
    'Districts and district-free cities have a key of 5 digits, e.g. 09162 for Munich.',
  'organisation.error.keyLengthGemeinde':
    'For a town or municipality please enter the official municipality key (8 digits, e.g. 09184119) or the regional key (12 digits).',
  'organisation.error.keyNotAllowed':
    'Companies, IT providers and associations have no official key. Please leave the field empty.',
  'organisation.error.keyLand':
    'The key starts with {prefix}, but federal state keys run from 01 to 16. Please check the first two digits.',
  'organisation.error.keyTaken': 'Another organisation already has the key {key}: {name}.',
  'organisation.error.landInvalid': 'Please choose a federal state from the list.',
  'organisation.error.landMismatch':
    'The key belongs to {land}. Please choose that state or correct the key.',
  'organisation.error.domainInvalid':
    'Not a valid domain: {list}. Please enter only the domain, one per line, e.g. city-example.de – without https://, @ or /.',
  'organisation.error.domainTaken': 'This domain already belongs to another organisation: {list}.',
  'organisation.error.tooManyDomains': 'Please enter at most {max} domains.',
  'organisation.error.domainPublic':
    'Public mail providers cannot be an official domain: {list}. Anyone can open an address there.',
  'organisation.error.autoApproveAdminOnly': 'Only administrators can turn on automatic approval.',
  'organisation.field.autoApproveAdminOnly':
    'Only administrators can turn on automatic approval; moderators can turn it off.',

  'organisation.search.title': 'Find an organisation',
  'organisation.search.label': 'Organisation',
  'organisation.search.hint':
    'Name, official key or the domain of your e-mail address, e.g. “Köln”, “09162” or “city-example.de”.',
  'organisation.search.submit': 'Search',
  'organisation.search.legend': 'Organisations found',
  'organisation.search.foundOne': '1 organisation found',
  'organisation.search.found': '{count} organisations found',
  'organisation.search.more': 'More than {count} organisations found – please be more specific',
  'organisation.search.none': 'No organisation found – please try another spelling of the name or key',
  'organisation.search.tooShort': 'Please enter at least 2 characters.',
  'organisation.historical': 'historical',
  'organisation.search.proposed':
    'Your e-mail address belongs to {name}: this organisation has been chosen for you. Please check it – you may choose another one.',
  'organisation.search.continue': 'Continue to registration',

  'organisation.admin.title': 'Organisations',
  'organisation.admin.lead':
    'The directory of organisations whose staff can become members, with their official domains.',
  'organisation.admin.new': 'Add organisation',
  'organisation.admin.newTitle': 'New organisation',
  'organisation.admin.editTitle': 'Edit organisation',
  'organisation.admin.filterTitle': 'Search and filter',
  'organisation.admin.query': 'Name, key or domain',
  'organisation.admin.kindAll': 'All kinds',
  'organisation.admin.filter': 'Show',
  'organisation.admin.results': 'Results',
  'organisation.admin.empty': 'No organisation found.',
  'organisation.admin.domains': 'Domains',
  'organisation.admin.noDomains': 'none',
  'organisation.admin.actions': 'Action',
  'organisation.admin.edit': 'Edit',
  'organisation.admin.editNamed': 'Edit {name}',
  'organisation.admin.autoApproveOn': 'automatic',
  'organisation.admin.pagination': 'Pages',
  'organisation.admin.previous': 'Previous page',
  'organisation.admin.next': 'Next page',
  'organisation.admin.page': 'Page {page}',
  'organisation.admin.back': 'Back to the list',
  'organisation.admin.created': 'The organisation has been added.',
  'organisation.admin.updated': 'Your changes have been saved.',
  'organisation.admin.unchanged': 'There was nothing to change.',
  'organisation.admin.nameKept':
    'The name comes from the Gemeindeverzeichnis. A name changed here is kept by later imports until the register renames the organisation itself.',

  'organisation.field.municipalities': 'Municipalities (one key per line)',
  'organisation.field.municipalitiesHint':
    'Only for IT providers, municipal companies, special-purpose and local-authority associations: the municipalities the organisation belongs to or serves. One official municipality key (8 digits), regional key or district key (5 digits) per line; the name after it is for reading only. The search below adds lines.',
  'organisation.field.municipalityQuery': 'Find a municipality',
  'organisation.field.municipalityQueryHint': 'Name, key or postcode, e.g. “wettr” or 05566.',
  'organisation.municipalities.legend': 'Municipalities it belongs to or serves',
  'organisation.municipalities.search': 'Find municipality',
  'organisation.municipalities.pick': 'Municipalities found',
  'organisation.municipalities.add': 'Add the chosen municipality',
  'organisation.municipalities.added': 'Added: {line}. Not saved yet – please choose “Save”.',
  'organisation.municipalities.title': 'Find municipalities in the directory',
  'organisation.error.municipalityInvalid':
    'Each line starts with a key of 2 to 12 digits. Not understood: {list}.',
  'organisation.error.municipalityUnknown': 'These keys are not in the directory: {list}.',
  'organisation.error.municipalitiesNotAllowed':
    'Only IT providers, municipal companies and associations name municipalities; a municipality has its place in the register.',
  'organisation.error.tooManyMunicipalities': 'Please name at most {max} municipalities.',

  'organisation.admin.historicalLink': 'Members at historical organisations',
  'organisation.historicalMembers.title': 'Members at historical organisations',
  'organisation.historicalMembers.lead':
    'According to the Gemeindeverzeichnis these organisations no longer exist (merged or dissolved). Their members stay until they are moved to the successor; their status does not change.',
  'organisation.historicalMembers.member': 'Member',
  'organisation.historicalMembers.status': 'Status',
  'organisation.historicalMembers.organisation': 'Historical organisation',
  'organisation.historicalMembers.successor': 'Successor',
  'organisation.historicalMembers.since': 'since {date}',
  'organisation.historicalMembers.none': 'none known',
  'organisation.historicalMembers.move': 'Move to the successor',
  'organisation.historicalMembers.moveWho': '{name} to {successor}',
  'organisation.historicalMembers.choose': 'Choose an organisation',
  'organisation.historicalMembers.more':
    'There are more than {count} entries; the next appear once these are moved.',
  'organisation.historicalMembers.empty': 'Nobody is at a historical organisation any more.',
  'organisation.historicalMembers.moved': 'The member has been moved to the successor.',
  'organisation.historicalMembers.moveAll': 'Move all to the successor',
  'organisation.historicalMembers.moveAllOf': 'all members of {name} to {successor}',
  'organisation.historicalMembers.movedAll':
    '{moved, plural, one {# member was} other {# members were}} moved{left, plural, =0 {} one {; # stayed (staff or no successor)} other {; # stayed (staff or no successor)}}.',
  'organisation.historicalMembers.domainsMoved':
    '{count, plural, =0 {} one {The e-mail domain went to the successor too.} other {The # e-mail domains went to the successor too.}}',
  'organisation.historicalMembers.notHistorical':
    'The member is no longer at a historical organisation – there was nothing to do.',
  'organisation.historicalMembers.noSuccessor':
    'No successor is known for this organisation: please choose the organisation on the member’s page.',
  'organisation.historicalMembers.notAllowed':
    'You cannot move this member (administrators move moderators and administrators).',
}
