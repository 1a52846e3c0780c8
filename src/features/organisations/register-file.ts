// Reads the Destatis Gemeindeverzeichnis extract (GV-ISys "AuszugGV", converted to CSV: UTF-8
// with BOM, comma-separated, quoted where needed, spaces as thousands separators, decimal
// commas in the coordinates) into the organisations of the register. Pure: no database.
//
// What becomes an organisation (decided from the data, see the README of the extract):
// - satzart 10 Land; 20 Regierungsbezirk only where one exists today (not the "Statistische
//   Region" of Niedersachsen nor the "früher: …" ones); 30 Region (BW planning regions, not in
//   the key chain) never.
// - satzart 40 Kreis: a Landkreis/Kreis/Regionalverband; a kreisfreie Stadt or Stadtkreis is one
//   organisation with its one Gemeinde (its Kreis key, the Gemeinde's AGS, population …).
// - satzart 50 Gemeindeverband: Amt, Samtgemeinde, Verbandsgemeinde, Verwaltungsgemeinschaft,
//   Kirchspielslandgemeinde, Verwaltungsverband. Not textkennzeichen 50 ("verbandsfreie
//   Gemeinde": the record is the municipality itself) and not 58 ("erfüllende Gemeinde": a
//   Gemeinde that does the administration of its neighbours; they get it as their parent).
// - satzart 60 Gemeinde, except the uninhabited gemeindefreie Gebiete (66).
import type { RegisterKind } from '../../db/schema.ts'

export interface RegisterRecord {
  /** The official key the directory matches on: Land 2, RB 3, Kreis 5, Verband 9, Gemeinde 8. */
  key: string
  kind: RegisterKind
  /** The kind as Destatis names it. */
  officialKind: string
  /** The natural form: "Stadt Köln", "Kreis Steinfurt", "Amt Südtondern", "Wettringen". */
  name: string
  /** As Destatis writes it: "Köln, Stadt". */
  officialName: string
  ags: string | null
  ars: string
  parentKey: string | null
  land: string
  /** Inhabitants; for Verband, Kreis, Bezirk and Land the sum of their Gemeinden. */
  population: number | null
  postcode: string | null
  latitude: number | null
  longitude: number | null
}

export class RegisterFileError extends Error {}

const columns = [
  'satzart',
  'textkennzeichen',
  'land',
  'rb',
  'kreis',
  'vb',
  'gemeinde',
  'gemeindename',
  'bevoelkerung',
  'postleitzahl',
  'laengengrad',
  'breitengrad',
] as const
type Row = Record<(typeof columns)[number], string> & { line: number }

/** RFC 4180 fields: quotes around fields with commas, doubled quotes inside (no line breaks in fields). */
export function parseCsv(text: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const rows: string[][] = []
  for (const line of body.split(/\r?\n/)) {
    if (line.trim() === '') continue
    if (!line.includes('"')) {
      rows.push(line.split(','))
      continue
    }
    const cells: string[] = []
    for (const match of line.matchAll(/(?:"((?:[^"]|"")*)"|([^,]*))(,|$)/g)) {
      cells.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]!)
      if (match[3] === '') break
    }
    rows.push(cells)
  }
  return rows
}

function readRows(text: string): Row[] {
  const [header, ...body] = parseCsv(text)
  if (!header) throw new RegisterFileError('Die Datei ist leer.')
  const names = header.map((name) => name.trim().toLowerCase())
  const at = columns.map((column) => names.indexOf(column))
  const missing = columns.filter((_, i) => at[i] === -1)
  if (missing.length > 0) {
    throw new RegisterFileError(
      `Spalten fehlen: ${missing.join(', ')} (erwartet das Destatis-GV-Auszug-Format).`,
    )
  }
  return body.map((cells, index) => {
    const row = { line: index + 2 } as Row
    columns.forEach((column, i) => {
      row[column] = (cells[at[i]!] ?? '').replace(/\s+/g, ' ').trim()
    })
    return row
  })
}

const integer = (value: string): number | null => {
  const digits = value.replace(/\s+/g, '')
  return /^\d+$/.test(digits) ? Number(digits) : null
}
const decimal = (value: string): number | null => {
  const number = value.replace(/\s+/g, '').replace(',', '.')
  return /^-?\d+(\.\d+)?$/.test(number) ? Number(number) : null
}

