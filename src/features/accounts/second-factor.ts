// The second factor: TOTP (RFC 6238, 6 digits, 30 s) plus ten one-time recovery codes.
// Mandatory for moderators and admins, a choice for members.
//
// - Enrolling: a secret is made (kept unconfirmed), shown as a QR code and as text; the first
//   right code confirms it, and the recovery codes are shown once.
// - Checking: a code is accepted once (the time step it belongs to is stored, a code of that
//   step or an earlier one is refused), one step of clock drift either way. Wrong codes count
//   per account: 5 in 15 minutes and the account refuses codes until the window has passed; the
//   owner is mailed, since whoever typed them knew the password.
// - Enrolment, each use of a recovery code, new codes, turning it off and an admin's reset are
//   audited and mailed to the account holder.
import type { FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import { type AuditAction, recordAudit } from '../../core/audit/audit.ts'
import { mailMember } from '../../core/mail/mail.queue.ts'
import { endAllSessions } from '../../core/sessions/session-store.ts'
import type { Db } from '../../db/database.ts'
import type { Locale, Role } from '../../db/schema.ts'
import type { Clock } from '../../deps.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts'
import { TooManyAttemptsError } from './refusals.ts'
import {
  decryptSecret,
  encryptSecret,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCode,
  normaliseRecoveryCode,
  type SecondFactorKeys,
} from './second-factor-crypto.ts'

export const secondFactorPolicy = {
  period: 30,
  /** Steps of clock drift accepted either way. */
  window: 1,
  recoveryCodes: 10,
  failuresPerAccount: 5,
  windowMinutes: 15,
  /** Sensitive staff actions ask again when the last check is older than this. */
  recentMinutes: 15,
} as const

const issuer = 'Vertrauensraum'

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** The password was right; the second factor is still to be given. Nothing else is reachable. */
    secondFactorPending?: boolean
    /** When this session last passed the second factor (ms since epoch). */
    secondFactorAt?: number
  }
}

export const isStaff = (role: Role) => role === 'moderator' || role === 'admin'

/** The session passed the second factor now: it is a full session. */
export function markSecondFactorPassed(session: FastifyRequest['session'], clock: Clock): void {
  delete session.secondFactorPending
  session.secondFactorAt = clock.now().getTime()
}

export function passedRecently(session: FastifyRequest['session'], clock: Clock): boolean {
  const at = session.secondFactorAt
  return typeof at === 'number' && clock.now().getTime() - at < secondFactorPolicy.recentMinutes * 60_000
}

interface Account {
  id: number
  email: string
  name: string
  locale: Locale | null
  role: Role
}

function findAccount(db: Db, memberId: number): Promise<Account | undefined> {
  return db
    .selectFrom('members')
    .select(['id', 'email', 'name', 'locale', 'role'])
    .where('id', '=', memberId)
    .executeTakeFirst()
}

function findFactor(db: Db, memberId: number) {
  return db
    .selectFrom('member_second_factors')
    .select(['secret', 'confirmed_at', 'last_used_step'])
    .where('member_id', '=', memberId)
    .executeTakeFirst()
}

/** Whether the member has a confirmed second factor. */
export async function hasSecondFactor(db: Db, memberId: number): Promise<boolean> {
  const factor = await findFactor(db, memberId)
  return Boolean(factor?.confirmed_at)
}

/** What a fresh sign-in owes: a code (a factor is enrolled), or an enrolment (staff without one). */
export async function secondFactorOwed(
  db: Db,
  memberId: number,
): Promise<{ enrolled: boolean; staff: boolean }> {
  const account = await findAccount(db, memberId)
  return {
    enrolled: await hasSecondFactor(db, memberId),
    staff: account !== undefined && isStaff(account.role),
  }
}

export interface SecondFactorSummary {
  enrolled: boolean
  enrolledAt: Date | null
  recoveryCodesLeft: number
}

