import { describe, expect, it } from 'vitest'
import {
  checkOfficialKey,
  emailDomain,
  normaliseDomain,
  normaliseOfficialKey,
  type OrganisationInput,
  parseDomainList,
  validateOrganisation,
} from '../../src/features/organisations/organisations.validation.ts'

const input = (values: Partial<OrganisationInput>): OrganisationInput => ({
  name: 'Musterstadt, Stadt',
  kind: 'gemeinde',
  officialKey: '09184119',
  land: '',
  autoApprove: false,
  domains: '',
  ...values,
})

describe('official keys', () => {
  it.each([
    ['land', '09'],
    ['land', '16'],
    ['landkreis', '09184'],
    ['kreisfreie_stadt', '09162'],
    ['gemeinde', '09184119'],
    ['gemeinde', '091840000000'],
    ['kommunales_unternehmen', ''],
    ['it_dienstleister', ''],
    ['kommunaler_verband', ''],
  ] as const)('accepts %s %s', (kind, key) => {
    expect(checkOfficialKey(kind, key)).toBeNull()
  })

  it.each([
    ['land', '9', 'organisation.error.keyLengthLand'],
    ['land', '17', 'organisation.error.keyLand'],
    ['land', '00', 'organisation.error.keyLand'],
    ['land', '', 'organisation.error.keyRequired'],
    ['landkreis', '0918', 'organisation.error.keyLengthKreis'],
    ['landkreis', '09184119', 'organisation.error.keyLengthKreis'],
    ['kreisfreie_stadt', '09162000', 'organisation.error.keyLengthKreis'],
    ['kreisfreie_stadt', '9162a', 'organisation.error.keyDigits'],
    ['kreisfreie_stadt', '20162', 'organisation.error.keyLand'],
    ['gemeinde', '0918411', 'organisation.error.keyLengthGemeinde'],
    ['gemeinde', '0918411900', 'organisation.error.keyLengthGemeinde'],
    ['gemeinde', '', 'organisation.error.keyRequired'],
    ['gemeinde', '０９１８４１１９', 'organisation.error.keyDigits'],
    ['kommunales_unternehmen', '09162', 'organisation.error.keyNotAllowed'],
    ['it_dienstleister', '1', 'organisation.error.keyNotAllowed'],
    ['kommunaler_verband', '05', 'organisation.error.keyNotAllowed'],
  ] as const)('refuses %s %j', (kind, key, message) => {
    expect(checkOfficialKey(kind, key)?.key).toBe(message)
  })

  it('drops spaces typed for readability', () => {
    expect(normaliseOfficialKey(' 09 162 ')).toBe('09162')
  })
})