const kreisKinds: Record<string, { kind: RegisterKind; officialKind: string }> = {
  '41': { kind: 'kreisfreie_stadt', officialKind: 'kreisfreie Stadt' },
  '42': { kind: 'kreisfreie_stadt', officialKind: 'Stadtkreis' },
  '43': { kind: 'landkreis', officialKind: 'Kreis' },
  '44': { kind: 'landkreis', officialKind: 'Landkreis' },
  '45': { kind: 'landkreis', officialKind: 'Regionalverband' },
}
const verbandKinds: Record<string, string> = {
  '51': 'Amt',
  '52': 'Samtgemeinde',
  '53': 'Verbandsgemeinde',
  '54': 'Verwaltungsgemeinschaft',
  '55': 'Kirchspielslandgemeinde',
  '56': 'Verwaltungsverband',
}
const gemeindeKinds: Record<string, string> = {
  '60': 'Markt',
  '61': 'kreisfreie Stadt',
  '62': 'Stadtkreis',
  '63': 'Stadt',
  '64': 'Gemeinde',
  '65': 'gemeindefreies Gebiet',
  '67': 'Große Kreisstadt',
}

/** Destatis' short forms of the kind after the comma, written out. */
const suffixWords: Record<string, string> = {
  St: 'Stadt',
  M: 'Markt',
  GKSt: 'Große Kreisstadt',
  'Krst.': 'Kreisstadt',
  'gemfr. Bezirk': 'Gemeindefreier Bezirk',
  'gemfr. Gebiet': 'Gemeindefreies Gebiet',
  'gemfr. Geb.': 'Gemeindefreies Gebiet',
  'gemfr.Geb.': 'Gemeindefreies Gebiet',
  'gemeindefreies Gebiet': 'Gemeindefreies Gebiet',
}

/**
 * A title that reads naturally in front of the name: one word ("Hansestadt", "Flecken",
 * "documenta-Stadt") or "X- und Y" / "Freie und Hansestadt". Phrases ("Stadt der
 * Osterräder", "Tor zur Eifel", "Stadt / Běła Woda") do not; the kind stands there instead.
 */
function isPrefixTitle(title: string): boolean {
  return /^[\p{L}-]+$/u.test(title) || /^[\p{L}-]+ und [\p{L}-]+$/u.test(title)
}

/**
 * "Köln, Stadt" → "Stadt Köln"; "Tüßling, M" → "Markt Tüßling"; "Kiel, Landeshauptstadt" →
 * "Landeshauptstadt Kiel"; "Wettringen" stays. `kindWord` is what a title that cannot stand in
 * front is replaced by ("Stadt" for a Stadt, nothing for a Gemeinde).
 */
export function naturalMunicipalityName(officialName: string, kindWord: string | null): string {
  const comma = officialName.indexOf(',')
  if (comma < 0) return officialName
  const base = officialName.slice(0, comma).trim()
  const title = officialName
    .slice(comma + 1)
    .trim()
    .replace(/\s+/g, ' ')
  const written = suffixWords[title] ?? title
  if (suffixWords[title] || isPrefixTitle(written)) {
    return base.startsWith(`${written} `) ? base : `${written} ${base}`
  }
  return kindWord ? `${kindWord} ${base}` : base
}

const hasWord = (name: string, word: string) =>
  name
    .toLowerCase()
    .split(/[\s-]+/)
    .includes(word.toLowerCase())

/** "Steinfurt" → "Kreis Steinfurt"; "Gifhorn" → "Landkreis Gifhorn"; "Rhein-Kreis Neuss" stays. */
export function naturalKreisName(officialName: string, officialKind: string): string {
  if (/kreis|^region|^städteregion/i.test(officialName)) return officialName
  return `${officialKind} ${officialName}`
}

/**
 * "Südtondern" → "Amt Südtondern"; "Falkenstein (VGem)" → "Verwaltungsgemeinschaft Falkenstein";
 * "VVG der Stadt Wiesloch" → "Vereinbarte Verwaltungsgemeinschaft der Stadt Wiesloch";
 * "GVV Oberes Gäu" → "Gemeindeverwaltungsverband Oberes Gäu".
 */
export function naturalVerbandName(officialName: string, officialKind: string): string {
  if (officialName.startsWith('VVG ')) return `Vereinbarte Verwaltungsgemeinschaft ${officialName.slice(4)}`
  if (officialName.startsWith('GVV ')) return `Gemeindeverwaltungsverband ${officialName.slice(4)}`
  const name = officialName.replace(/\s*\(VGem\)$/, '')
  if (hasWord(name, officialKind)) return name
  return `${officialKind} ${name}`
}

