import argon2 from 'argon2'
import commonPasswords from './common-passwords.ts'

export const minPasswordLength = 12
export const maxPasswordLength = 200

// argon2id with OWASP's suggested minimum (19 MiB, 2 passes); about 30-60 ms here.
const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options)
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password)
  } catch {
    return false
  }
}

/** A real hash of a random password: verifying against it costs as much as a real check. */
let dummyHash: Promise<string> | undefined
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`)
  return dummyHash
}

const common = new Set(commonPasswords)

export function isCommonPassword(password: string): boolean {
  const normalised = password.toLowerCase()
  return (
    common.has(normalised) ||
    /^(.)\1+$/.test(password) ||
    /^(0123456789|1234567890|abcdefghijkl)/.test(normalised)
  )
}
