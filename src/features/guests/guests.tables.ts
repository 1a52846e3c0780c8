// Kysely table types of the guests feature; merged into Database in src/db/schema.ts.
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export const guestStatuses = ['proposed', 'invited', 'active', 'declined', 'ended'] as const
export type GuestStatus = (typeof guestStatuses)[number]

export interface ThreadGuestTable {
  id: Generated<number>
  thread_id: number
  /** The guest's members row (status 'guest'), once the invitation was accepted. */
  member_id: number | null
  email: string
  name: string
  organisation_name: string
  reason: string
  proposed_by: number | null
  decided_by: number | null
  status: Generated<GuestStatus>
  /** sha256 of the invitation's one-time token; null once used. */
  token_hash: string | null
  /** Until when the invitation, and later the access, holds. */
  expires_at: NullableTimestamp
  created_at: CreatedAt
  decided_at: NullableTimestamp
}

export interface GuestsTables {
  thread_guests: ThreadGuestTable
}