export async function secondFactorSummary(db: Db, memberId: number): Promise<SecondFactorSummary> {
  const factor = await findFactor(db, memberId)
  const codes = await db
    .selectFrom('member_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('left'))
    .where('member_id', '=', memberId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return {
    enrolled: Boolean(factor?.confirmed_at),
    enrolledAt: factor?.confirmed_at ?? null,
    recoveryCodesLeft: Number(codes.left),
  }
}

function totp(secret: string, label: string): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: secondFactorPolicy.period,
    secret: Secret.fromBase32(secret),
  })
}

/** The time step a code belongs to, or undefined when it fits none of the accepted ones. */
function stepOf(secret: string, code: string, clock: Clock): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined
  const timestamp = clock.now().getTime()
  const delta = totp(secret, '').validate({ token: code, timestamp, window: secondFactorPolicy.window })
  if (delta === null) return undefined
  return Math.floor(timestamp / 1000 / secondFactorPolicy.period) + delta
}

// ---------------------------------------------------------------------------------------
// Enrolment

export interface Enrolment {
  /** Base32, grouped by four for typing. */
  secretText: string
  /** The otpauth:// address the QR code holds. */
  uri: string
}

/**
 * The enrolment in progress (the same secret on every visit, so a scanned code stays good),
 * or a new one. Undefined when the member is enrolled already.
 */
export async function startEnrolment(
  db: Db,
  keys: SecondFactorKeys,
  memberId: number,
): Promise<Enrolment | undefined> {
  const account = await findAccount(db, memberId)
  if (!account) throw new NotFoundError()
  const existing = await findFactor(db, memberId)
  if (existing?.confirmed_at) return undefined
  let secret = existing ? decryptSecret(keys.secretKey, existing.secret) : undefined
  if (!secret) {
    secret = new Secret({ size: 20 }).base32
    await db
      .insertInto('member_second_factors')
      .values({ member_id: memberId, secret: encryptSecret(keys.secretKey, secret) })
      .onConflict((oc) =>
        oc
          .column('member_id')
          .doUpdateSet({ secret: encryptSecret(keys.secretKey, secret!) })
          .where('member_second_factors.confirmed_at', 'is', null),
      )
      .execute()
  }
  return { secretText: secret.match(/.{1,4}/g)!.join(' '), uri: totp(secret, account.email).toString() }
}

