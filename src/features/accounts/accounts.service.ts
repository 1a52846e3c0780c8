// What a person does with their account: apply, confirm, sign in, reset and change things.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail, mailMember } from '../../core/mail/mail.queue.ts'
import { findMemberById, moveStatus } from '../../core/members/members.repository.ts'
import { endAllSessions } from '../../core/sessions/session-store.ts'
import type { Db } from '../../db/database.ts'
import type { Locale, Member } from '../../db/schema.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { findOrganisationById, isOfficialDomain } from '../organisations/organisations.repository.ts'
import { emailDomain } from '../organisations/organisations.validation.ts'
import {
  clearLoginFailures,
  countRecentLoginFailures,
  findMemberByEmail,
  recordLoginFailure,
} from './accounts.repository.ts'
import { acceptInvitation, findOpenInvitation } from './invitations.ts'
import {
  dummyPasswordHash,
  hashPassword,
  isCommonPassword,
  maxPasswordLength,
  minPasswordLength,
  verifyPassword,
} from './passwords.ts'
import { consumeToken, issueToken } from './tokens.ts'

export const loginLockout = { failures: 5, minutes: 15 }
/** How long a verification holds before the member must re-confirm their official address. */
export const verificationMonths = 12

export function passwordProblems(password: string, field = 'password'): FieldErrors {
  if (password.length < minPasswordLength)
    return { [field]: { key: 'account.password.tooShort', params: { min: minPasswordLength } } }
  if (password.length > maxPasswordLength)
    return { [field]: { key: 'validation.tooLong', params: { max: maxPasswordLength } } }
  if (isCommonPassword(password)) return { [field]: { key: 'account.password.common' } }
  return {}
}

export interface Application {
  name: string
  email: string
  organisationId: number | undefined
  jobTitle: string
  statement: string
  password: string
  invitationToken?: string
  locale: Locale
}

/**
 * Registers an applicant and mails the confirmation link. An address that is already
 * registered gets a different mail, and the page says the same either way, so the form
 * cannot be used to find out who is a member.
 */
export async function registerApplicant(db: Db, application: Application): Promise<{ errors?: FieldErrors }> {
  const errors: FieldErrors = { ...passwordProblems(application.password) }
  const organisation =
    application.organisationId === undefined
      ? undefined
      : await findOrganisationById(db, application.organisationId)
  if (!organisation) errors.organisationId = { key: 'register.organisation.missing' }
  if (Object.keys(errors).length > 0) return { errors }
  const passwordHash = await hashPassword(application.password)

  await db.transaction().execute(async (trx) => {
    const existing = await findMemberByEmail(trx, application.email)
    if (existing) {
      await mailMember(trx, existing, 'account.already_registered', {}, application.locale)
      return
    }
    const invitation = application.invitationToken
      ? await findOpenInvitation(trx, application.invitationToken, application.email)
      : undefined
    const member = await trx
      .insertInto('members')
      .values({
        name: application.name,
        email: application.email,
        organisation_id: organisation!.id,
        job_title: application.jobTitle,
        statement: application.statement,
        password_hash: passwordHash,
        locale: application.locale,
        invited_by: invitation?.inviter_id ?? null,
      })
      .returning(['id', 'email', 'name'])
      .executeTakeFirstOrThrow()
    if (invitation) await acceptInvitation(trx, invitation.id, member.id)
    const token = await issueToken(trx, member.id, 'confirm_email')
    await enqueueMail(trx, {
      template: 'account.confirm_email',
      to: member.email,
      locale: application.locale,
      params: { name: member.name, token },
    })
    await recordAudit(trx, { action: 'member.registered', subjectId: member.id, actorId: member.id })
  })
  return {}
}

export type ConfirmOutcome = 'pending_review' | 'verified' | 'invalid'

/** The confirm button's POST: uses the token, then review or (auto-approve domain) verified. */
export async function confirmEmail(db: Db, token: string): Promise<ConfirmOutcome> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'confirm_email')
    if (!used) return 'invalid'
    const member = await findMemberById(trx, used.member_id)
    if (member?.status !== 'pending_email') return 'invalid'
    const organisation = await findOrganisationById(trx, member.organisation_id)
    const official = await isOfficialDomain(trx, member.organisation_id, member.email)
    await recordAudit(trx, { action: 'member.email_confirmed', subjectId: member.id, actorId: member.id })
    if (organisation?.autoApprove && official) {
      await moveStatus(trx, member.id, 'pending_email', {
        status: 'verified',
        email_confirmed_at: sql`now()`,
        verified_at: sql`now()`,
        verified_by: null,
        verification_evidence: `auto-approve: ${emailDomain(member.email)}`,
        verified_until: sql`now() + make_interval(months => ${verificationMonths})`,
      })
      await recordAudit(trx, {
        action: 'member.auto_approved',
        subjectId: member.id,
        details: { domain: emailDomain(member.email), organisationId: member.organisation_id },
      })
      await mailMember(trx, member, 'account.approved')
      return 'verified'
    }
    await moveStatus(trx, member.id, 'pending_email', {
      status: 'pending_review',
      email_confirmed_at: sql`now()`,
    })
    return 'pending_review'
  })
}

export type LoginResult = { member: Member } | { error: 'invalid' | 'locked' }

