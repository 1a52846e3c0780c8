// A German vocabulary for the search benchmark, ranked for Zipf-like sampling: function words
// first, then the words of municipal digitalisation (nouns with plurals, verbs, adjectives,
// compounds) shuffled among each other, then a long tail of rare names and coinages.
// Deterministic: the same list on every run.

const functionWords =
  `der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an
werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber
vor zur bis mehr durch man dann soll wir ihr unsere unser schon wenn sehr hier viele ganz immer wieder jetzt also
damit dort gibt kann können müssen sollte würde wurde haben uns euch diese dieser dieses beim ohne gegen seit`
    .split(/\s+/)
    .filter(Boolean)

// Singular|plural of nouns from the forum's world.
const nouns = `Verwaltung|Verwaltungen Kommune|Kommunen Gemeinde|Gemeinden Stadt|Städte Landkreis|Landkreise
Antrag|Anträge Amt|Ämter Bürger|Bürger Bürgerin|Bürgerinnen Chatbot|Chatbots Ausschreibung|Ausschreibungen
Digitalisierung|Digitalisierungen Projekt|Projekte Pilot|Piloten Konzept|Konzepte Idee|Ideen Erfahrung|Erfahrungen
Rechenzentrum|Rechenzentren Fachverfahren|Fachverfahren Schnittstelle|Schnittstellen Datenschutz|Datenschutz
Dienstleister|Dienstleister Lösung|Lösungen Software|Software Plattform|Plattformen Portal|Portale
Onlinedienst|Onlinedienste Leistung|Leistungen Akte|Akten Prozess|Prozesse Daten|Daten Sensor|Sensoren
Netzwerk|Netzwerke Server|Server Cloud|Clouds Lizenz|Lizenzen Vertrag|Verträge Kosten|Kosten Haushalt|Haushalte
Personalrat|Personalräte Mitarbeiterin|Mitarbeiterinnen Mitarbeiter|Mitarbeiter Team|Teams Fachbereich|Fachbereiche
Bürgerbüro|Bürgerbüros Bürgeranfrage|Bürgeranfragen Rathaus|Rathäuser Rat|Räte Gemeinderat|Gemeinderäte
Bürgermeisterin|Bürgermeisterinnen Kreistag|Kreistage Beschluss|Beschlüsse Strategie|Strategien Ziel|Ziele
Förderung|Förderungen Fördermittel|Fördermittel Zuschuss|Zuschüsse Land|Länder Bund|Bünde Gesetz|Gesetze
Verordnung|Verordnungen Richtlinie|Richtlinien Vorgabe|Vorgaben Standard|Standards Schulung|Schulungen
Workshop|Workshops Leitfaden|Leitfäden Vorlage|Vorlagen Formular|Formulare Termin|Termine Terminvergabe|Terminvergaben
Bescheid|Bescheide Zahlung|Zahlungen Gebühr|Gebühren Rechnung|Rechnungen Signatur|Signaturen Identität|Identitäten
Ausweis|Ausweise Postfach|Postfächer Nachricht|Nachrichten Anfrage|Anfragen Auskunft|Auskünfte Frage|Fragen
Antwort|Antworten Problem|Probleme Hürde|Hürden Risiko|Risiken Sicherheit|Sicherheiten Angriff|Angriffe
Vorfall|Vorfälle Notfall|Notfälle Backup|Backups Update|Updates Version|Versionen Anbieter|Anbieter
Hersteller|Hersteller Markt|Märkte Beschaffung|Beschaffungen Vergabe|Vergaben Angebot|Angebote Preis|Preise
Betrieb|Betriebe Wartung|Wartungen Support|Support Schule|Schulen Kita|Kitas Bibliothek|Bibliotheken
Bauhof|Bauhöfe Feuerwehr|Feuerwehren Straße|Straßen Parkplatz|Parkplätze Ampel|Ampeln Laterne|Laternen
Wasser|Wasser Abfall|Abfälle Energie|Energien Klima|Klimata Mobilität|Mobilitäten Verkehr|Verkehre
Karte|Karten Geodaten|Geodaten Zwilling|Zwillinge Modell|Modelle Algorithmus|Algorithmen Assistent|Assistenten
Sprachmodell|Sprachmodelle Automatisierung|Automatisierungen Texterkennung|Texterkennungen Übersetzung|Übersetzungen
Dokument|Dokumente Protokoll|Protokolle Bericht|Berichte Auswertung|Auswertungen Kennzahl|Kennzahlen
Zeitplan|Zeitpläne Meilenstein|Meilensteine Phase|Phasen Jahr|Jahre Monat|Monate Woche|Wochen Tag|Tage
Zusammenarbeit|Zusammenarbeiten Kooperation|Kooperationen Verbund|Verbünde Zweckverband|Zweckverbände
Nachbarkommune|Nachbarkommunen Partner|Partner Austausch|Austausche Gespräch|Gespräche Treffen|Treffen
Veranstaltung|Veranstaltungen Beteiligung|Beteiligungen Umfrage|Umfragen Rückmeldung|Rückmeldungen Kritik|Kritiken
Akzeptanz|Akzeptanzen Nutzung|Nutzungen Nutzerin|Nutzerinnen Zugang|Zugänge Barrierefreiheit|Barrierefreiheiten
Sprache|Sprachen Einführung|Einführungen Umstellung|Umstellungen Migration|Migrationen Ablösung|Ablösungen
Open-Source-Lösung|Open-Source-Lösungen Gemeinschaft|Gemeinschaften Quellcode|Quellcodes Repository|Repositories
Architektur|Architekturen Infrastruktur|Infrastrukturen Arbeitsplatz|Arbeitsplätze Laptop|Laptops Telefon|Telefone
Videokonferenz|Videokonferenzen Homeoffice|Homeoffices Personal|Personal Stelle|Stellen Fachkraft|Fachkräfte
Ausbildung|Ausbildungen Weiterbildung|Weiterbildungen Führung|Führungen Kultur|Kulturen Veränderung|Veränderungen`
  .split(/\s+/)
  .filter(Boolean)
  .map((pair) => pair.split('|') as [string, string])

