// Signing in, and the limits that keep guessing slow without letting anyone lock the owner out.
//
// Only failures count (a town hall's colleagues signing in at 7 o'clock behind one proxy cost
// nothing). A failure remembers the address tried, the client (a keyed hash of its address,
// IPv6 by /64) and the device cookie when the browser had one for that account. Then:
// - one address from one source (that device, or that client without one): 5 failures lock
//   that source for 15 minutes, even against the right password;
// - one address from everywhere without its device cookie: 20 failures lock strangers out, but
//   the owner's own browsers (device cookie) still get in, and the owner is mailed an unlock link;
// - one client, whatever the address: 100 failures (password spraying).
// The same counting guards the current password on the account page.
import { createHmac } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { mailMember } from '../../core/mail/mail.queue.ts'
import type { Db } from '../../db/database.ts'
import type { FeatureDeps } from '../../deps.ts'
import { ValidationError } from '../../lib/errors.ts'
import { clientKey } from './client-key.ts'
import { type Device, type DeviceCookieOptions, readDevice } from './device-cookie.ts'
import { dummyPasswordHash, verifyPassword } from './passwords.ts'
import { TooManyAttemptsError } from './refusals.ts'
import { consumeToken, issueToken } from './tokens.ts'

export const signInLimits = {
  windowMinutes: 15,
  perAccountAndSource: 5,
  perAccountFromStrangers: 20,
  perClient: 100,
  currentPasswordPerAccount: 5,
} as const

/** Where an attempt comes from. */
export interface SignInSource {
  /** Keyed hash of the client key (never the address itself). */
  client: string
  device: Device | undefined
}

export function deviceCookieOptions(deps: FeatureDeps): DeviceCookieOptions {
  return { key: deps.deriveKey('device-cookie'), secure: deps.config.secureCookies }
}

export function signInSource(request: FastifyRequest, deps: FeatureDeps): SignInSource {
  const client = createHmac('sha256', deps.deriveKey('client-key'))
    .update(clientKey(request.ip))
    .digest('base64url')
    .slice(0, 22)
  return { client, device: readDevice(request, deviceCookieOptions(deps)) }
}

const withinWindow = sql<boolean>`at > now() - make_interval(mins => ${signInLimits.windowMinutes})`

interface FailureCounts {
  sameSource: number
  strangers: number
  fromClient: number
}

async function countFailures(db: Db, email: string, source: SignInSource, device: string | null) {
  const sameSource = device
    ? sql<boolean>`email = ${email} and device = ${device}`
    : sql<boolean>`email = ${email} and device is null and client = ${source.client}`
  const row = await db
    .selectFrom('login_failures')
    .select([
      sql<number>`count(*) filter (where ${sameSource})`.as('sameSource'),
      sql<number>`count(*) filter (where email = ${email} and device is null)`.as('strangers'),
      sql<number>`count(*) filter (where client = ${source.client})`.as('fromClient'),
    ])
    .where('kind', '=', 'sign_in')
    .where(withinWindow)
    .where((eb) => eb.or([eb('email', '=', email), eb('client', '=', source.client)]))
    .executeTakeFirstOrThrow()
  return {
    sameSource: Number(row.sameSource),
    strangers: Number(row.strangers),
    fromClient: Number(row.fromClient),
  } satisfies FailureCounts
}

function isLocked(counts: FailureCounts, trusted: boolean): boolean {
  if (counts.sameSource >= signInLimits.perAccountAndSource) return true
  if (trusted) return false
  return (
    counts.strangers >= signInLimits.perAccountFromStrangers || counts.fromClient >= signInLimits.perClient
  )
}

/**
 * At most one unlock mail (and one audit entry) per member and window, however often the lock
 * is hit: a flood of locked attempts costs no password check and writes nothing more.
 */
async function noteLock(
  db: Db,
  member: { id: number; email: string; name: string; locale: 'de' | 'en' | null },
) {
  const recent = await db
    .selectFrom('member_tokens')
    .select('member_id')
    .where('member_id', '=', member.id)
    .where('purpose', '=', 'unlock_sign_in')
    .where('created_at', '>', sql<Date>`now() - make_interval(mins => ${signInLimits.windowMinutes})`)
    .executeTakeFirst()
  if (recent) return
  const token = await issueToken(db, member.id, 'unlock_sign_in')
  await mailMember(db, member, 'account.unlock_sign_in', { token })
  await recordAudit(db, { action: 'login.locked', subjectId: member.id })
}