/** The QR code of the enrolment in progress as an SVG image (no styles, no scripts). */
export async function enrolmentQrCode(db: Db, keys: SecondFactorKeys, memberId: number): Promise<string> {
  const enrolment = await startEnrolment(db, keys, memberId)
  if (!enrolment) throw new NotFoundError()
  return QRCode.toString(enrolment.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
}

/**
 * Confirms the enrolment with a first code: the factor holds from now on, other sessions end
 * (they never passed it), and the recovery codes come back, to be shown once.
 */
export async function confirmEnrolment(
  db: Db,
  keys: SecondFactorKeys,
  clock: Clock,
  memberId: number,
  input: { code: string; keepSessionId: string },
): Promise<{ recoveryCodes: string[] }> {
  const account = await findAccount(db, memberId)
  const factor = await findFactor(db, memberId)
  if (!account || !factor || factor.confirmed_at) throw new NotFoundError()
  const secret = decryptSecret(keys.secretKey, factor.secret)
  const step = secret ? stepOf(secret, input.code.trim(), clock) : undefined
  if (step === undefined) throw new ValidationError({ code: { key: 'secondFactor.wrongCode' } })
  return db.transaction().execute(async (trx) => {
    const confirmed = await trx
      .updateTable('member_second_factors')
      .set({ confirmed_at: sql`now()`, last_used_step: step })
      .where('member_id', '=', memberId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst()
    if (Number(confirmed.numUpdatedRows) === 0) throw new NotFoundError()
    const recoveryCodes = await replaceRecoveryCodes(trx, keys, memberId)
    await endAllSessions(trx, memberId, input.keepSessionId)
    await noteEvent(trx, account, 'second_factor.enrolled', 'account.second_factor_enrolled')
    return { recoveryCodes }
  })
}

async function replaceRecoveryCodes(trx: Db, keys: SecondFactorKeys, memberId: number): Promise<string[]> {
  const codes = Array.from({ length: secondFactorPolicy.recoveryCodes }, newRecoveryCode)
  await trx.deleteFrom('member_recovery_codes').where('member_id', '=', memberId).execute()
  await trx
    .insertInto('member_recovery_codes')
    .values(
      codes.map((code) => ({
        member_id: memberId,
        code_hash: hashRecoveryCode(keys.codePepper, normaliseRecoveryCode(code)),
      })),
    )
    .execute()
  return codes
}

/** New recovery codes (the old ones stop working); the caller asked for the factor just now. */
export async function renewRecoveryCodes(
  db: Db,
  keys: SecondFactorKeys,
  memberId: number,
): Promise<{ recoveryCodes: string[] }> {
  const account = await findAccount(db, memberId)
  if (!account || !(await hasSecondFactor(db, memberId))) throw new NotFoundError()
  return db.transaction().execute(async (trx) => {
    const recoveryCodes = await replaceRecoveryCodes(trx, keys, memberId)
    await noteEvent(trx, account, 'second_factor.recovery_codes_renewed', 'account.recovery_codes_renewed')
    return { recoveryCodes }
  })
}

/** A member turns the factor off; staff cannot (it is mandatory for them). */
export async function disableSecondFactor(db: Db, memberId: number): Promise<void> {
  const account = await findAccount(db, memberId)
  if (!account) throw new NotFoundError()
  if (isStaff(account.role)) throw new ForbiddenError()
  await db.transaction().execute(async (trx) => {
    await removeFactor(trx, memberId)
    await noteEvent(trx, account, 'second_factor.disabled', 'account.second_factor_disabled')
  })
}

/**
 * An admin resets another member's factor (a lost phone and no recovery codes): it is removed,
 * the member's sessions end, and they enrol again at their next sign-in (staff must).
 */
export async function resetSecondFactor(
  db: Db,
  actor: { id: number; role: Role },
  memberId: number,
): Promise<{ hadFactor: boolean }> {
  if (actor.role !== 'admin' || actor.id === memberId) throw new ForbiddenError()
  const account = await findAccount(db, memberId)
  if (!account) throw new NotFoundError()
  return db.transaction().execute(async (trx) => {
    const hadFactor = await removeFactor(trx, memberId)
    if (!hadFactor) return { hadFactor }
    await endAllSessions(trx, memberId)
    await recordAudit(trx, { action: 'second_factor.reset', actorId: actor.id, subjectId: memberId })
    await mailMember(trx, account, 'account.second_factor_reset')
    return { hadFactor }
  })
}

/** The operator's reset from the CLI (no admin left who could do it). */
export async function resetSecondFactorByOperator(db: Db, memberId: number): Promise<boolean> {
  const account = await findAccount(db, memberId)
  if (!account) throw new NotFoundError()
  return db.transaction().execute(async (trx) => {
    const hadFactor = await removeFactor(trx, memberId)
    await endAllSessions(trx, memberId)
    await recordAudit(trx, { action: 'second_factor.reset', subjectId: memberId, details: { via: 'cli' } })
    await mailMember(trx, account, 'account.second_factor_reset')
    return hadFactor
  })
}

async function removeFactor(trx: Db, memberId: number): Promise<boolean> {
  await trx.deleteFrom('member_recovery_codes').where('member_id', '=', memberId).execute()
  const removed = await trx
    .deleteFrom('member_second_factors')
    .where('member_id', '=', memberId)
    .executeTakeFirst()
  return Number(removed.numDeletedRows) > 0
}

async function noteEvent(trx: Db, account: Account, action: AuditAction, template: string, params = {}) {
  await recordAudit(trx, { action, actorId: account.id, subjectId: account.id })
  await mailMember(trx, account, template, params)
}

// ---------------------------------------------------------------------------------------
// Checking a code

export interface SecondFactorAnswer {
  /** The 6 digits from the app. */
  code?: string
  /** One of the recovery codes. */
  recoveryCode?: string
}

const withinWindow = sql<boolean>`at > now() - make_interval(mins => ${secondFactorPolicy.windowMinutes})`

async function failuresOf(db: Db, email: string): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('kind', '=', 'second_factor')
    .where('email', '=', email)
    .where(withinWindow)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

async function recordFailure(db: Db, account: Account, failuresBefore: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('login_failures').values({ email: account.email, kind: 'second_factor' }).execute()
    await recordAudit(trx, { action: 'second_factor.failed', actorId: account.id, subjectId: account.id })
    // The attempt that reaches the limit tells the owner, once per window.
    if (failuresBefore + 1 === secondFactorPolicy.failuresPerAccount) {
      await noteEvent(trx, account, 'second_factor.locked', 'account.second_factor_locked')
    }
  })
}

