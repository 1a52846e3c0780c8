// Guests in a single thread: a verified member proposes an external person for one thread, a
// moderator approves (the invitation mail goes out) or declines, the guest sets a password with
// the mail's one-time link, and from then on reads and writes in that one thread while the access
// holds. A guest is a members row with the status 'guest': the trust gate and the visibility rule
// treat it as no member everywhere, except the thread routes marked 'guest' and the guest branch
// of threadVisibleTo (core/visibility). Every decision is audited.
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail } from '../../core/mail/mail.queue.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import { ConflictError, type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import { hasRole } from '../../plugins/access.ts'
import {
  hashPassword,
  hashToken,
  looksLikeToken,
  newToken,
  passwordProblems,
} from '../accounts/accounts.service.ts'
import * as repo from './guests.repository.ts'

export type { BannerGuest } from './guests.repository.ts'

/** The thread page's column of its guests (discussions reads it in the page's one query). */
export const threadGuestsColumn = repo.threadGuestsColumn
/** Open proposals, for the moderators' badge and list. */
export const countOpenProposals = repo.countOpenProposals

/** Why a thread can have no guests (a message key), or undefined when it can. */
export function refusalFor(thread: repo.ThreadFacts): string | undefined {
  if (thread.deleted) return 'guests.refused.deleted'
  if (thread.confidential) return 'guests.refused.confidential'
  if (thread.inGroup) return 'guests.refused.group'
  if (thread.locked) return 'guests.refused.locked'
  return undefined
}

/** The thread's author and the moderators manage its guests (renew, end). */
export function canManageGuests(member: CurrentMember, thread: { authorId: number }): boolean {
  return member.status === 'verified' && (member.id === thread.authorId || hasRole(member, 'moderator'))
}

async function visibleThread(db: Db, member: CurrentMember, threadId: number) {
  // Only a verified member proposes or manages; a guest gets the 404 of a missing thread.
  if (member.status !== 'verified') throw new NotFoundError()
  const thread = await repo.findThreadFacts(db, member.id, threadId)
  if (!thread) throw new NotFoundError()
  return thread
}

export async function guestsPage(db: Db, member: CurrentMember, threadId: number) {
  const thread = await visibleThread(db, member, threadId)
  const guests = await repo.guestsOfThread(db, threadId)
  return { thread, guests, refusal: refusalFor(thread), canManage: canManageGuests(member, thread) }
}

export interface ProposalValues {
  email: string
  name: string
  organisation: string
  reason: string
}

/** A proposal: every problem at once, each on its field; a thread that can have no guests is a conflict. */
export async function propose(
  db: Db,
  member: CurrentMember,
  threadId: number,
  values: ProposalValues,
  formErrors: FieldErrors,
): Promise<void> {
  const thread = await visibleThread(db, member, threadId)
  const refusal = refusalFor(thread)
  if (refusal) throw new ConflictError(refusal)
  const errors: FieldErrors = { ...formErrors }
  const email = values.email.trim().toLowerCase()
  if (!errors.email && email) {
    const account = await repo.memberWithAddress(db, email)
    if (account && account.status !== 'guest') errors.email = { key: 'guests.error.member' }
    else if (await repo.openProposalFor(db, threadId, email)) errors.email = { key: 'guests.error.already' }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  await db.transaction().execute(async (trx) => {
    await repo.insertProposal(trx, {
      threadId,
      email,
      name: values.name.trim(),
      organisation: values.organisation.trim(),
      reason: values.reason.trim(),
      by: member.id,
    })
    await recordAudit(trx, {
      action: 'guest.proposed',
      actorId: member.id,
      details: {
        threadId,
        title: thread.title,
        guest: values.name.trim(),
        organisation: values.organisation.trim(),
      },
    })
  })
}

export function proposals(db: Db) {
  return repo.openProposals(db)
}

/**
 * A moderator's decision. Approval sends the invitation mail in the same transaction (queued
 * once: the job key is the proposal's), with a one-time token kept only as its hash. The mail
 * names no thread, no title, no text.
 */
export async function decide(
  db: Db,
  moderator: CurrentMember,
  guestId: number,
  decision: 'approve' | 'decline',
  days: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const guest = await repo.findGuest(trx, guestId, true)
    if (!guest) throw new NotFoundError()
    const token = newToken()
    const decided = await repo.decideProposal(trx, guestId, {
      status: decision === 'approve' ? 'invited' : 'declined',
      by: moderator.id,
      ...(decision === 'approve' ? { tokenHash: hashToken(token), days } : {}),
    })
    if (!decided) throw new ConflictError('guests.moderation.gone')
    if (decision === 'approve') {
      await enqueueMail(
        trx,
        { template: 'guests.invitation', to: guest.email, locale: 'de', params: { token, days } },
        { jobKey: `guest-invitation:${guestId}` },
      )
    }
    await recordAudit(trx, {
      action: decision === 'approve' ? 'guest.approved' : 'guest.declined',
      actorId: moderator.id,
      details: { threadId: guest.threadId, guest: guest.name, organisation: guest.organisation },
    })
  })
}

