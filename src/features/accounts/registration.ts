// Applying for membership: register, confirm the address, then review (or auto-approval when
// the organisation allows it and the address is one of its official domains).
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail, mailMember } from '../../core/mail/mail.queue.ts'
import { transition, verificationRecord } from '../../core/members/membership.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { findMemberByEmail } from './accounts.repository.ts'
import { acceptInvitation, findOpenInvitation } from './invitations.ts'
import { staffNameProblem } from './look-alikes.ts'
import { emailDomain, findOrganisationById, isOfficialDomain } from './official-addresses.ts'
import { hashPassword, passwordProblems } from './passwords.ts'
import { consumeToken, issueToken } from './tokens.ts'

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
 * The domain rules of an application, whatever else is wrong with the form (so a form with a
 * bad address still shows a too-short password in the same round).
 */
export async function applicationProblems(
  db: Db,
  application: Pick<Application, 'name' | 'organisationId' | 'password'>,
): Promise<FieldErrors> {
  const errors: FieldErrors = {
    ...(application.password === '' ? {} : passwordProblems(application.password)),
    ...(await staffNameProblem(db, application.name)),
  }
  const organisation =
    application.organisationId === undefined
      ? undefined
      : await findOrganisationById(db, application.organisationId)
  if (!organisation) errors.organisationId = { key: 'register.organisation.missing' }
  return errors
}

/**
 * Registers an applicant and mails the confirmation link. An address that is already
 * registered gets a different mail, and the page says the same either way, so the form
 * cannot be used to find out who is a member.
 */
export async function registerApplicant(db: Db, application: Application): Promise<void> {
  const errors = await applicationProblems(db, application)
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  const organisationId = application.organisationId!
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
        organisation_id: organisationId,
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
}

export type ConfirmOutcome = 'pending_review' | 'verified' | 'invalid'

/** The confirm button's POST: uses the token, then review or (auto-approve domain) verified. */
export async function confirmEmail(db: Db, token: string): Promise<ConfirmOutcome> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'confirm_email')
    if (!used) return 'invalid'
    const member = await trx
      .selectFrom('members')
      .select(['id', 'email', 'name', 'locale', 'status', 'organisation_id'])
      .where('id', '=', used.member_id)
      .executeTakeFirst()
    if (member?.status !== 'pending_email') return 'invalid'
    const organisation = await findOrganisationById(trx, member.organisation_id)
    const official = await isOfficialDomain(trx, member.organisation_id, member.email)
    const domain = emailDomain(member.email)
    if (organisation?.autoApprove && official) {
      await recordAudit(trx, { action: 'member.email_confirmed', subjectId: member.id, actorId: member.id })
      const approved = await transition(trx, member.id, 'autoApprove', {
        actorId: null,
        changes: { email_confirmed_at: sql`now()`, ...verificationRecord(null, `auto-approve: ${domain}`) },
        details: { domain, organisationId: member.organisation_id },
      })
      if (!approved) return 'invalid'
      await mailMember(trx, approved, 'account.approved')
      return 'verified'
    }
    const confirmed = await transition(trx, member.id, 'confirmEmail', {
      actorId: member.id,
      changes: { email_confirmed_at: sql`now()` },
      details: { domain, official },
    })
    return confirmed ? 'pending_review' : 'invalid'
  })
}

export async function resendConfirmation(db: Db, memberId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const member = await trx
      .selectFrom('members')
      .select(['id', 'email', 'name', 'locale', 'status'])
      .where('id', '=', memberId)
      .executeTakeFirst()
    if (member?.status !== 'pending_email') return
    const token = await issueToken(trx, member.id, 'confirm_email')
    await mailMember(trx, member, 'account.confirm_email', { token })
  })
}
