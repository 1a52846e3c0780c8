import { type RawBuilder, sql } from 'kysely'
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

/** The current member as read, with what decides whether a suspension has just ended. */
export type LoadedMember = CurrentMember & { suspensionOver: boolean; suspendedUntil: string | null }

/**
 * The current member's row as one JSON value (null without a row), for a statement that reads
 * more than the member: the session store reads session and member in one round trip.
 */
export function loadedMemberJson(memberAlias: string): RawBuilder<LoadedMember | null> {
  const m = (column: string) => sql.ref(`${memberAlias}.${column}`)
  return sql<LoadedMember | null>`case when ${m('id')} is null then null else json_build_object(
    'id', ${m('id')}, 'name', ${m('name')}, 'role', ${m('role')}, 'locale', ${m('locale')},
    'status', ${m('status')}, 'organisationId', ${m('organisation_id')},
    'suspensionOver', ${m('status')} = 'suspended' and ${m('suspended_until')} <= now(),
    'suspendedUntil', to_char(${m('suspended_until')}, 'YYYY-MM-DD')) end`
}

/**
 * Loaded fresh on every request, so a suspension, expiry or role change takes effect on
 * the very next click. A suspension whose end date has passed is lifted here, as the audited
 * `suspensionEnded` transition; the common request (nothing to lift) is one read, no write.
 */
export async function loadCurrentMember(db: Db, memberId: number): Promise<CurrentMember | null> {
  const row = await readMember(db, memberId)
  return row ? currentMemberFrom(db, row) : null
}

/** The current member from a row read just now (see loadedMemberJson); lifts an ended suspension. */
export async function currentMemberFrom(db: Db, row: LoadedMember): Promise<CurrentMember | null> {
  if (!row.suspensionOver) return withoutFlags(row)
  const lifted = await endSuspension(db, row.id, row.suspendedUntil)
  if (lifted) return { ...withoutFlags(row), status: lifted.status }
  // Someone changed the member in the meantime (lifted it too, or suspended them anew): read again.
  const again = await readMember(db, row.id)
  return again ? withoutFlags(again) : null
}

async function readMember(db: Db, memberId: number): Promise<LoadedMember | undefined> {
  const row = await db
    .selectFrom('members as m')
    .select(loadedMemberJson('m').as('member'))
    .where('m.id', '=', memberId)
    .executeTakeFirst()
  return row?.member ?? undefined
}

function withoutFlags(row: LoadedMember): CurrentMember {
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