/** The invitation behind a link, if it is still open (for the page that sets the password). */
export async function openInvitation(db: Db, token: string) {
  if (!looksLikeToken(token)) return undefined
  return repo.findInvitation(db, hashToken(token))
}

/**
 * The guest sets a password with the invitation's link: that also confirms the address. The link
 * is used up; the access runs `days` from now. Undefined when the link is no longer good (or
 * the address became a member's in the meantime).
 */
export async function accept(
  db: Db,
  token: string,
  password: string,
  days: number,
): Promise<number | undefined> {
  const problems = passwordProblems(password)
  if (Object.keys(problems).length > 0) throw new ValidationError(problems)
  if (!looksLikeToken(token)) return undefined
  const passwordHash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const invitation = await repo.findInvitation(trx, hashToken(token), true)
    if (!invitation) return undefined
    const account = await repo.memberWithAddress(trx, invitation.email)
    if (account && account.status !== 'guest') return undefined
    const memberId = await repo.saveGuestAccount(trx, {
      email: invitation.email,
      name: invitation.name,
      passwordHash,
      existingId: account?.id,
    })
    await repo.activate(trx, invitation.id, memberId, days)
    await recordAudit(trx, {
      action: 'guest.accepted',
      actorId: memberId,
      subjectId: memberId,
      details: { threadId: invitation.thread_id, guest: invitation.name },
    })
    return invitation.thread_id
  })
}

/** Renewal (+days) or end of a guest's invitation or access, by the thread's author or a moderator. */
export async function manage(
  db: Db,
  member: CurrentMember,
  threadId: number,
  guestId: number,
  action: 'renew' | 'end',
  days: number,
): Promise<void> {
  const thread = await visibleThread(db, member, threadId)
  if (!canManageGuests(member, thread)) throw new NotFoundError()
  await db.transaction().execute(async (trx) => {
    const guest = await repo.findGuest(trx, guestId, true)
    if (!guest || guest.threadId !== threadId) throw new NotFoundError()
    const changed = action === 'renew' ? await repo.renew(trx, guestId, days) : await repo.end(trx, guestId)
    if (!changed) throw new ConflictError('guests.moderation.gone')
    await recordAudit(trx, {
      action: action === 'renew' ? 'guest.renewed' : 'guest.ended',
      actorId: member.id,
      subjectId: guest.memberId,
      details: { threadId, title: thread.title, guest: guest.name, organisation: guest.organisation, days },
    })
  })
}

/** A guest's start page: the threads whose access holds (title shown), and whether any has ended. */
export async function guestHome(db: Db, member: CurrentMember) {
  const accesses = await repo.accessesOf(db, member.id)
  return {
    current: accesses.filter((a) => a.current),
    expired: accesses.length > 0 && accesses.every((a) => !a.current),
  }
}
