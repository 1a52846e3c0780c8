// Pure rules of the organisation directory: official keys, Länder, e-mail domains, the form.
import { domainToASCII } from 'node:url'
import { type OrganisationKind, organisationKinds } from '../../db/schema.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { isLandCode, landNames } from './lands.ts'
import { isPublicMailDomain } from './public-mail-domains.ts'

export const maxNameLength = 200
export const maxDomains = 50
export const maxMunicipalities = 500

/**
 * The "Konzern Kommune" beside the register (IT-Dienstleister, kommunale Unternehmen,
 * Zweckverbände, Spitzen- and Landesverbände): only they name municipalities they belong to or
 * serve. Register organisations have their place in the register's chain instead.
 */
export const konzernKinds: readonly OrganisationKind[] = [
  'it_dienstleister',
  'kommunales_unternehmen',
  'zweckverband',
  'spitzenverband',
  'landesverband',
  'kommunaler_verband',
]

export function isKonzernKind(kind: OrganisationKind): boolean {
  return konzernKinds.includes(kind)
}

/**
 * Allowed lengths of the official key per kind; an empty list means "has no key".
 * Land: Regionalschlüssel of the Land (2). Landkreis and kreisfreie Stadt: Kreisschlüssel (5),
 * as in the Destatis Kreis list; the 8-digit AGS of a kreisfreie Stadt names the Gemeinde, not
 * the Kreis, so it is refused to keep one key per organisation. Gemeinde: AGS (8) or
 * Regionalschlüssel (12). Companies, IT providers and associations have no official key.
 */
export const officialKeyLengths: Record<OrganisationKind, readonly number[]> = {
  land: [2],
  regierungsbezirk: [3],
  landkreis: [5],
  kreisfreie_stadt: [5],
  gemeindeverband: [9],
  gemeinde: [8, 12],
  it_dienstleister: [],
  kommunales_unternehmen: [],
  zweckverband: [],
  spitzenverband: [],
  landesverband: [],
  kommunaler_verband: [],
}

export function isOrganisationKind(value: unknown): value is OrganisationKind {
  return typeof value === 'string' && (organisationKinds as readonly string[]).includes(value)
}

export function hasOfficialKey(kind: OrganisationKind): boolean {
  return officialKeyLengths[kind].length > 0
}

/** Spaces people type for readability ("09 162") are dropped; nothing else is changed. */
export function normaliseOfficialKey(raw: string): string {
  return raw.replace(/\s+/g, '')
}

type FieldError = FieldErrors[string]

/** Checks an already normalised key ('' = none) against the kind. Null when it is fine. */
export function checkOfficialKey(kind: OrganisationKind, key: string): FieldError | null {
  const lengths = officialKeyLengths[kind]
  if (lengths.length === 0) return key === '' ? null : { key: 'organisation.error.keyNotAllowed' }
  if (key === '') return { key: 'organisation.error.keyRequired' }
  if (!/^\d+$/.test(key)) return { key: 'organisation.error.keyDigits' }
  if (!lengths.includes(key.length)) {
    if (kind === 'land') return { key: 'organisation.error.keyLengthLand' }
    if (kind === 'gemeinde') return { key: 'organisation.error.keyLengthGemeinde' }
    if (kind === 'regierungsbezirk') return { key: 'organisation.error.keyLengthRegierungsbezirk' }
    if (kind === 'gemeindeverband') return { key: 'organisation.error.keyLengthVerband' }
    return { key: 'organisation.error.keyLengthKreis' }
  }
  const prefix = key.slice(0, 2)
  if (!isLandCode(prefix)) return { key: 'organisation.error.keyLand', params: { prefix } }
  return null
}

const labelPattern = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
const topLevelPattern = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

/**
 * An e-mail domain as stored: lower-case ASCII (umlaut domains in their xn-- form), no
 * trailing dot. Null when it is not a plain host name: no scheme, no @, no path, no port,
 * no IP address, at least two labels.
 */
export function normaliseDomain(raw: string): string | null {
  let value = raw.trim().toLowerCase()
  if (value.endsWith('.')) value = value.slice(0, -1)
  if (value === '' || value.length > 253 || /[^\p{L}\p{N}.-]/u.test(value)) return null
  const ascii = domainToASCII(value)
  if (ascii === '' || ascii.length > 253) return null
  const labels = ascii.split('.')
  if (labels.length < 2) return null
  if (!labels.every((label) => labelPattern.test(label))) return null
  if (!topLevelPattern.test(labels.at(-1)!)) return null
  return ascii
}

/** The domain part of an e-mail address (or a bare domain), normalised; null when invalid. */
export function emailDomain(emailOrDomain: string): string | null {
  const at = emailOrDomain.lastIndexOf('@')
  return normaliseDomain(at >= 0 ? emailOrDomain.slice(at + 1) : emailOrDomain)
}

/** The domains textarea: one per line (commas, semicolons and spaces also separate). */
export function parseDomainList(text: string): { domains: string[]; invalid: string[] } {
  const domains: string[] = []
  const invalid: string[] = []
  for (const item of text.split(/[\s,;]+/)) {
    if (item === '') continue
    const domain = normaliseDomain(item)
    if (domain === null) {
      if (!invalid.includes(item)) invalid.push(item)
    } else if (!domains.includes(domain)) {
      domains.push(domain)
    }
  }
  return { domains, invalid }
}

/**
 * The municipalities field: one per line, each line beginning with the AGS, ARS or Kreis key;
 * what follows the key (the name the form writes after it) is for reading only.
 */
