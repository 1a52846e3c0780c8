import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

export function findMemberByEmail(db: Db, email: string) {
  return db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirst()
}

export async function countRecentLoginFailures(db: Db, email: string, minutes: number): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('email', '=', email)
    .where('at', '>', sql<Date>`now() - make_interval(mins => ${minutes})`)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

export async function recordLoginFailure(db: Db, email: string): Promise<void> {
  await db
    .insertInto('login_failures')
    .values({ email: email.slice(0, 254) })
    .execute()
}

export async function clearLoginFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('login_failures').where('email', '=', email).execute()
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