/**
 * Checks the answer to "your second factor, please" (at sign-in, or again before a sensitive
 * action). Throws ValidationError for a wrong, used or malformed code, TooManyAttemptsError
 * when the account refuses codes for now.
 */
export async function verifySecondFactor(
  db: Db,
  keys: SecondFactorKeys,
  clock: Clock,
  memberId: number,
  answer: SecondFactorAnswer,
): Promise<{ usedRecoveryCode: boolean }> {
  const field = answer.recoveryCode !== undefined ? 'recoveryCode' : 'code'
  const account = await findAccount(db, memberId)
  const factor = await findFactor(db, memberId)
  if (!account || !factor?.confirmed_at)
    throw new ValidationError({ [field]: { key: 'secondFactor.notEnrolled' } })
  const failures = await failuresOf(db, account.email)
  if (failures >= secondFactorPolicy.failuresPerAccount) {
    throw new TooManyAttemptsError({ [field]: { key: 'secondFactor.locked' } })
  }
  const accepted =
    field === 'recoveryCode'
      ? await useRecoveryCode(db, keys, account, answer.recoveryCode ?? '')
      : await useCode(db, keys, clock, memberId, factor.secret, answer.code ?? '')
  if (accepted !== true) {
    await recordFailure(db, account, failures)
    throw new ValidationError({ [field]: { key: accepted } })
  }
  await db
    .deleteFrom('login_failures')
    .where('kind', '=', 'second_factor')
    .where('email', '=', account.email)
    .execute()
  return { usedRecoveryCode: field === 'recoveryCode' }
}

async function useCode(
  db: Db,
  keys: SecondFactorKeys,
  clock: Clock,
  memberId: number,
  storedSecret: string,
  code: string,
): Promise<true | string> {
  const secret = decryptSecret(keys.secretKey, storedSecret)
  if (!secret) return 'secondFactor.unreadable'
  const step = stepOf(secret, code.replace(/\s/g, ''), clock)
  if (step === undefined) return 'secondFactor.wrongCode'
  // Compare-and-set: of two requests with the same code, one wins.
  const used = await db
    .updateTable('member_second_factors')
    .set({ last_used_step: step })
    .where('member_id', '=', memberId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', String(step))]))
    .executeTakeFirst()
  return Number(used.numUpdatedRows) > 0 ? true : 'secondFactor.usedCode'
}

async function useRecoveryCode(
  db: Db,
  keys: SecondFactorKeys,
  account: Account,
  typed: string,
): Promise<true | string> {
  const normalised = normaliseRecoveryCode(typed)
  if (!looksLikeRecoveryCode(normalised)) return 'secondFactor.wrongRecoveryCode'
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('member_recovery_codes')
      .set({ used_at: sql`now()` })
      .where('member_id', '=', account.id)
      .where('code_hash', '=', hashRecoveryCode(keys.codePepper, normalised))
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (Number(used.numUpdatedRows) === 0) return 'secondFactor.wrongRecoveryCode'
    const left = await trx
      .selectFrom('member_recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('left'))
      .where('member_id', '=', account.id)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow()
    await noteEvent(trx, account, 'second_factor.recovery_code_used', 'account.recovery_code_used', {
      left: Number(left.left),
    })
    return true as const
  })
}
