// A verified member invites a colleague. The invitation is bound to one address, expires,
// and is shown to moderators as evidence; it never skips verification.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail } from '../../core/mail/mail.queue.ts'
import type { Db } from '../../db/database.ts'
import { findMemberByEmail } from './accounts.repository.ts'
import { hashToken, looksLikeToken, newToken } from './tokens.ts'

export const invitationDays = 14
/** Invitations a member may send a day (each is a mail to an outside address under our name). */
export const invitationsPerDay = 5

export async function findOpenInvitation(db: Db, token: string, email?: string) {
  if (!looksLikeToken(token)) return undefined
  let query = db
    .selectFrom('invitations')
    .select(['id', 'inviter_id', 'email'])
    .where('token_hash', '=', hashToken(token))
    .where('accepted_member_id', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
  if (email !== undefined) query = query.where('email', '=', email)
  return query.executeTakeFirst()
}

/** What the registration page says about an open invitation: for whom, and who sent it. */
export async function describeInvitation(db: Db, token: string) {
  const invitation = await findOpenInvitation(db, token)
  if (!invitation) return undefined
  const inviter = await db
    .selectFrom('members')
    .select('name')
    .where('id', '=', invitation.inviter_id)
    .executeTakeFirst()
  return { email: invitation.email, inviterName: inviter?.name ?? '' }
}

export async function acceptInvitation(db: Db, invitationId: number, memberId: number): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ accepted_member_id: memberId })
    .where('id', '=', invitationId)
    .execute()
}

/**
 * Invites a colleague by mail. An address that already has an account gets no invitation, and
 * the inviter is told the same either way: the form does not reveal who is registered.
 */
export async function inviteColleague(
  db: Db,
  inviter: { id: number; name: string },
  email: string,
  personalNote: string,
): Promise<void> {
  await db.transaction().execute((trx) => sendInvitation(trx, inviter, email, personalNote))
}

/**
 * The invitation in the caller's transaction (also for a successor, profiles' succession):
 * its id, or undefined when the address already has an account (then nothing is mailed).
 */
export async function sendInvitation(
  trx: Db,
  inviter: { id: number; name: string },
  email: string,
  personalNote: string,
): Promise<number | undefined> {
  const domain = email.split('@')[1]
  if (await findMemberByEmail(trx, email)) {
    await recordAudit(trx, {
      action: 'invitation.sent',
      actorId: inviter.id,
      details: { domain, alreadyMember: true },
    })
    return undefined
  }
  const token = newToken()
  const invitation = await trx
    .insertInto('invitations')
    .values({
      inviter_id: inviter.id,
      email,
      token_hash: hashToken(token),
      expires_at: sql`now() + make_interval(days => ${invitationDays})`,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await enqueueMail(trx, {
    template: 'account.invitation',
    to: email,
    locale: 'de',
    memberId: inviter.id,
    requires: 'exists',
    params: { inviter: inviter.name, note: personalNote, token, days: invitationDays },
  })
  await recordAudit(trx, { action: 'invitation.sent', actorId: inviter.id, details: { domain } })
  return invitation.id
}
