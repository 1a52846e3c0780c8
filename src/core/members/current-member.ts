import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Locale, MemberStatus, Role } from '../../db/schema.ts'
import { transition } from './membership.ts'

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
 * the very next click. A suspension whose end date has passed is lifted here, as the audited
 * `suspensionEnded` transition; the common request (nothing to lift) is one read, no write.
 */
export async function loadCurrentMember(db: Db, memberId: number): Promise<CurrentMember | null> {
  const row = await readMember(db, memberId)
  if (!row) return null
  if (!row.suspensionOver) return withoutFlags(row)
  const lifted = await endSuspension(db, memberId, row.suspendedUntil)
  if (lifted) return { ...withoutFlags(row), status: lifted.status }
  // Someone changed the member in the meantime (lifted it too, or suspended them anew): read again.
  const again = await readMember(db, memberId)
  return again ? withoutFlags(again) : null
}

function readMember(db: Db, memberId: number) {
  return db
    .selectFrom('members')
    .select([
      'id',
      'name',
      'role',
      'locale',
      'status',
      'organisation_id as organisationId',
      sql<boolean>`status = 'suspended' and suspended_until <= now()`.as('suspensionOver'),
      sql<string | null>`to_char(suspended_until, 'YYYY-MM-DD')`.as('suspendedUntil'),
    ])
    .where('id', '=', memberId)
    .executeTakeFirst()
}

function withoutFlags(row: CurrentMember & { suspensionOver: boolean; suspendedUntil: string | null }) {
  const { suspensionOver: _over, suspendedUntil: _until, ...member } = row
  return member
}

function endSuspension(db: Db, memberId: number, until: string | null) {
  return db.transaction().execute((trx) =>
    transition(trx, memberId, 'suspensionEnded', {
      actorId: null,
      changes: { status_reason: null, suspended_until: null },
      details: { until },
      guard: sql<boolean>`suspended_until <= now()`,
    }),
  )
}