/** "Reg.-Bez. Köln" → "Regierungsbezirk Köln"; "Oberbayern" → "Regierungsbezirk Oberbayern". */
export function naturalBezirkName(officialName: string): string {
  return `Regierungsbezirk ${officialName.replace(/^Reg\.-Bez\.\s*/, '')}`
}

/** A Regierungsbezirk that exists as an authority today. */
const isCurrentBezirk = (name: string) => !/^früher:|^Statistische Region/.test(name)

function digits(row: Row, field: keyof Row, length: number): string {
  const value = String(row[field])
  if (value.length !== length || !/^\d+$/.test(value)) {
    throw new RegisterFileError(`Zeile ${row.line}: ${String(field)} „${value}“ hat nicht ${length} Ziffern.`)
  }
  return value
}

/** All organisations of the extract, parents before children. */
export function readRegister(text: string): RegisterRecord[] {
  const rows = readRows(text)
  const lands = new Map<string, RegisterRecord>()
  const bezirke = new Map<string, RegisterRecord>()
  const kreise = new Map<string, RegisterRecord>()
  const verbaende = new Map<string, RegisterRecord>()
  /** ARS prefix (9) of every Verband record with its textkennzeichen and name. */
  const verbandRows = new Map<string, Row>()
  const gemeinden: RegisterRecord[] = []
  const gemeindeRows: Row[] = []

  for (const row of rows) {
    const land = digits(row, 'land', 2)
    switch (row.satzart) {
      case '10':
        lands.set(land, {
          key: land,
          kind: 'land',
          officialKind: 'Land',
          name: row.gemeindename,
          officialName: row.gemeindename,
          ags: land,
          ars: land,
          parentKey: null,
          land,
          population: 0,
          postcode: null,
          latitude: null,
          longitude: null,
        })
        break
      case '20': {
        const key = land + digits(row, 'rb', 1)
        if (!isCurrentBezirk(row.gemeindename)) break
        bezirke.set(key, {
          key,
          kind: 'regierungsbezirk',
          officialKind: 'Regierungsbezirk',
          name: naturalBezirkName(row.gemeindename),
          officialName: row.gemeindename,
          ags: key,
          ars: key,
          parentKey: land,
          land,
          population: 0,
          postcode: null,
          latitude: null,
          longitude: null,
        })
        break
      }
      case '40': {
        const key = land + digits(row, 'rb', 1) + digits(row, 'kreis', 2)
        const kind = kreisKinds[row.textkennzeichen]
        if (!kind)
          throw new RegisterFileError(
            `Zeile ${row.line}: unbekanntes Textkennzeichen ${row.textkennzeichen}.`,
          )
        kreise.set(key, {
          key,
          kind: kind.kind,
          officialKind: kind.officialKind,
          name:
            kind.kind === 'landkreis'
              ? naturalKreisName(row.gemeindename, kind.officialKind)
              : row.gemeindename,
          officialName: row.gemeindename,
          ags: key,
          ars: key,
          parentKey: null,
          land,
          population: 0,
          postcode: null,
          latitude: null,
          longitude: null,
        })
        break
      }
      case '50': {
        const ars = land + digits(row, 'rb', 1) + digits(row, 'kreis', 2) + digits(row, 'vb', 4)
        verbandRows.set(ars, row)
        const officialKind = verbandKinds[row.textkennzeichen]
        if (!officialKind) {
          if (row.textkennzeichen === '50' || row.textkennzeichen === '58') break
          throw new RegisterFileError(
            `Zeile ${row.line}: unbekanntes Textkennzeichen ${row.textkennzeichen}.`,
          )
        }
        verbaende.set(ars, {
          key: ars,
          kind: 'gemeindeverband',
          officialKind,
          name: naturalVerbandName(row.gemeindename, officialKind),
          officialName: row.gemeindename,
          ags: null,
          ars,
          parentKey: ars.slice(0, 5),
          land,
          population: 0,
          postcode: null,
          latitude: null,
          longitude: null,
        })
        break
      }
      case '60': {
        if (row.textkennzeichen === '66') break
        const officialKind = gemeindeKinds[row.textkennzeichen]
        if (!officialKind)
          throw new RegisterFileError(
            `Zeile ${row.line}: unbekanntes Textkennzeichen ${row.textkennzeichen}.`,
          )
        const kreis = land + digits(row, 'rb', 1) + digits(row, 'kreis', 2)
        const verband = kreis + digits(row, 'vb', 4)
        const ags = kreis + digits(row, 'gemeinde', 3)
        const kindWord = officialKind === 'Stadt' || officialKind === 'Große Kreisstadt' ? 'Stadt' : null
        gemeinden.push({
          key: ags,
          kind: 'gemeinde',
          officialKind,
          name: naturalMunicipalityName(row.gemeindename, kindWord),
          officialName: row.gemeindename,
          ags,
          ars: verband + ags.slice(5),
          parentKey: null,
          land,
          population: integer(row.bevoelkerung),
          postcode: /^\d{5}$/.test(row.postleitzahl) ? row.postleitzahl : null,
          latitude: decimal(row.breitengrad),
          longitude: decimal(row.laengengrad),
        })
        gemeindeRows.push(row)
        break
      }
      case '30':
        break
      default:
        throw new RegisterFileError(`Zeile ${row.line}: unbekannte Satzart „${row.satzart}“.`)
    }
  }

  // A kreisfreie Stadt is its one Gemeinde: one organisation with the Kreis key.
  const cities = new Map<string, RegisterRecord>()
  for (const gemeinde of gemeinden) {
    const kreis = kreise.get(gemeinde.key.slice(0, 5))
    if (kreis?.kind !== 'kreisfreie_stadt') continue
    if (cities.has(kreis.key))
      throw new RegisterFileError(`Kreisfreie Stadt ${kreis.key} mit mehr als einer Gemeinde.`)
    cities.set(kreis.key, gemeinde)
    Object.assign(kreis, {
      name: naturalMunicipalityName(gemeinde.officialName, 'Stadt'),
      officialName: gemeinde.officialName,
      ags: gemeinde.ags,
      ars: gemeinde.ars,
      population: gemeinde.population,
      postcode: gemeinde.postcode,
      latitude: gemeinde.latitude,
      longitude: gemeinde.longitude,
    })
  }
  const municipalities = gemeinden.filter((gemeinde) => !cities.has(gemeinde.key.slice(0, 5)))

  // The Gemeinde that fulfils the administration of an "erfüllende Gemeinde" Verband (58):
  // the one of that name in it.
  const fulfilling = new Map<string, string>()
  for (const gemeinde of municipalities) {
    const verband = verbandRows.get(gemeinde.ars.slice(0, 9))
    if (verband?.textkennzeichen === '58' && verband.gemeindename === gemeinde.officialName) {
      fulfilling.set(gemeinde.ars.slice(0, 9), gemeinde.key)
    }
  }

  for (const kreis of kreise.values()) {
    const bezirk = kreis.key.slice(0, 3)
    kreis.parentKey = bezirke.has(bezirk) ? bezirk : kreis.land
  }
  for (const gemeinde of municipalities) {
    const verbandKey = gemeinde.ars.slice(0, 9)
    const byFulfilling = fulfilling.get(verbandKey)
    if (verbaende.has(verbandKey)) gemeinde.parentKey = verbandKey
    else if (byFulfilling && byFulfilling !== gemeinde.key) gemeinde.parentKey = byFulfilling
    else gemeinde.parentKey = gemeinde.key.slice(0, 5)
  }

  const all = [
    ...lands.values(),
    ...bezirke.values(),
    ...kreise.values(),
    ...verbaende.values(),
    ...municipalities,
  ]
  const byKey = new Map(all.map((record) => [record.key, record]))
  if (byKey.size !== all.length) throw new RegisterFileError('Ein Schlüssel kommt doppelt vor.')
  for (const record of all) {
    if (record.parentKey && !byKey.has(record.parentKey)) {
      throw new RegisterFileError(
        `${record.officialName} (${record.key}): übergeordneter Schlüssel ${record.parentKey} fehlt.`,
      )
    }
  }
  // Population of the levels above: the sum of their Gemeinden (a kreisfreie Stadt counts itself).
  const cityRecords = [...cities.keys()].map((key) => byKey.get(key)!)
  for (const record of [...municipalities, ...cityRecords]) {
    for (let parent = byKey.get(record.parentKey ?? ''); parent; parent = byKey.get(parent.parentKey ?? '')) {
      if (parent.kind !== 'gemeinde') parent.population = (parent.population ?? 0) + (record.population ?? 0)
    }
  }
  return all
}
