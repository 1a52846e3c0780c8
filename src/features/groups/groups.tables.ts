// Kysely table types of the groups feature; merged into Database in src/db/schema.ts.
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>

export const joinModes = ['open', 'request', 'invitation'] as const
export type JoinMode = (typeof joinModes)[number]

export const groupRoles = ['member', 'admin'] as const
export type GroupRole = (typeof groupRoles)[number]

export interface GroupTable {
  id: Generated<number>
  name: string
  description: Generated<string>
  join_mode: JoinMode
  created_by: number | null
  created_at: CreatedAt
}

export interface GroupMemberTable {
  group_id: number
  member_id: number
  role: Generated<GroupRole>
  joined_at: CreatedAt
}

export interface GroupRequestTable {
  group_id: number
  member_id: number
  kind: 'request' | 'invitation'
  message: Generated<string>
  by_id: number | null
  created_at: CreatedAt
}

export interface GroupCategoryTable {
  category_id: number
  group_id: number
}

export interface GroupsTables {
  groups: GroupTable
  group_members: GroupMemberTable
  group_requests: GroupRequestTable
  group_categories: GroupCategoryTable
}
