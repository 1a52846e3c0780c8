import { availableParallelism } from 'node:os'
import argon2 from 'argon2'
import { DomainError, type FieldErrors } from '../../lib/errors.ts'
import commonPasswords from './common-passwords.ts'

export const minPasswordLength = 12
export const maxPasswordLength = 200

// argon2id with OWASP's suggested minimum (19 MiB, 2 passes); about 30-60 ms here.
const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

/** Too many password checks are waiting: the form answers "busy, try again" at once (503). */
export class PasswordChecksBusyError extends DomainError {
  override readonly statusCode = 503
  constructor() {
    super('too many password checks at once')
  }
}

/**
 * A small semaphore: at most `concurrent` tasks run at once, at most `queue` wait; beyond that
 * a task is refused at once instead of piling up.
 */
export function createGate(limits: { concurrent: number; queue: number }) {
  let active = 0
  let peak = 0
  const waiting: (() => void)[] = []
  const release = () => {
    active--
    const next = waiting.shift()
    if (next) next()
  }
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active >= limits.concurrent) {
        if (waiting.length >= limits.queue) throw new PasswordChecksBusyError()
        await new Promise<void>((resolve) => waiting.push(resolve))
      }
      active++
      peak = Math.max(peak, active)
      try {
        return await task()
      } finally {
        release()
      }
    },
    /** The most tasks that ever ran at once (tests read it). */
    get peak() {
      return peak
    },
    resetPeak() {
      peak = active
    },
  }
}

// One argon2 check costs about 22 ms of a core. However many sign-ins arrive at once, password
// hashing leaves a core free for everything else (one at a time on this 2-core machine); a flood
// waits a little in a short queue and beyond it is answered "busy" at once.
export const passwordGate = createGate({
  concurrent: Math.max(1, Math.min(2, availableParallelism() - 1)),
  queue: 16,
})

export function hashPassword(password: string): Promise<string> {
  return passwordGate.run(() => argon2.hash(password, options))
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  return passwordGate.run(async () => {
    try {
      return await argon2.verify(hash, password)
    } catch {
      return false
    }
  })
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

/** Why a new password will not do (as field errors of `field`), or nothing. */
export function passwordProblems(password: string, field = 'password'): FieldErrors {
  if (password.length < minPasswordLength)
    return { [field]: { key: 'account.password.tooShort', params: { min: minPasswordLength } } }
  if (password.length > maxPasswordLength)
    return { [field]: { key: 'validation.tooLong', params: { max: maxPasswordLength } } }
  if (isCommonPassword(password)) return { [field]: { key: 'account.password.common' } }
  return {}
}
