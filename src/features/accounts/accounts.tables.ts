// Kysely table types of the accounts feature's own tables; merged into Database in src/db/schema.ts.
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

/** A member's TOTP secret (encrypted, see second-factor-crypto.ts); unconfirmed while enrolling. */
export interface MemberSecondFactorTable {
  member_id: number
  secret: string
  created_at: CreatedAt
  confirmed_at: NullableTimestamp
  /** The last time step whose code was accepted: no code is accepted twice. */
  last_used_step: ColumnType<string | null, number | null | undefined, number | null>
}

export interface MemberRecoveryCodeTable {
  member_id: number
  code_hash: string
  created_at: CreatedAt
  used_at: NullableTimestamp
}

export type DataExportStatus = 'pending' | 'ready'

export interface DataExportTable {
  id: Generated<number>
  member_id: number
  status: Generated<DataExportStatus>
  content: string | null
  byte_size: number | null
  requested_at: CreatedAt
  ready_at: NullableTimestamp
}

export interface AccountsTables {
  member_second_factors: MemberSecondFactorTable
  member_recovery_codes: MemberRecoveryCodeTable
  data_exports: DataExportTable
}
