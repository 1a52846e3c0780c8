// Kysely table types of the digests feature; merged into Database in src/db/schema.ts.
import type { ColumnType, Generated, Selectable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
type IntArray = ColumnType<number[], number[] | undefined, number[]>

export const digestFrequencies = ['daily', 'weekly', 'never'] as const
export type DigestFrequency = (typeof digestFrequencies)[number]

export const notifyModes = ['immediately', 'hourly', 'never'] as const
export type NotifyMode = (typeof notifyModes)[number]

export type DeliveryKind = 'digest' | 'notifications'
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'uncertain' | 'dropped' | 'skipped'

export interface FollowedThreadCount {
  threadId: number
  replies: number
}

export interface MemberDigestSettingsTable {
  member_id: number
  frequency: Generated<DigestFrequency>
  all_categories: Generated<boolean>
  category_ids: ColumnType<number[], number[] | undefined, number[]>
  notify_mode: Generated<NotifyMode>
  digest_watermark: NullableTimestamp
  digest_period: string | null
  carry_from: NullableTimestamp
  last_notification_mail_at: NullableTimestamp
  created_at: CreatedAt
  updated_at: DefaultedTimestamp
}

export interface MailDeliveryTable {
  id: Generated<number>
  member_id: number
  kind: DeliveryKind
  period_key: string
  window_start: ColumnType<Date, Date | string, Date | string>
  window_end: ColumnType<Date, Date | string, Date | string>
  thread_ids: IntArray
  thread_count: Generated<number>
  followed: ColumnType<FollowedThreadCount[], string | undefined, string>
  notification_ids: IntArray
  message_id: string
  status: Generated<DeliveryStatus>
  attempts: Generated<number>
  created_at: CreatedAt
  sent_at: NullableTimestamp
}

export interface MailedNotificationTable {
  notification_id: number
  delivery_id: number
  mailed_at: CreatedAt
}

export interface DigestsTables {
  member_digest_settings: MemberDigestSettingsTable
  mail_deliveries: MailDeliveryTable
  mailed_notifications: MailedNotificationTable
}

export type MemberDigestSettings = Selectable<MemberDigestSettingsTable>
export type MailDelivery = Selectable<MailDeliveryTable>