describe('domains', () => {
  it.each([
    ['stadt-musterstadt.de', 'stadt-musterstadt.de'],
    ['  Stadt-Musterstadt.DE  ', 'stadt-musterstadt.de'],
    ['verwaltung.stadt-x.de.', 'verwaltung.stadt-x.de'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['kreis-123.nrw', 'kreis-123.nrw'],
  ])('normalises %j', (raw, expected) => {
    expect(normaliseDomain(raw)).toBe(expected)
  })

  it.each([
    'https://stadt-x.de',
    'stadt-x.de/impressum',
    'name@stadt-x.de',
    '@stadt-x.de',
    'localhost',
    'stadt-x',
    '-stadt.de',
    'stadt-.de',
    'stadt..de',
    '192.168.0.1',
    'stadt x.de',
    'stadt_x.de',
    'stadt-x.de:443',
    '',
    `${'a'.repeat(64)}.de`,
    `${'abcdefghi.'.repeat(26)}de`,
    'stadt.d',
    '<script>.de',
  ])('refuses %j', (raw) => {
    expect(normaliseDomain(raw)).toBeNull()
  })

  it('reads the domain of an e-mail address', () => {
    expect(emailDomain('Erika.Muster@Stadt-X.de')).toBe('stadt-x.de')
    expect(emailDomain('stadt-x.de')).toBe('stadt-x.de')
    expect(emailDomain('kein domain')).toBeNull()
  })

  it('splits a list by lines, commas and spaces, lower-cases and drops duplicates', () => {
    expect(parseDomainList('stadt-x.de\r\nSTADT-X.de, kreis-y.de;\n\n  it.kreis-y.de ')).toEqual({
      domains: ['stadt-x.de', 'kreis-y.de', 'it.kreis-y.de'],
      invalid: [],
    })
    expect(parseDomainList('stadt-x.de\nhttps://a.de\n@b.de')).toEqual({
      domains: ['stadt-x.de'],
      invalid: ['https://a.de', '@b.de'],
    })
  })
})

describe('the organisation form', () => {
  it('accepts a Gemeinde and takes the Land from its key', () => {
    const result = validateOrganisation(
      input({ name: '  Muster   Stadt ', domains: 'Stadt-X.de\nstadt-x.de' }),
    )
    expect(result).toEqual({
      ok: true,
      values: {
        name: 'Muster Stadt',
        kind: 'gemeinde',
        officialKey: '09184119',
        land: '09',
        autoApprove: false,
        domains: ['stadt-x.de'],
        municipalityKeys: [],
      },
    })
  })

  it('keeps a chosen Land for organisations without a key, and allows none', () => {
    const company = validateOrganisation(
      input({ kind: 'kommunales_unternehmen', officialKey: '', land: '05', autoApprove: true }),
    )
    expect(company.ok && company.values).toMatchObject({ officialKey: null, land: '05', autoApprove: true })
    const association = validateOrganisation(
      input({ kind: 'kommunaler_verband', officialKey: ' ', land: '' }),
    )
    expect(association.ok && association.values).toMatchObject({ officialKey: null, land: null })
  })

  it('refuses a Land that does not match the key', () => {
    const result = validateOrganisation(input({ land: '05' }))
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors.land).toEqual({
        key: 'organisation.error.landMismatch',
        params: { land: 'Bayern' },
      })
    }
  })

  // A missing or too long name and a kind outside the list are the form schema's to refuse
  // (test/organisations/admin.test.ts); these are the directory's own rules.
  it('collects every problem at its field', () => {
    const result = validateOrganisation({
      name: '   ',
      kind: 'admin',
      officialKey: 'abc',
      land: '99',
      autoApprove: false,
      domains: 'https://stadt-x.de/',
    })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(Object.keys(result.errors).sort()).toEqual(['domains', 'land'])
      expect(result.errors.land?.key).toBe('organisation.error.landInvalid')
      expect(result.errors.domains).toEqual({
        key: 'organisation.error.domainInvalid',
        params: { list: 'https://stadt-x.de/' },
      })
    }
  })

  it('refuses too many domains and an absurd key', () => {
    const domains = Array.from({ length: 51 }, (_, i) => `stadt-${i}.de`).join('\n')
    const result = validateOrganisation(input({ domains, officialKey: '1'.repeat(50) }))
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors.domains?.key).toBe('organisation.error.tooManyDomains')
      expect(result.errors.officialKey?.key).toBe('organisation.error.keyDigits')
    }
  })

  it('refuses public mail providers as official domains, the operator’s own additions too', () => {
    const result = validateOrganisation(input({ domains: 'stadt-x.de\nGMAIL.com\nweb.de\nposteo.de' }))
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors.domains).toEqual({
        key: 'organisation.error.domainPublic',
        params: { list: 'gmail.com, web.de, posteo.de' },
      })
    }
    expect(validateOrganisation(input({ domains: 'hausmail.example' })).ok).toBe(true)
    const operator = validateOrganisation(input({ domains: 'hausmail.example' }), {
      publicMailDomains: ['hausmail.example'],
    })
    expect(operator.ok).toBe(false)
    // Exact match: an administration's subdomain under a provider's domain is its own.
    expect(validateOrganisation(input({ domains: 'senatskanzlei.berlin.de' })).ok).toBe(true)
  })
})
