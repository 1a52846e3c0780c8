// The secrets of the second factor at rest.
//
// TOTP secrets must be readable by the server to check a code, so they are encrypted
// (AES-256-GCM) with a key derived from the session secret: a copy of the database alone (a
// backup, a dump) yields no working secret. Changing SESSION_SECRET therefore makes every
// enrolled factor unreadable; the operator then resets them (`npm run cli -- reset-second-factor`)
// and each person enrols again at their next sign-in.
//
// Recovery codes are 12 random characters (60 bits) and are only compared, never read back:
// they are stored as HMAC-SHA256 with a pepper derived from the session secret. A slow hash
// (argon2) buys nothing against 60 random bits and would cost ten argon2 checks per attempt;
// the pepper keeps a stolen table from being checked offline at all.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt } from 'node:crypto'

export interface SecondFactorKeys {
  /** Encrypts the TOTP secrets. */
  secretKey: Buffer
  /** Keys the recovery codes' hashes. */
  codePepper: Buffer
}

export function secondFactorKeys(deriveKey: (purpose: string) => Buffer): SecondFactorKeys {
  return { secretKey: deriveKey('second-factor-secret'), codePepper: deriveKey('recovery-codes') }
}

const version = 'v1'

export function encryptSecret(key: Buffer, plain: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const encrypted = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return [version, iv, cipher.getAuthTag(), encrypted]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

/** The plain secret, or undefined when it was encrypted with another key (or is damaged). */
export function decryptSecret(key: Buffer, stored: string): string | undefined {
  const [tag, iv, authTag, encrypted] = stored.split('.')
  if (tag !== version || !iv || !authTag || !encrypted) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(authTag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64url')), decipher.final()]).toString(
      'utf8',
    )
  } catch {
    return undefined
  }
}

// Crockford's base32: no i, l, o, u, so nothing is mistaken when typed from paper.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'
const codeLength = 12

/** A new recovery code, shown as xxxx-xxxx-xxxx. */
export function newRecoveryCode(): string {
  let code = ''
  for (let i = 0; i < codeLength; i++) code += alphabet[randomInt(alphabet.length)]
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`
}

/** What was typed, the way it was generated: case, spaces and dashes do not matter; o is 0, i and l are 1. */
export function normaliseRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1')
}

export function looksLikeRecoveryCode(normalised: string): boolean {
  return normalised.length === codeLength && [...normalised].every((c) => alphabet.includes(c))
}

export function hashRecoveryCode(pepper: Buffer, normalised: string): string {
  return createHmac('sha256', pepper).update(normalised).digest('base64url')
}
