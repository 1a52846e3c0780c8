// A verified member invites a colleague. The invitation is bound to one address, expires,
// and is shown to moderators as evidence; it never skips verification.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail } from '../../core/mail/mail.queue.ts'
import type { Db } from '../../db/database.ts'
import { findMemberByEmail } from './accounts.repository.ts'
import { hashToken, looksLikeToken, newToken } from './tokens.ts'

export const invitationDays = 14

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

export async function acceptInvitation(db: Db, invitationId: number, memberId: number): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ accepted_member_id: memberId })
    .where('id', '=', invitationId)
    .execute()
}

export type InviteResult = 'sent' | 'already_member'

export async function inviteColleague(
  db: Db,
  inviter: { id: number; name: string },
  email: string,
  personalNote: string,
): Promise<InviteResult> {
  return db.transaction().execute(async (trx) => {
    if (await findMemberByEmail(trx, email)) return 'already_member'
    const token = newToken()
    await trx
      .insertInto('invitations')
      .values({
        inviter_id: inviter.id,
        email,
        token_hash: hashToken(token),
        expires_at: sql`now() + make_interval(days => ${invitationDays})`,
      })
      .execute()
    await enqueueMail(trx, {
      template: 'account.invitation',
      to: email,
      locale: 'de',
      memberId: inviter.id,
      requires: 'exists',
      params: { inviter: inviter.name, note: personalNote, token },
    })
    await recordAudit(trx, {
      action: 'invitation.sent',
      actorId: inviter.id,
      details: { domain: email.split('@')[1] },
    })
    return 'sent'
  })
}
