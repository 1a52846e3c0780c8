// Kysely table types of the discussions feature; merged into Database in src/db/schema.ts.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export const stages = ['idea', 'concept', 'pilot', 'in_use', 'dropped'] as const
export type Stage = (typeof stages)[number]

export const notificationKinds = ['reply', 'followed_thread', 'mention', 'report_outcome'] as const
export type NotificationKind = (typeof notificationKinds)[number]

export interface CategoryTable {
  id: Generated<number>
  name: string
  slug: string
  description: Generated<string>
  position: Generated<number>
  archived_at: NullableTimestamp
  created_at: CreatedAt
}

export interface ThreadTable {
  id: Generated<number>
  category_id: number
  author_id: number
  title: string
  stage: Stage
  /** Chatham House rule: never excerpted outside the forum (no e-mail excerpts). */
  confidential: Generated<boolean>
  locked: Generated<boolean>
  created_at: DefaultedTimestamp
  last_activity_at: DefaultedTimestamp
  /** Replies only; the opening post is not counted. Deleted replies stay counted. */
  reply_count: Generated<number>
  opening_post_id: number | null
  last_post_id: number | null
}

export interface ThreadTagTable {
  thread_id: number
  tag: string
}

export interface ThreadStageChangeTable {
  id: Generated<number>
  thread_id: number
  member_id: number | null
  from_stage: Stage
  to_stage: Stage
  changed_at: DefaultedTimestamp
}

export interface PostTable {
  id: Generated<number>
  thread_id: number
  author_id: number
  parent_id: number | null
  /** Ancestry including the post's own id; ordering by it gives the tree in display order. */
  path: ColumnType<number[], number[] | string, number[] | string>
  depth: number
  body_source: string
  body_html: string
  created_at: DefaultedTimestamp
  edited_at: NullableTimestamp
  deleted_at: NullableTimestamp
  version: Generated<number>
  helpful_count: Generated<number>
  /** The one-time key of the form that wrote the post (unique per author): a resent form finds it. */
  form_key: string | null
}

export interface PostRevisionTable {
  id: Generated<number>
  post_id: number
  version: number
  body_source: string
  body_html: string
  written_at: Timestamp
  replaced_at: DefaultedTimestamp
  replaced_by: number | null
}

export interface ReactionTable {
  post_id: number
  member_id: number
  kind: 'helpful'
  created_at: CreatedAt
}

export interface FollowTable {
  thread_id: number
  member_id: number
  created_at: CreatedAt
}

export interface ThreadReadTable {
  member_id: number
  thread_id: number
  last_read_post_id: number
  read_post_count: number
  read_at: DefaultedTimestamp
}

export interface NotificationTable {
  id: Generated<number>
  member_id: number
  kind: NotificationKind
  thread_id: number
  post_id: number
  actor_id: number | null
  created_at: DefaultedTimestamp
  read_at: NullableTimestamp
}

export interface DiscussionsTables {
  categories: CategoryTable
  threads: ThreadTable
  thread_tags: ThreadTagTable
  thread_stage_changes: ThreadStageChangeTable
  posts: PostTable
  post_revisions: PostRevisionTable
  reactions: ReactionTable
  follows: FollowTable
  thread_reads: ThreadReadTable
  notifications: NotificationTable
}

export type Category = Selectable<CategoryTable>
export type NewCategory = Insertable<CategoryTable>
export type Thread = Selectable<ThreadTable>
export type NewThread = Insertable<ThreadTable>
export type Post = Selectable<PostTable>
export type NewPost = Insertable<PostTable>
