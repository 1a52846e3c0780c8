import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Locale, MemberStatus, Role } from '../../db/schema.ts'

export interface CurrentMember {
  id: number
  name: string
  role: Role
  status: MemberStatus
  locale: Locale | null
  organisationId: number
}

/**
 * Loaded fresh on every request, so a suspension, expiry or role change takes effect on
 * the very next click. A suspension whose end date has passed is lifted here.
 */
export async function loadCurrentMember(db: Db, memberId: number): Promise<CurrentMember | null> {
  const row = await db
    .selectFrom('members')
    .select([
      'id',
      'name',
      'role',
      'locale',
      'organisation_id as organisationId',
      sql<MemberStatus>`case when status = 'suspended' and suspended_until <= now() then 'verified' else status end`.as(
        'status',
      ),
      sql<boolean>`status = 'suspended' and suspended_until <= now()`.as('suspensionOver'),
    ])
    .where('id', '=', memberId)
    .executeTakeFirst()
  if (!row) return null
  const { suspensionOver, ...member } = row
  if (suspensionOver) {
    await db
      .updateTable('members')
      .set({ status: 'verified', status_reason: null, suspended_until: null, updated_at: sql`now()` })
      .where('id', '=', memberId)
      .where('status', '=', 'suspended')
      .execute()
  }
  return member
}
