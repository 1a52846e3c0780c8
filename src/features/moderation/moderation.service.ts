// What moderators decide. Every decision is one transaction that moves the status only if it
// is still what the moderator saw: of two moderators deciding at once, one wins and the other
// is told it was already decided. Each decision is audited and mailed to the person.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { mailMember } from '../../core/mail/mail.queue.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import { findMemberById, moveStatus } from '../../core/members/members.repository.ts'
import { endAllSessions } from '../../core/sessions/session-store.ts'
import type { Db } from '../../db/database.ts'
import type { Role } from '../../db/schema.ts'
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.ts'
import { verificationMonths } from '../accounts/accounts.service.ts'
import { isOfficialDomain } from '../organisations/organisations.repository.ts'
import { emailDomain } from '../organisations/organisations.validation.ts'

const alreadyDecided = () => new ConflictError('moderation.alreadyDecided')

/** Moderators act on members; only admins act on moderators and admins; nobody on themselves. */
export function canModerate(actor: CurrentMember, target: { id: number; role: Role }): boolean {
  if (actor.id === target.id) return false
  if (actor.role === 'admin') return true
  return actor.role === 'moderator' && target.role === 'member'
}

async function evidenceFor(db: Db, memberId: number): Promise<string> {
  const row = await db
    .selectFrom('members as m')
    .leftJoin('members as inviter', 'inviter.id', 'm.invited_by')
    .select(['m.email', 'm.organisation_id', 'inviter.name as inviter_name'])
    .where('m.id', '=', memberId)
    .executeTakeFirst()
  if (!row) throw new NotFoundError()
  const official = await isOfficialDomain(db, row.organisation_id, row.email)
  const parts = [
    `email confirmed (${emailDomain(row.email)})`,
    official ? 'official domain' : 'domain not listed',
  ]
  if (row.inviter_name) parts.push(`invited by ${row.inviter_name}`)
  return parts.join('; ')
}

export async function approveApplicant(db: Db, moderator: CurrentMember, applicantId: number, note: string) {
  await db.transaction().execute(async (trx) => {
    const evidence = [await evidenceFor(trx, applicantId), note].filter(Boolean).join('; ')
    const member = await moveStatus(trx, applicantId, 'pending_review', {
      status: 'verified',
      verified_at: sql`now()`,
      verified_by: moderator.id,
      verification_evidence: evidence.slice(0, 2000),
      verified_until: sql`now() + make_interval(months => ${verificationMonths})`,
      status_reason: null,
    })
    if (!member) throw alreadyDecided()
    await recordAudit(trx, {
      action: 'member.approved',
      actorId: moderator.id,
      subjectId: applicantId,
      details: { evidence },
    })
    await mailMember(trx, member, 'account.approved')
  })
}

export async function rejectApplicant(db: Db, moderator: CurrentMember, applicantId: number, reason: string) {
  await db.transaction().execute(async (trx) => {
    const member = await moveStatus(trx, applicantId, 'pending_review', {
      status: 'rejected',
      status_reason: reason,
    })
    if (!member) throw alreadyDecided()
    await endAllSessions(trx, applicantId)
    await recordAudit(trx, {
      action: 'member.rejected',
      actorId: moderator.id,
      subjectId: applicantId,
      details: { reason },
    })
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
    const member = await findMemberById(trx, applicantId)
    if (!member) throw new NotFoundError()
    if (member.status !== 'pending_review') throw alreadyDecided()
    await recordAudit(trx, {
      action: 'member.question_asked',
      actorId: moderator.id,
      subjectId: applicantId,
      details: { question },
    })
    await mailMember(trx, member, 'account.question', { question, contact })
  })
}

async function loadTarget(db: Db, actor: CurrentMember, memberId: number) {
  const target = await findMemberById(db, memberId)
  if (!target) throw new NotFoundError()
  if (!canModerate(actor, target)) throw new ForbiddenError()
  return target
}

export async function suspendMember(
  db: Db,
  moderator: CurrentMember,
  memberId: number,
  input: { reason: string; until: string | null },
) {
  await db.transaction().execute(async (trx) => {
    await loadTarget(trx, moderator, memberId)
    const member = await moveStatus(trx, memberId, 'verified', {
      status: 'suspended',
      status_reason: input.reason,
      suspended_until: input.until ? sql`${input.until}::date` : null,
    })
    if (!member) throw alreadyDecided()
    // Suspension ends every open session at once.
    await endAllSessions(trx, memberId)
    await recordAudit(trx, {
      action: 'member.suspended',
      actorId: moderator.id,
      subjectId: memberId,
      details: { reason: input.reason, until: input.until },
    })
    await mailMember(trx, member, 'account.suspended', { reason: input.reason, until: input.until })
  })
}

export async function unsuspendMember(db: Db, moderator: CurrentMember, memberId: number) {
  await db.transaction().execute(async (trx) => {
    await loadTarget(trx, moderator, memberId)
    const member = await moveStatus(trx, memberId, 'suspended', {
      status: 'verified',
      status_reason: null,
      suspended_until: null,
    })
    if (!member) throw alreadyDecided()
    await recordAudit(trx, { action: 'member.unsuspended', actorId: moderator.id, subjectId: memberId })
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
    const organisation = await trx
      .selectFrom('organisations')
      .select('id')
      .where('id', '=', organisationId)
      .executeTakeFirst()
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
