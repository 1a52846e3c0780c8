// Kysely table types of the profiles feature; merged into Database in src/db/schema.ts.
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export interface MemberProfileTable {
  member_id: number
  introduction_source: Generated<string>
  /** Sanitised when saved (the discussions Markdown renderer), printed unescaped. */
  introduction_html: Generated<string>
  updated_at: DefaultedTimestamp
}

export interface MemberExpertiseTable {
  member_id: number
  tag: string
  position: Generated<number>
}

export interface SuccessionTable {
  id: Generated<number>
  leaver_id: number
  successor_email: string
  invitation_id: number | null
  successor_id: number | null
  named_by: number | null
  created_at: CreatedAt
  completed_at: NullableTimestamp
}

export interface ProfilesTables {
  member_profiles: MemberProfileTable
  member_expertise: MemberExpertiseTable
  successions: SuccessionTable
}