/**
 * Checks e-mail and password. Unknown addresses cost the same password check as known ones
 * and count towards the same lockout, so timing and messages reveal nothing.
 */
export async function logIn(db: Db, email: string, password: string): Promise<LoginResult> {
  const normalised = email.trim().toLowerCase()
  const [member, failures] = await Promise.all([
    findMemberByEmail(db, normalised),
    countRecentLoginFailures(db, normalised, loginLockout.minutes),
  ])
  const passwordOk = await verifyPassword(member?.password_hash ?? (await dummyPasswordHash()), password)
  if (failures >= loginLockout.failures) {
    await recordAudit(db, { action: 'login.locked', subjectId: member?.id ?? null })
    return { error: 'locked' }
  }
  if (!member || !passwordOk) {
    await recordLoginFailure(db, normalised)
    await recordAudit(db, { action: 'login.failed', subjectId: member?.id ?? null })
    return { error: 'invalid' }
  }
  await clearLoginFailures(db, normalised)
  await recordAudit(db, { action: 'login.succeeded', actorId: member.id, subjectId: member.id })
  return { member }
}

/** Always looks the same to the person asking; mails a link only to an existing account. */
export async function requestPasswordReset(db: Db, email: string, locale: Locale): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const member = await findMemberByEmail(trx, email)
    if (!member || member.status === 'rejected') return
    const token = await issueToken(trx, member.id, 'reset_password')
    await mailMember(trx, member, 'account.reset_password', { token }, locale)
  })
}

export async function resetPassword(
  db: Db,
  token: string,
  password: string,
): Promise<{ errors?: FieldErrors; ok: boolean }> {
  const errors = passwordProblems(password)
  if (Object.keys(errors).length > 0) return { errors, ok: false }
  const passwordHash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'reset_password')
    if (!used) return { ok: false }
    await trx
      .updateTable('members')
      .set({ password_hash: passwordHash, updated_at: sql`now()` })
      .where('id', '=', used.member_id)
      .execute()
    await endAllSessions(trx, used.member_id)
    await clearLoginFailures(trx, (await findMemberById(trx, used.member_id))!.email)
    await recordAudit(trx, { action: 'password.reset', actorId: used.member_id, subjectId: used.member_id })
    return { ok: true }
  })
}

async function checkCurrentPassword(db: Db, memberId: number, currentPassword: string) {
  const member = await findMemberById(db, memberId)
  if (!member || !(await verifyPassword(member.password_hash, currentPassword))) return undefined
  return member
}

export async function changePassword(
  db: Db,
  memberId: number,
  input: { currentPassword: string; newPassword: string; keepSessionId: string },
): Promise<{ errors?: FieldErrors }> {
  const member = await checkCurrentPassword(db, memberId, input.currentPassword)
  if (!member) return { errors: { currentPassword: { key: 'account.currentPassword.wrong' } } }
  const problems = passwordProblems(input.newPassword, 'newPassword')
  if (Object.keys(problems).length > 0) return { errors: problems }
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
  return {}
}

export async function requestEmailChange(
  db: Db,
  memberId: number,
  input: { currentPassword: string; email: string; keepSessionId: string },
): Promise<{ errors?: FieldErrors }> {
  const member = await checkCurrentPassword(db, memberId, input.currentPassword)
  if (!member) return { errors: { currentPassword: { key: 'account.currentPassword.wrong' } } }
  if (member.email.toLowerCase() === input.email.toLowerCase())
    return { errors: { email: { key: 'account.email.same' } } }
  if (await findMemberByEmail(db, input.email)) return { errors: { email: { key: 'account.email.taken' } } }
  await db.transaction().execute(async (trx) => {
    const token = await issueToken(trx, memberId, 'change_email', { newEmail: input.email })
    await enqueueMail(trx, {
      template: 'account.change_email',
      to: input.email,
      locale: member.locale ?? 'de',
      params: { name: member.name, token },
    })
    await endAllSessions(trx, memberId, input.keepSessionId)
    await recordAudit(trx, {
      action: 'email.change_requested',
      actorId: memberId,
      subjectId: memberId,
      details: { newDomain: emailDomain(input.email) },
    })
  })
  return {}
}

export async function confirmEmailChange(db: Db, token: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'change_email')
    if (!used?.new_email) return false
    if (await findMemberByEmail(trx, used.new_email)) return false
    const before = await findMemberById(trx, used.member_id)
    await trx
      .updateTable('members')
      .set({ email: used.new_email, email_confirmed_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', used.member_id)
      .execute()
    await recordAudit(trx, {
      action: 'email.changed',
      actorId: used.member_id,
      subjectId: used.member_id,
      details: {
        fromDomain: before ? emailDomain(before.email) : null,
        toDomain: emailDomain(used.new_email),
      },
    })
    return true
  })
}

export async function resendConfirmation(db: Db, memberId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const member = await findMemberById(trx, memberId)
    if (member?.status !== 'pending_email') return
    const token = await issueToken(trx, member.id, 'confirm_email')
    await mailMember(trx, member, 'account.confirm_email', { token })
  })
}

export async function setLanguage(db: Db, memberId: number, locale: Locale): Promise<void> {
  await db.updateTable('members').set({ locale, updated_at: sql`now()` }).where('id', '=', memberId).execute()
}
