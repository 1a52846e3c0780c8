// The small pure helpers of accounts: client keys for limits, device names, name folding, and
// the catalogue's plurals.
import { describe, expect, it } from 'vitest'
import { de, en } from '../../src/features/accounts/accounts.messages.ts'
import { clientKey } from '../../src/features/accounts/client-key.ts'
import { describeDevice } from '../../src/features/accounts/device-name.ts'
import { foldName } from '../../src/features/accounts/look-alikes.ts'
import { translate } from '../../src/i18n/index.ts'

describe('clientKey', () => {
  it('keeps IPv4 addresses, also IPv4-mapped ones', () => {
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7')
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7')
    expect(clientKey('::ffff:c000:207')).toBe('192.0.2.7')
  })

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const key = '2001:db8:1:2::/64'
    for (const ip of [
      '2001:db8:1:2::1',
      '2001:0db8:0001:0002:ffff:ffff:ffff:ffff',
      '2001:DB8:1:2:a:b:c:d',
      '2001:db8:1:2::1%eth0',
    ]) {
      expect(clientKey(ip), ip).toBe(key)
    }
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64')
    expect(clientKey('::1')).toBe('0:0:0:0::/64')
    expect(clientKey('fe80::1')).toBe('fe80:0:0:0::/64')
  })

  it('passes anything else through unchanged', () => {
    expect(clientKey('not-an-ip')).toBe('not-an-ip')
  })
})

describe('describeDevice', () => {
  it('names browser and system the way people know them', () => {
    expect(
      describeDevice(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      ),
    ).toBe('Edge, Windows')
    expect(
      describeDevice(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      ),
    ).toBe('Safari, macOS')
    expect(
      describeDevice(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      ),
    ).toBe('Chrome, Android')
    expect(describeDevice('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe(
      'Firefox, Linux',
    )
  })

  it('shows an unknown agent shortened, and nothing without one', () => {
    expect(describeDevice('curl/8.5.0')).toBe('curl/8.5.0')
    expect(describeDevice(`x${'y'.repeat(100)}`)).toHaveLength(60)
    expect(describeDevice(null)).toBeNull()
    expect(describeDevice('  ')).toBeNull()
  })
})

describe('foldName', () => {
  it('ignores case, accents, compatibility forms, invisible characters and spacing', () => {
    const folded = foldName('Ada Admin')
    for (const name of [
      'ADA ADMIN',
      'Áda  Ädmin',
      ' Ada\u200B Admin ',
      'Ａｄａ Ａｄｍｉｎ',
      'Ada\u00A0Admin',
      'A\u0301da Admin',
    ]) {
      expect(foldName(name), name).toBe(folded)
    }
    expect(foldName('Straße')).toBe(foldName('STRASSE'))
    expect(foldName('Ada Admina')).not.toBe(folded)
  })
})

describe('accounts messages', () => {
  it('use plural rules, never "(n)" or "(en)" forms', () => {
    for (const [key, message] of [...Object.entries(de), ...Object.entries(en)]) {
      expect(message, key).not.toMatch(/\w\((?:n|en|s|e|es)\)/)
    }
  })

  it('say one day and many days correctly', () => {
    expect(translate('de', 'mail.reconfirm.text', { graceDays: 1 })).toContain('innerhalb von 1 Tag über')
    expect(translate('de', 'mail.reconfirm.text', { graceDays: 30 })).toContain('innerhalb von 30 Tagen über')
    expect(translate('en', 'mail.invitation.text', { inviter: 'Ada', days: 1 })).toContain('valid for 1 day.')
    expect(translate('de', 'invite.intro', { days: 14, perDay: 1 })).toContain(
      'Sie können eine Einladung am Tag senden.',
    )
  })
})