function findAccount(db: Db, email: string) {
  return db
    .selectFrom('members')
    .select(['id', 'email', 'name', 'locale', 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst()
}

const invalid = () => new ValidationError({ email: { key: 'login.invalid' } })

/**
 * Checks e-mail and password and returns the member's id. Unknown addresses cost the same
 * password check as known ones and are counted and locked the same, so neither the answer nor
 * its timing says whether an address is registered.
 */
export async function logIn(
  db: Db,
  input: { email: string; password: string; source: SignInSource },
): Promise<{ memberId: number }> {
  const email = input.email.trim().toLowerCase()
  const member = await findAccount(db, email)
  // A device cookie counts only for the account it was set for.
  const device = member && input.source.device?.memberId === member.id ? input.source.device.id : null
  const counts = await countFailures(db, email, input.source, device)
  if (isLocked(counts, device !== null)) {
    if (member) await db.transaction().execute((trx) => noteLock(trx, member))
    throw new TooManyAttemptsError({ email: { key: 'login.locked' } })
  }
  const passwordOk = await verifyPassword(
    member?.password_hash ?? (await dummyPasswordHash()),
    input.password,
  )
  if (!member || !passwordOk) {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('login_failures')
        .values({ email: email.slice(0, 254), client: input.source.client, device })
        .execute()
      await recordAudit(trx, { action: 'login.failed', subjectId: member?.id ?? null })
    })
    throw invalid()
  }
  await db.transaction().execute(async (trx) => {
    // This source starts afresh; what strangers tried elsewhere keeps counting.
    await trx
      .deleteFrom('login_failures')
      .where('kind', '=', 'sign_in')
      .where('email', '=', email)
      .where((eb) =>
        device
          ? eb.or([
              eb('device', '=', device),
              eb.and([eb('device', 'is', null), eb('client', '=', input.source.client)]),
            ])
          : eb.and([eb('device', 'is', null), eb('client', '=', input.source.client)]),
      )
      .execute()
    await recordAudit(trx, { action: 'login.succeeded', actorId: member.id, subjectId: member.id })
  })
  return { memberId: member.id }
}

/** The unlock link's button: the account's failures are forgotten. Returns the member, or undefined. */
export async function unlockSignIn(db: Db, token: string): Promise<{ memberId: number } | undefined> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'unlock_sign_in')
    if (!used) return undefined
    const member = await trx
      .selectFrom('members')
      .select(['id', 'email'])
      .where('id', '=', used.member_id)
      .executeTakeFirst()
    if (!member) return undefined
    await trx.deleteFrom('login_failures').where('email', '=', member.email).execute()
    await recordAudit(trx, { action: 'login.unlocked', actorId: member.id, subjectId: member.id })
    return { memberId: member.id }
  })
}

/**
 * The current password, asked for before the password or the address is changed. A stolen
 * session may not guess it: 5 wrong answers in 15 minutes and the form refuses (429).
 */
export async function checkCurrentPassword(db: Db, memberId: number, password: string) {
  const member = await db
    .selectFrom('members')
    .select(['id', 'email', 'name', 'locale', 'organisation_id', 'status', 'password_hash'])
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow()
  const failures = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('kind', '=', 'current_password')
    .where('email', '=', member.email)
    .where(withinWindow)
    .executeTakeFirstOrThrow()
  if (Number(failures.count) >= signInLimits.currentPasswordPerAccount) {
    throw new TooManyAttemptsError({ currentPassword: { key: 'account.currentPassword.locked' } })
  }
  if (!(await verifyPassword(member.password_hash, password))) {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('login_failures')
        .values({ email: member.email, kind: 'current_password' })
        .execute()
      await recordAudit(trx, { action: 'password.check_failed', actorId: member.id, subjectId: member.id })
    })
    throw new ValidationError({ currentPassword: { key: 'account.currentPassword.wrong' } })
  }
  const { password_hash: _hash, ...rest } = member
  return rest
}

/** After a password reset the owner starts afresh everywhere. */
export async function forgetFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('login_failures').where('email', '=', email).execute()
}
