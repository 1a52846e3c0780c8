// Kysely table types of the moderation feature's own tables; merged into Database in src/db/schema.ts.
// (The threads' pinned_at, pinned_by, result_post_id and moderator_note are read and written
// with SQL in thread-tools.repository.ts.)
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

/** member_id mutes muted_member_id: collapsed posts, no notifications, no direct messages. */
export interface MemberMuteTable {
  member_id: number
  muted_member_id: number
  created_at: CreatedAt
}

/** A moderator's Rückfrage to an applicant, answered on the applicant's status page. */
export interface ApplicantQuestionTable {
  id: Generated<number>
  member_id: number
  asked_by: number | null
  question: string
  asked_at: CreatedAt
  answer: string | null
  answered_at: NullableTimestamp
}

/** A reply or thread being written, kept per member (fields of the form, by name). */
export interface DraftTable {
  member_id: number
  draft_key: string
  fields: ColumnType<Record<string, string>, string, string>
  updated_at: DefaultedTimestamp
}

export interface ModerationTables {
  member_mutes: MemberMuteTable
  applicant_questions: ApplicantQuestionTable
  drafts: DraftTable
}
