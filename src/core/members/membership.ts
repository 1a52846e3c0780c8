// The member lifecycle in one place: every status change is a named transition from the
// statuses it may start in, and it is written to the audit log in the same transaction.
// A racing change (two moderators, a click and a job) loses cleanly: nothing is changed.
import { type Expression, type SqlBool, sql, type UpdateObject } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Database, MemberStatus } from '../../db/schema.ts'
import { type AuditAction, recordAudit } from '../audit/audit.ts'
import { endAllSessions } from '../sessions/session-store.ts'

interface TransitionRule {
  from: readonly MemberStatus[]
  to: MemberStatus
  audit: AuditAction
  /** Leaving the forum ends every open session at once. */
  endsSessions?: boolean
}

export const transitions = {
  confirmEmail: { from: ['pending_email'], to: 'pending_review', audit: 'member.email_confirmed' },
  autoApprove: { from: ['pending_email'], to: 'verified', audit: 'member.auto_approved' },
  approve: { from: ['pending_review'], to: 'verified', audit: 'member.approved' },
  reject: { from: ['pending_review'], to: 'rejected', audit: 'member.rejected', endsSessions: true },
  suspend: { from: ['verified'], to: 'suspended', audit: 'member.suspended', endsSessions: true },
  unsuspend: { from: ['suspended'], to: 'verified', audit: 'member.unsuspended' },
  /** A suspension whose end date has passed (noticed at the member's next request). */
  suspensionEnded: { from: ['suspended'], to: 'verified', audit: 'member.suspension_ended' },
  expire: { from: ['verified'], to: 'expired', audit: 'member.expired', endsSessions: true },
  reconfirm: { from: ['verified'], to: 'verified', audit: 'member.reconfirmed' },
  /** An expired member proved an official address again: a moderator looks once more. */
  reconfirmExpired: { from: ['expired'], to: 'pending_review', audit: 'member.reconfirmed' },
  /** A new address at another domain, or a move to another organisation: back to review. */
  backToReview: { from: ['verified'], to: 'pending_review', audit: 'member.sent_to_review' },
  /** The member's own request (DSGVO Art. 17) or the retention periods: the row stays as a tombstone. */
  deleteAccount: {
    from: ['pending_email', 'pending_review', 'verified', 'rejected', 'suspended', 'expired', 'guest'],
    to: 'deleted',
    audit: 'member.deleted',
    endsSessions: true,
  },
  /** A member who hands their role over to a successor (profiles' succession): posts stay attributed. */
  leave: {
    from: ['verified', 'suspended', 'expired'],
    to: 'left',
    audit: 'member.left',
    endsSessions: true,
  },
} as const satisfies Record<string, TransitionRule>

export type TransitionName = keyof typeof transitions

export interface TransitionInput {
  /** Who did it: a moderator, the member themself, or null for the system (jobs). */
  actorId: number | null
  /** Further column changes made together with the status (evidence, reason, dates …). */
  changes?: Omit<UpdateObject<Database, 'members'>, 'status'>
  /** Written to the audit entry (reason, evidence, domain …). */
  details?: Record<string, unknown>
  /** A further condition on the member's row (e.g. "the suspension's end has passed"). */
  guard?: Expression<SqlBool>
}

/** How long a verification holds before the member must re-confirm their official address. */
export const verificationMonths = 12

/** The verification record written when a member becomes verified (by a moderator or not). */
export function verificationRecord(verifiedBy: number | null, evidence: string) {
  return {
    verified_at: sql<Date>`now()`,
    verified_by: verifiedBy,
    verification_evidence: evidence.slice(0, 2000),
    verified_until: sql<Date>`now() + make_interval(months => ${verificationMonths})`,
  }
}

export interface TransitionedMember {
  id: number
  email: string
  name: string
  locale: Database['members']['locale']
  status: MemberStatus
}

/**
 * Moves a member along a named transition, if they are still in one of its start statuses.
 * Run it inside the caller's transaction; returns undefined (and changes nothing) otherwise.
 */
export async function transition(
  trx: Db,
  memberId: number,
  name: TransitionName,
  input: TransitionInput,
): Promise<TransitionedMember | undefined> {
  const rule: TransitionRule = transitions[name]
  const member = await trx
    .updateTable('members')
    .set({ ...input.changes, status: rule.to, updated_at: sql`now()` })
    .where('id', '=', memberId)
    .where('status', 'in', [...rule.from])
    .$if(input.guard !== undefined, (query) => query.where(input.guard!))
    .returning(['id', 'email', 'name', 'locale', 'status'])
    .executeTakeFirst()
  if (!member) return undefined
  if (rule.endsSessions) await endAllSessions(trx, memberId)
  await recordAudit(trx, {
    action: rule.audit,
    actorId: input.actorId,
    subjectId: memberId,
    details: input.details,
  })
  return member
}
