// What moderators decide. Every decision is one transaction that moves the status only if it
// is still what the moderator saw (a named transition of core/members/membership.ts, audited
// with it): of two moderators deciding at once, one wins and the other is told it was already
// decided. Each decision is mailed to the person.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { mailMember } from '../../core/mail/mail.queue.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import { findMemberSummary } from '../../core/members/members.repository.ts'
import { transition, verificationRecord } from '../../core/members/membership.ts'
import type { Db } from '../../db/database.ts'
import type { Role } from '../../db/schema.ts'
import {
  ConflictError,
  type FieldErrors,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../lib/errors.ts'
import { mixedScripts } from '../../lib/scripts.ts'
import {
  emailDomain,
  findOrganisationById,
  isOfficialDomain,
  isPublicMailDomain,
} from '../organisations/organisations.service.ts'
import { insertQuestion, questionsByApplicant } from './applicant-questions.ts'
import { listApplicantRows } from './moderation.repository.ts'

const alreadyDecided = () => new ConflictError('moderation.alreadyDecided')

/** Moderators act on members; only admins act on moderators and admins; nobody on themselves. */
export function canModerate(actor: CurrentMember, target: { id: number; role: Role }): boolean {
  if (actor.id === target.id) return false
  if (actor.role === 'admin') return true
  return actor.role === 'moderator' && target.role === 'member'
}

/** What the directory tells the moderators about an address (and the operator's own list). */
export interface ModerationPolicy {
  publicMailDomains: readonly string[]
}

const noPolicy: ModerationPolicy = { publicMailDomains: [] }

/** The review queue: an address at a public mail provider is never evidence, even if listed. */
export async function listApplicants(db: Db, policy: ModerationPolicy = noPolicy) {
  const rows = await listApplicantRows(db)
  const questions = await questionsByApplicant(
    db,
    rows.map((row) => row.id),
  )
  return rows.map((row) => {
    const domain = emailDomain(row.email)
    const publicProvider = domain !== null && isPublicMailDomain(domain, policy.publicMailDomains)
    return {
      ...row,
      publicProvider,
      official_domain: row.official_domain && !publicProvider,
      // A name in several scripts may be made to pass for someone else (lib/scripts.ts).
      mixedScripts: mixedScripts(row.name).join(', '),
      questions: questions.get(row.id) ?? [],
    }
  })
}

async function evidenceFor(db: Db, memberId: number, policy: ModerationPolicy): Promise<string> {
  const row = await db
    .selectFrom('members as m')
    .leftJoin('members as inviter', 'inviter.id', 'm.invited_by')
    .select(['m.email', 'm.organisation_id', 'inviter.name as inviter_name'])
    .where('m.id', '=', memberId)
    .executeTakeFirst()
  if (!row) throw new NotFoundError()
  const official = await isOfficialDomain(db, row.organisation_id, row.email, policy.publicMailDomains)
  const domain = emailDomain(row.email)
  const parts = [
    `email confirmed (${domain})`,
    official
      ? 'official domain'
      : domain && isPublicMailDomain(domain, policy.publicMailDomains)
        ? 'public mail provider'
        : 'domain not listed',
  ]
  if (row.inviter_name) parts.push(`invited by ${row.inviter_name}`)
  return parts.join('; ')
}

export async function approveApplicant(
  db: Db,
  moderator: CurrentMember,
  applicantId: number,
  note: string,
  policy: ModerationPolicy = noPolicy,
) {
  await db.transaction().execute(async (trx) => {
    const evidence = [await evidenceFor(trx, applicantId, policy), note].filter(Boolean).join('; ')
    const member = await transition(trx, applicantId, 'approve', {
      actorId: moderator.id,
      changes: { ...verificationRecord(moderator.id, evidence), status_reason: null },
      details: { evidence },
    })
    if (!member) throw alreadyDecided()
    await mailMember(trx, member, 'account.approved')
  })
}

export async function rejectApplicant(db: Db, moderator: CurrentMember, applicantId: number, reason: string) {
  await db.transaction().execute(async (trx) => {
    const member = await transition(trx, applicantId, 'reject', {
      actorId: moderator.id,
      changes: { status_reason: reason },
      details: { reason },
    })
    if (!member) throw (await findMemberSummary(trx, applicantId)) ? alreadyDecided() : new NotFoundError()
    await mailMember(trx, member, 'account.rejected', { reason })
  })
}

export async function askApplicant(
  db: Db,
  moderator: CurrentMember,
  applicantId: number,
  question: string,
  contact: string,
) {
  await db.transaction().execute(async (trx) => {
    const member = await findMemberSummary(trx, applicantId)
    if (!member) throw new NotFoundError()
    if (member.status !== 'pending_review') throw alreadyDecided()
    await recordAudit(trx, {
      action: 'member.question_asked',
      actorId: moderator.id,
      subjectId: applicantId,
      details: { question },
    })
    // The question waits on the applicant's status page, where it is answered.
    await insertQuestion(trx, { memberId: applicantId, askedBy: moderator.id, question })
    await mailMember(trx, member, 'account.question', { question, contact })
  })
}

async function loadTarget(db: Db, actor: CurrentMember, memberId: number) {
  const target = await findMemberSummary(db, memberId)
  if (!target) throw new NotFoundError()
  if (!canModerate(actor, target)) throw new ForbiddenError()
  return target
}

/** A suspension's end (YYYY-MM-DD, or none) must lie after today. */
export function suspensionEndProblems(until: string, now: Date): FieldErrors {
  if (until === '' || new Date(`${until}T00:00:00Z`).getTime() > now.getTime()) return {}
  return { until: { key: 'moderation.suspend.untilPast' } }
}

export async function suspendMember(
  db: Db,
  moderator: CurrentMember,
  memberId: number,
  input: { reason: string; until: string },
  now: Date = new Date(),
  /** What the suspension is about (e.g. the reported post), for the audit entry. */
  about: Record<string, unknown> = {},
) {
  const problems = suspensionEndProblems(input.until, now)
  if (Object.keys(problems).length > 0) throw new ValidationError(problems)
  const until = input.until || null
  await db.transaction().execute(async (trx) => {
    await loadTarget(trx, moderator, memberId)
    // The transition ends every open session at once.
    const member = await transition(trx, memberId, 'suspend', {
      actorId: moderator.id,
      changes: { status_reason: input.reason, suspended_until: until ? sql<Date>`${until}::date` : null },
      details: { ...about, reason: input.reason, until },
    })
    if (!member) throw alreadyDecided()
    await mailMember(trx, member, 'account.suspended', { reason: input.reason, until })
  })
}

export async function unsuspendMember(db: Db, moderator: CurrentMember, memberId: number) {
  await db.transaction().execute(async (trx) => {
    await loadTarget(trx, moderator, memberId)
    const member = await transition(trx, memberId, 'unsuspend', {
      actorId: moderator.id,
      changes: { status_reason: null, suspended_until: null },
    })
    if (!member) throw alreadyDecided()
  })
}

export async function changeRole(db: Db, admin: CurrentMember, memberId: number, role: Role) {
  if (admin.role !== 'admin') throw new ForbiddenError()
  await db.transaction().execute(async (trx) => {
    const target = await loadTarget(trx, admin, memberId)
    if (target.role === role) return
    await trx
      .updateTable('members')
      .set({ role, updated_at: sql`now()` })
      .where('id', '=', memberId)
      .execute()
    await recordAudit(trx, {
      action: 'member.role_changed',
      actorId: admin.id,
      subjectId: memberId,
      details: { from: target.role, to: role },
    })
  })
}

export async function moveToOrganisation(
  db: Db,
  moderator: CurrentMember,
  memberId: number,
  organisationId: number,
) {
  await db.transaction().execute(async (trx) => {
    const target = await loadTarget(trx, moderator, memberId)
    const organisation = await findOrganisationById(trx, organisationId)
    if (!organisation) throw new NotFoundError()
    if (target.organisation_id === organisationId) return
    await trx
      .updateTable('members')
      .set({ organisation_id: organisationId, updated_at: sql`now()` })
      .where('id', '=', memberId)
      .execute()
    await recordAudit(trx, {
      action: 'member.organisation_changed',
      actorId: moderator.id,
      subjectId: memberId,
      details: { from: target.organisation_id, to: organisationId },
    })
  })
}

export { type ApplicantQuestion, answerQuestion, questionsOf } from './applicant-questions.ts'
// What other features use of moderation (the import rule: only this module): muting, and the
// moderation's marks of a thread shown at its top.
export { isMuted, mutedIdsColumn } from './mutes.ts'
export { type ThreadModerationMarks, threadMarksColumn } from './thread-tools.repository.ts'
export { canMarkResult } from './thread-tools.service.ts'
