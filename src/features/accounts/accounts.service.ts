// What a signed-in member does with their account: password, address, language, sessions.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail, mailMember } from '../../core/mail/mail.queue.ts'
import { transition } from '../../core/members/membership.ts'
import { endAllSessions, hashSessionId } from '../../core/sessions/session-store.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import { ValidationError } from '../../lib/errors.ts'
import { deleteSession, findAccountProfile, findMemberByEmail, listSessions } from './accounts.repository.ts'
import { describeDevice } from './device-name.ts'
import {
  emailDomain,
  findOrganisationById,
  officialDomainsOf,
  organisationOfAddress,
} from './official-addresses.ts'
import { hashPassword, passwordProblems } from './passwords.ts'
import { checkCurrentPassword } from './sign-in.ts'
import { consumeToken, issueToken } from './tokens.ts'

/** For profiles' succession: an invitation in the caller's transaction. */
export { sendInvitation } from './invitations.ts'
// For other features (e.g. a profile form that lets members rename themselves).
export { staffNameProblem } from './look-alikes.ts'
/** The password rules and tokens of members, for guests' accounts too (features/guests). */
export { hashPassword, passwordProblems } from './passwords.ts'
export { hashToken, looksLikeToken, newToken } from './tokens.ts'

/** The account page: profile, organisation and open sessions; never the password hash. */
export async function loadAccountPage(db: Db, memberId: number, currentSessionId: string) {
  const profile = await findAccountProfile(db, memberId)
  const organisation = await findOrganisationById(db, profile.organisation_id)
  const currentHash = hashSessionId(currentSessionId)
  const sessions = (await listSessions(db, memberId)).map((session) => ({
    id: session.sid_hash,
    device: describeDevice(session.user_agent),
    userAgent: session.user_agent,
    createdAt: session.created_at,
    lastSeenAt: session.last_seen_at,
    current: session.sid_hash === currentHash,
  }))
  return { profile, organisationName: organisation?.name ?? '', sessions }
}

export async function changePassword(
  db: Db,
  memberId: number,
  input: { currentPassword: string; newPassword: string; keepSessionId: string },
): Promise<void> {
  await checkCurrentPassword(db, memberId, input.currentPassword)
  const problems = passwordProblems(input.newPassword, 'newPassword')
  if (Object.keys(problems).length > 0) throw new ValidationError(problems)
  const passwordHash = await hashPassword(input.newPassword)
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('members')
      .set({ password_hash: passwordHash, updated_at: sql`now()` })
      .where('id', '=', memberId)
      .execute()
    await endAllSessions(trx, memberId, input.keepSessionId)
    await recordAudit(trx, { action: 'password.changed', actorId: memberId, subjectId: memberId })
  })
}

export type EmailChangeRequest = { movesTo: undefined } | { movesTo: string }

/**
 * Mails a confirmation link to a new address. Verification is bound to an official address, so
 * the new one must be at an official domain of the member's organisation, or of another
 * organisation (confirming it then moves the member there and back into review). Whether the
 * address is already someone's account is not told: that owner gets a notice instead of a link.
 */
export async function requestEmailChange(
  db: Db,
  memberId: number,
  input: { currentPassword: string; email: string; keepSessionId: string },
): Promise<EmailChangeRequest> {
  const member = await checkCurrentPassword(db, memberId, input.currentPassword)
  if (member.email.toLowerCase() === input.email.toLowerCase()) {
    throw new ValidationError({ email: { key: 'account.email.same' } })
  }
  const owner = await organisationOfAddress(db, input.email)
  if (!owner) {
    const domains = await officialDomainsOf(db, member.organisation_id)
    throw new ValidationError({
      email: domains.length
        ? { key: 'account.email.notOfficial', params: { domains: domains.join(', ') } }
        : { key: 'account.email.notOfficialAnywhere' },
    })
  }
  await db.transaction().execute(async (trx) => {
    const taken = await findMemberByEmail(trx, input.email)
    if (taken) {
      await mailMember(trx, taken, 'account.email_in_use')
    } else {
      const token = await issueToken(trx, memberId, 'change_email', { newEmail: input.email })
      await enqueueMail(trx, {
        template: 'account.change_email',
        to: input.email,
        locale: member.locale ?? 'de',
        params: { name: member.name, token },
      })
    }
    await endAllSessions(trx, memberId, input.keepSessionId)
    await recordAudit(trx, {
      action: 'email.change_requested',
      actorId: memberId,
      subjectId: memberId,
      details: { newDomain: emailDomain(input.email), toOrganisationId: owner.organisationId },
    })
  })
  return { movesTo: owner.organisationId === member.organisation_id ? undefined : owner.name }
}

export type EmailChangeOutcome = 'changed' | 'review' | 'invalid'

/**
 * The new address's confirm button. An address of the member's own organisation simply replaces
 * the old one; an address of another organisation moves the member there, and a moderator looks
 * again (the member keeps signing in, but sees the status page until then).
 */
export async function confirmEmailChange(db: Db, token: string): Promise<EmailChangeOutcome> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'change_email')
    if (!used?.new_email) return 'invalid'
    if (await findMemberByEmail(trx, used.new_email)) return 'invalid'
    const before = await trx
      .selectFrom('members')
      .select(['id', 'email', 'organisation_id', 'status'])
      .where('id', '=', used.member_id)
      .forUpdate()
      .executeTakeFirst()
    if (!before) return 'invalid'
    const owner = await organisationOfAddress(trx, used.new_email)
    const stays = owner?.organisationId === before.organisation_id
    const changes = {
      email: used.new_email,
      organisation_id: owner?.organisationId ?? before.organisation_id,
      email_confirmed_at: sql<Date>`now()`,
    }
    const details = {
      fromDomain: emailDomain(before.email),
      toDomain: emailDomain(used.new_email),
      ...(stays
        ? {}
        : { fromOrganisationId: before.organisation_id, toOrganisationId: owner?.organisationId ?? null }),
    }
    const movesToReview = !stays && before.status === 'verified'
    if (movesToReview) {
      if (!(await transition(trx, before.id, 'backToReview', { actorId: before.id, changes, details }))) {
        return 'invalid'
      }
    } else {
      // A suspended (or otherwise not verified) member does not move organisation on the way.
      if (!stays && before.status !== 'pending_review') return 'invalid'
      await trx
        .updateTable('members')
        .set({ ...changes, updated_at: sql`now()` })
        .where('id', '=', before.id)
        .execute()
    }
    await recordAudit(trx, { action: 'email.changed', actorId: before.id, subjectId: before.id, details })
    return movesToReview ? 'review' : 'changed'
  })
}

export async function setLanguage(db: Db, memberId: number, locale: Locale): Promise<void> {
  await db.updateTable('members').set({ locale, updated_at: sql`now()` }).where('id', '=', memberId).execute()
}

/** Ends one of the member's own sessions (from the list on the account page). */
export async function revokeSession(db: Db, memberId: number, sessionHash: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (await deleteSession(trx, memberId, sessionHash)) {
      await recordAudit(trx, { action: 'session.revoked', actorId: memberId, subjectId: memberId })
    }
  })
}

export async function signOutEverywhere(db: Db, memberId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await endAllSessions(trx, memberId)
    await recordAudit(trx, { action: 'logout.everywhere', actorId: memberId, subjectId: memberId })
  })
}
