// Succession: a member who leaves (or a moderator for them) names the official address of whoever
// takes over. The successor gets the ordinary invitation (accounts) and goes through review like
// everyone; nothing here verifies anyone. Once the successor is verified, a job completes the
// succession: the successor follows what the leaver followed (threads they may see), their
// profile says whom they succeeded, and the leaver's account is closed (the `leave` transition;
// their posts stay attributed to their name).
import { recordAudit } from '../../core/audit/audit.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import { findMemberSummary } from '../../core/members/members.repository.ts'
import { transition } from '../../core/members/membership.ts'
import type { Db } from '../../db/database.ts'
import type { Locale, MemberStatus } from '../../db/schema.ts'
import { translate } from '../../i18n/index.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts'
import type { FormValues } from '../../lib/form-schema.ts'
import { sendInvitation } from '../accounts/accounts.service.ts'
import { emailDomain, findDomainOwners, isPublicMailDomain } from '../organisations/organisations.service.ts'
import * as repo from './profiles.repository.ts'
import type { successionForm } from './profiles.schemas.ts'

export type SuccessionInput = FormValues<typeof successionForm>

/** The member themself, or moderators and admins for anyone. */
export function canArrangeSuccession(actor: CurrentMember, leaverId: number): boolean {
  return actor.id === leaverId || actor.role === 'moderator' || actor.role === 'admin'
}

/** Accounts that can still be handed over (a moderator may act for one that has expired meanwhile). */
const handOverStatuses: MemberStatus[] = ['verified', 'suspended', 'expired']

async function findLeaver(db: Db, actor: CurrentMember, leaverId: number) {
  if (!canArrangeSuccession(actor, leaverId)) throw new ForbiddenError()
  const leaver = await findMemberSummary(db, leaverId)
  if (!leaver || leaver.status === 'deleted') throw new NotFoundError()
  return leaver
}

export async function loadSuccessionForm(db: Db, actor: CurrentMember, leaverId: number) {
  const leaver = await findLeaver(db, actor, leaverId)
  const open = await repo.findOpenSuccession(db, leaverId)
  return {
    leaver: { id: leaver.id, name: leaver.name, status: leaver.status },
    canHandOver: handOverStatuses.includes(leaver.status),
    open: open ? { domain: emailDomain(open.email) ?? '', createdAt: open.createdAt } : undefined,
    own: actor.id === leaverId,
  }
}

export interface SuccessionNamed {
  /** The leaver's account was closed at once (their sessions are over). */
  closed: boolean
}

/**
 * Names the successor: replaces an open succession of the leaver, sends the invitation (unless
 * the address has an account already: then no mail, and the form says the same either way) and,
 * if asked, closes the leaver's account now.
 */
export async function nameSuccessor(
  db: Db,
  actor: CurrentMember,
  leaverId: number,
  input: SuccessionInput,
  edgeErrors: Record<string, { key: string }> = {},
  locale: Locale = 'de',
): Promise<SuccessionNamed> {
  const leaver = await findLeaver(db, actor, leaverId)
  if (!handOverStatuses.includes(leaver.status))
    throw new ValidationError({ email: { key: 'succession.error.notActive' } })
  const errors = { ...edgeErrors }
  const domain = emailDomain(input.email)
  if (!errors.email) {
    if (input.email.toLowerCase() === leaver.email.toLowerCase())
      errors.email = { key: 'succession.error.self' }
    else if (!domain || isPublicMailDomain(domain) || (await findDomainOwners(db, [domain])).length === 0)
      errors.email = { key: 'succession.error.notOfficial' }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  const note = input.note || translate(leaver.locale ?? locale, 'succession.defaultNote')
  const closeNow = input.leaveNow !== ''
  await db.transaction().execute(async (trx) => {
    await repo.deleteOpenSuccession(trx, leaverId)
    const invitationId = await sendInvitation(trx, { id: leaver.id, name: leaver.name }, input.email, note)
    await repo.insertSuccession(trx, {
      leaverId,
      email: input.email,
      invitationId: invitationId ?? null,
      namedBy: actor.id,
    })
    await recordAudit(trx, {
      action: 'succession.named',
      actorId: actor.id,
      subjectId: leaverId,
      details: { domain, closeNow },
    })
    if (closeNow) await transition(trx, leaverId, 'leave', { actorId: actor.id, details: { domain } })
  })
  return { closed: closeNow }
}

export async function cancelSuccession(db: Db, actor: CurrentMember, leaverId: number): Promise<boolean> {
  await findLeaver(db, actor, leaverId)
  return db.transaction().execute(async (trx) => {
    const removed = await repo.deleteOpenSuccession(trx, leaverId)
    if (removed > 0)
      await recordAudit(trx, { action: 'succession.cancelled', actorId: actor.id, subjectId: leaverId })
    return removed > 0
  })
}

/** Successions completed per run; the job runs again a minute later for the rest. */
const completionBatch = 100

/**
 * Completes every open succession whose successor is verified now (the job every minute): in one
 * transaction each, follows inherited, the succession recorded and the leaver's account closed.
 */
export async function completeDueSuccessions(db: Db): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await repo.lockDueSuccessions(trx, completionBatch)
    for (const succession of due) {
      const follows = await repo.inheritFollows(trx, succession.leaverId, succession.successorId)
      await repo.markCompleted(trx, succession.id, succession.successorId)
      await transition(trx, succession.leaverId, 'leave', {
        actorId: null,
        details: { successorId: succession.successorId },
      })
      await recordAudit(trx, {
        action: 'succession.completed',
        actorId: null,
        subjectId: succession.successorId,
        details: { leaverId: succession.leaverId, follows },
      })
    }
    return due.length
  })
}