export function parseMunicipalityKeys(text: string): { keys: string[]; invalid: string[] } {
  const keys: string[] = []
  const invalid: string[] = []
  for (const line of text.split('\n')) {
    const item = line.trim()
    if (item === '') continue
    const key = /^(\d{2,12})(?:\s|$)/.exec(item)?.[1]
    if (key === undefined) {
      if (!invalid.includes(item)) invalid.push(item)
    } else if (!keys.includes(key)) {
      keys.push(key)
    }
  }
  return { keys, invalid }
}

/** What the form sends, after the route's schema: one line each, the domains as typed. */
export interface OrganisationInput {
  name: string
  /** An organisation kind once the schema has checked it; anything else is left to the schema's error. */
  kind: string
  officialKey: string
  land: string
  autoApprove: boolean
  domains: string
  /** One municipality key per line (see parseMunicipalityKeys); '' = none. */
  municipalities?: string
}

/** What is stored. */
export interface OrganisationValues {
  name: string
  kind: OrganisationKind
  officialKey: string | null
  land: string | null
  autoApprove: boolean
  domains: string[]
  /** AGS/ARS/Kreis keys of the municipalities named (Konzern Kommune only). */
  municipalityKeys: string[]
}

export type OrganisationValidation =
  | { ok: true; values: OrganisationValues }
  | { ok: false; errors: FieldErrors }

/** What the directory refuses beyond the form's shape: the operator's public mail domains. */
export interface DirectoryPolicy {
  publicMailDomains: readonly string[]
}

export const noExtraPublicDomains: DirectoryPolicy = { publicMailDomains: [] }

function shorten(items: string[]): string {
  const shown = items.slice(0, 5).map((item) => (item.length > 60 ? `${item.slice(0, 60)}…` : item))
  return items.length > 5 ? `${shown.join(', ')}, …` : shown.join(', ')
}

function checkDomains(text: string, policy: DirectoryPolicy): { domains: string[]; error?: FieldError } {
  const { domains, invalid } = parseDomainList(text)
  if (invalid.length > 0) {
    return { domains, error: { key: 'organisation.error.domainInvalid', params: { list: shorten(invalid) } } }
  }
  const publicOnes = domains.filter((domain) => isPublicMailDomain(domain, policy.publicMailDomains))
  if (publicOnes.length > 0) {
    return {
      domains,
      error: { key: 'organisation.error.domainPublic', params: { list: shorten(publicOnes) } },
    }
  }
  if (domains.length > maxDomains) {
    return { domains, error: { key: 'organisation.error.tooManyDomains', params: { max: maxDomains } } }
  }
  return { domains }
}

/**
 * The directory's rules for a form whose shape the route's schema has checked (name present
 * and short enough, kind and Land from their lists): the key fits the kind, the Land fits the
 * key, the domains are host names and none is a public mail provider's. Uniqueness (key,
 * domains) needs the database: the service checks it.
 */
export function validateOrganisation(
  input: OrganisationInput,
  policy: DirectoryPolicy = noExtraPublicDomains,
): OrganisationValidation {
  const errors: FieldErrors = {}
  const name = input.name.replace(/\s+/g, ' ').trim()
  const kind = isOrganisationKind(input.kind) ? input.kind : null

  const officialKey = normaliseOfficialKey(input.officialKey)
  if (officialKey.length > 40) {
    errors.officialKey = { key: 'organisation.error.keyDigits' }
  } else if (kind) {
    const keyError = checkOfficialKey(kind, officialKey)
    if (keyError) errors.officialKey = keyError
  }

  const landInput = input.land.trim()
  let land: string | null = null
  if (landInput !== '' && !isLandCode(landInput)) {
    errors.land = { key: 'organisation.error.landInvalid' }
  } else if (kind && hasOfficialKey(kind) && !errors.officialKey) {
    // The key names the Land; an empty choice takes it from there, a different one is a mistake.
    const keyLand = officialKey.slice(0, 2)
    if (landInput !== '' && landInput !== keyLand) {
      errors.land = {
        key: 'organisation.error.landMismatch',
        params: { land: landNames[keyLand] ?? keyLand },
      }
    }
    land = keyLand
  } else {
    land = landInput === '' ? null : landInput
  }

  const { domains, error: domainError } = checkDomains(input.domains, policy)
  if (domainError) errors.domains = domainError

  const { keys: municipalityKeys, error: municipalityError } = checkMunicipalities(
    input.municipalities ?? '',
    kind,
  )
  if (municipalityError) errors.municipalities = municipalityError

  if (Object.keys(errors).length > 0 || !kind || name === '') return { ok: false, errors }
  return {
    ok: true,
    values: {
      name,
      kind,
      officialKey: officialKey === '' ? null : officialKey,
      land,
      autoApprove: input.autoApprove,
      domains,
      municipalityKeys,
    },
  }
}

function checkMunicipalities(
  text: string,
  kind: OrganisationKind | null,
): { keys: string[]; error?: FieldError } {
  const { keys, invalid } = parseMunicipalityKeys(text)
  if (invalid.length > 0) {
    return {
      keys,
      error: { key: 'organisation.error.municipalityInvalid', params: { list: shorten(invalid) } },
    }
  }
  if (keys.length > 0 && kind && !isKonzernKind(kind)) {
    return { keys, error: { key: 'organisation.error.municipalitiesNotAllowed' } }
  }
  if (keys.length > maxMunicipalities) {
    return {
      keys,
      error: { key: 'organisation.error.tooManyMunicipalities', params: { max: maxMunicipalities } },
    }
  }
  return { keys }
}
