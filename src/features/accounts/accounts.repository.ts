import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

/** A member by address, without the password hash (sign-in reads that itself). */
export function findMemberByEmail(db: Db, email: string) {
  return db
    .selectFrom('members')
    .select(['id', 'email', 'name', 'locale', 'status', 'role'])
    .where('email', '=', email)
    .executeTakeFirst()
}

export function findMemberStatus(db: Db, memberId: number) {
  return db
    .selectFrom('members')
    .select(['status', 'suspended_until'])
    .where('id', '=', memberId)
    .executeTakeFirst()
}

/** What the account page shows about the member. */
export function findAccountProfile(db: Db, memberId: number) {
  return db
    .selectFrom('members')
    .select(['id', 'name', 'email', 'job_title', 'organisation_id', 'locale', 'verified_until'])
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow()
}

export function listSessions(db: Db, memberId: number) {
  return db
    .selectFrom('sessions')
    .select(['sid_hash', 'user_agent', 'created_at', 'last_seen_at'])
    .where('member_id', '=', memberId)
    .where('idle_expires_at', '>', sql<Date>`now()`)
    .where('absolute_expires_at', '>', sql<Date>`now()`)
    .orderBy('last_seen_at', 'desc')
    .execute()
}

export async function deleteSession(db: Db, memberId: number, sidHash: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('member_id', '=', memberId)
    .where('sid_hash', '=', sidHash)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