const verbs =
  `haben testen einführen nutzen prüfen planen starten beschaffen betreiben ausschreiben umsetzen entwickeln
teilen lernen zeigen brauchen suchen finden fragen antworten berichten empfehlen warnen scheitern gelingen
digitalisieren automatisieren migrieren ablösen vergleichen bewerten auswerten messen schulen begleiten beraten
gründen finanzieren fördern beantragen genehmigen unterschreiben signieren speichern löschen sichern schützen`
    .split(/\s+/)
    .filter(Boolean)

const verbForms = (verb: string): string[] => {
  const stem = verb.replace(/en$|n$/, '')
  return [verb, `${stem}t`, `ge${stem}t`, `${stem}te`]
}

const adjectives =
  `digital kommunal gemeinsam neu erst gut schnell einfach schwierig teuer günstig sicher offen
öffentlich interkommunal rechtlich technisch organisatorisch wichtig klein groß ländlich städtisch künstlich
intelligent automatisch elektronisch barrierefrei nachhaltig agil zentral dezentral regional landesweit`
    .split(/\s+/)
    .filter(Boolean)

const adjectiveForms = (adjective: string): string[] => [
  adjective,
  `${adjective}e`,
  `${adjective}en`,
  `${adjective}er`,
  `${adjective}es`,
]

const modifiers =
  `Bürger Daten Online Verwaltungs Service Portal Cloud Netz Sicherheits Personal Projekt Software
Karten Verkehrs Energie Schul Bau Melde Pass Kfz Steuer Sozial Jugend Wahl Gewerbe Standes Ordnungs Umwelt Klima
Geo Sensor Park Licht Wasser Abfall Kita Rats Kreis Landes Bundes Förder Vergabe Test Pilot`
    .split(/\s+/)
    .filter(Boolean)

