// Every 12 months a verified member confirms, by a link sent to their official address, that
// they still work there. Reminders go out weekly; after 30 days without an answer the
// membership expires (and goes back into review when they finally confirm).
// The link goes only to an official address (an e-mail domain of the member's organisation): a
// member whose address is not (or no longer) one cannot renew by one click and goes to review.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail, mailMember } from '../../core/mail/mail.queue.ts'
import { transition, verificationMonths } from '../../core/members/membership.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import { isOfficialDomain } from './official-addresses.ts'
import { consumeToken, issueToken } from './tokens.ts'

export const graceDays = 30
export const reminderEveryDays = 7

interface Recipient {
  id: number
  email: string
  name: string
  locale: Locale | null
  organisation_id: number
}

const recipientColumns = ['id', 'email', 'name', 'locale', 'organisation_id'] as const

async function sendReconfirmLink(db: Db, member: Recipient) {
  const token = await issueToken(db, member.id, 'reconfirm')
  await enqueueMail(db, {
    template: 'account.reconfirm',
    to: member.email,
    locale: member.locale === 'en' ? 'en' : 'de',
    params: { name: member.name, token, graceDays },
  })
}

const addressNotOfficial = { reason: 'address_not_official' } as const

/** A verified member whose address is not official: no one-click renewal, a moderator looks again. */
async function sendToReview(db: Db, member: Recipient) {
  const moved = await transition(db, member.id, 'backToReview', {
    actorId: null,
    changes: { reconfirm_requested_at: null, reconfirm_reminded_at: null },
    details: addressNotOfficial,
  })
  if (moved) await mailMember(db, moved, 'account.reconfirm_review')
  return moved !== undefined
}

export interface ReconfirmationRun {
  reminded: number
  sentToReview: number
  expired: number
}

/** The daily job. Returns what it did, for the log and the tests. */
export async function runReconfirmation(db: Db): Promise<ReconfirmationRun> {
  const result: ReconfirmationRun = { reminded: 0, sentToReview: 0, expired: 0 }
  await db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('members')
      .select([...recipientColumns, 'reconfirm_requested_at'])
      .where('status', '=', 'verified')
      .where('verified_until', '<=', sql<Date>`now()`)
      .where((eb) =>
        eb.or([
          eb('reconfirm_reminded_at', 'is', null),
          eb('reconfirm_reminded_at', '<=', sql<Date>`now() - make_interval(days => ${reminderEveryDays})`),
        ]),
      )
      .where((eb) =>
        eb.or([
          eb('reconfirm_requested_at', 'is', null),
          eb('reconfirm_requested_at', '>', sql<Date>`now() - make_interval(days => ${graceDays})`),
        ]),
      )
      .forUpdate()
      .skipLocked()
      .limit(500)
      .execute()
    for (const member of due) {
      if (!(await isOfficialDomain(trx, member.organisation_id, member.email))) {
        if (await sendToReview(trx, member)) result.sentToReview++
        continue
      }
      await trx
        .updateTable('members')
        .set({
          reconfirm_requested_at: member.reconfirm_requested_at ?? sql`now()`,
          reconfirm_reminded_at: sql`now()`,
        })
        .where('id', '=', member.id)
        .execute()
      await sendReconfirmLink(trx, member)
      if (!member.reconfirm_requested_at) {
        await recordAudit(trx, { action: 'member.reconfirm_requested', subjectId: member.id })
      }
      result.reminded++
    }
    const lapsed = await trx
      .selectFrom('members')
      .select('id')
      .where('status', '=', 'verified')
      .where('reconfirm_requested_at', '<=', sql<Date>`now() - make_interval(days => ${graceDays})`)
      .forUpdate()
      .skipLocked()
      .execute()
    for (const member of lapsed) {
      const expired = await transition(trx, member.id, 'expire', {
        actorId: null,
        changes: { status_reason: 'reconfirmation' },
      })
      if (expired) result.expired++
    }
  })
  return result
}

export type ReconfirmOutcome = 'verified' | 'pending_review' | 'invalid'

/**
 * The confirm button: another 12 months while the address is official; otherwise, and for an
 * expired member, back into review.
 */
export async function reconfirmMembership(db: Db, token: string): Promise<ReconfirmOutcome> {
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'reconfirm')
    if (!used) return 'invalid'
    const member = await trx
      .selectFrom('members')
      .select(['id', 'email', 'status', 'organisation_id'])
      .where('id', '=', used.member_id)
      .executeTakeFirst()
    if (!member) return 'invalid'
    const official = await isOfficialDomain(trx, member.organisation_id, member.email)
    const confirmed = {
      reconfirm_requested_at: null,
      reconfirm_reminded_at: null,
      email_confirmed_at: sql<Date>`now()`,
    }
    if (member.status === 'verified' && official) {
      const renewed = await transition(trx, member.id, 'reconfirm', {
        actorId: member.id,
        changes: {
          ...confirmed,
          verified_until: sql`now() + make_interval(months => ${verificationMonths})`,
        },
      })
      return renewed ? 'verified' : 'invalid'
    }
    if (member.status === 'verified') {
      const moved = await transition(trx, member.id, 'backToReview', {
        actorId: member.id,
        changes: confirmed,
        details: addressNotOfficial,
      })
      return moved ? 'pending_review' : 'invalid'
    }
    const back = await transition(trx, member.id, 'reconfirmExpired', {
      actorId: member.id,
      changes: confirmed,
      details: { addressOfficial: official },
    })
    return back ? 'pending_review' : 'invalid'
  })
}

/**
 * An expired member asks from their status page to come back. With an official address they
 * get the link; without one there is nothing to prove by mail, so a moderator looks again.
 */
export async function requestReconfirmLink(db: Db, memberId: number): Promise<'sent' | 'review' | 'none'> {
  return db.transaction().execute(async (trx) => {
    const member = await trx
      .selectFrom('members')
      .select([...recipientColumns, 'status'])
      .where('id', '=', memberId)
      .executeTakeFirst()
    if (member?.status !== 'expired') return 'none'
    if (await isOfficialDomain(trx, member.organisation_id, member.email)) {
      await sendReconfirmLink(trx, member)
      return 'sent'
    }
    const back = await transition(trx, member.id, 'reconfirmExpired', {
      actorId: member.id,
      details: { addressOfficial: false },
    })
    return back ? 'review' : 'none'
  })
}