const heads = `anfrage portal dienst plattform konzept strategie projekt verfahren system lösung daten zugang
konto akte antrag termin büro amt stelle netz karte modell bericht zentrum labor team rat förderung vertrag
lizenz leitfaden schulung prozess register verzeichnis`
  .split(/\s+/)
  .filter(Boolean)

/** Fixed two-word expressions sampled like single words, so that phrases occur in the text. */
export const collocations = [
  'digitale Verwaltung',
  'künstliche Intelligenz',
  'Open Source',
  'kommunales Rechenzentrum',
  'papierlose Akte',
  'elektronische Akte',
  'gemeinsame Beschaffung',
]

/** Words whose rank the benchmark needs to know (placed at fixed ranks below). */
export const benchWords = {
  common: 'Verwaltung',
  twoWords: ['Chatbot', 'Bürgeranfragen'] as const,
  phrase: 'digitale Verwaltung',
}

/** mulberry32: a small deterministic generator (32-bit integer arithmetic throughout). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const syllables = `ka ver lin do mar sel ten bra fu ro gel an is wen tor mil pa rek sun dal ox el bi na gro
hel qua tri zen var lo mek fa dur os ri ban ter wo lu sta pen cor vi`
  .split(/\s+/)
  .filter(Boolean)

/** The ranked vocabulary: index 0 is the most frequent word. */
export function vocabulary(size = 100_000): string[] {
  const random = seededRandom(42)
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[items[i], items[j]] = [items[j]!, items[i]!]
    }
    return items
  }
  const content = shuffle([
    ...nouns.flat(),
    ...verbs.flatMap(verbForms),
    ...adjectives.flatMap(adjectiveForms),
    ...collocations,
  ])
  const compounds = shuffle(
    modifiers.flatMap((m) => heads.flatMap((h) => [`${m}${h}`, `${m}${h}${h.endsWith('e') ? 'n' : 'e'}`])),
  )
  const words = [...new Set([...functionWords, ...content, ...compounds])]
  // The benchmark's words at known places: a common noun, two mid-frequency words, a phrase.
  const place = (word: string, rank: number) => {
    const index = words.indexOf(word)
    if (index >= 0) words.splice(index, 1)
    words.splice(rank, 0, word)
  }
  place(benchWords.common, functionWords.length + 5)
  place(benchWords.phrase, functionWords.length + 40)
  place(benchWords.twoWords[0], functionWords.length + 60)
  place(benchWords.twoWords[1], functionWords.length + 400)
  // The long tail: coined names (products, places, people) of two to four syllables.
  const seen = new Set(words.map((w) => w.toLowerCase()))
  while (words.length < size) {
    const count = 2 + Math.floor(random() * 3)
    let word = ''
    for (let i = 0; i < count; i++) word += syllables[Math.floor(random() * syllables.length)]
    word = word[0]!.toUpperCase() + word.slice(1)
    if (!seen.has(word.toLowerCase())) {
      seen.add(word.toLowerCase())
      words.push(word)
    }
  }
  return words
}

/** Words that make titles: nouns, compounds and adjectives (no function words, no verbs). */
export function titleWords(): { nouns: string[]; adjectives: string[] } {
  const compounds = modifiers.flatMap((m) => heads.map((h) => `${m}${h}`))
  return {
    nouns: [...nouns.map(([singular]) => singular), ...compounds],
    adjectives: adjectives.flatMap((a) => [`${a}e`, `${a}er`]),
  }
}

export const tagList =
  `ki, chatbot, ozg, efa, cloud, open source, datenschutz, sensorik, beschaffung, personal,
portal, notfall, informationssicherheit, e-akte, rechenzentrum, smart city, geodaten, verkehr, energie, klima,
schule, kita, bürgerservice, terminvergabe, zahlungsverkehr, signatur, identität, barrierefreiheit, förderung,
strategie, architektur, schnittstellen, fachverfahren, migration, schulung, führung, homeoffice, videokonferenz`
    .split(',')
    .map((tag) => tag.trim())
