// Table types for Kysely. One interface per table; row aliases beside it.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { AccountsTables } from '../features/accounts/accounts.tables.ts'
import type { AttachmentsTables } from '../features/attachments/attachments.tables.ts'
import type { DigestsTables } from '../features/digests/digests.tables.ts'
import type { DiscussionsTables } from '../features/discussions/discussions.tables.ts'
import type { GroupsTables } from '../features/groups/groups.tables.ts'
import type { GuestsTables } from '../features/guests/guests.tables.ts'
import type { MailTables } from '../features/mail/mail.tables.ts'
import type { ModerationTables } from '../features/moderation/moderation.tables.ts'
import type { ProfilesTables } from '../features/profiles/profiles.tables.ts'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

/** The register's levels (Destatis Gemeindeverzeichnis), then the rest of the "Konzern Kommune". */
export const registerKinds = [
  'land',
  'regierungsbezirk',
  'landkreis',
  'kreisfreie_stadt',
  'gemeindeverband',
  'gemeinde',
] as const
export const organisationKinds = [
  ...registerKinds,
  'it_dienstleister',
  'kommunales_unternehmen',
  'zweckverband',
  'spitzenverband',
  'landesverband',
  /** Kept for entries made before the kinds above existed. */
  'kommunaler_verband',
] as const
export type OrganisationKind = (typeof organisationKinds)[number]
export type RegisterKind = (typeof registerKinds)[number]

export const memberStatuses = [
  'pending_email',
  'pending_review',
  'verified',
  'rejected',
  'suspended',
  'expired',
  'deleted',
  'left',
  /** An external guest of one thread (features/guests): never a member. */
  'guest',
] as const
export type MemberStatus = (typeof memberStatuses)[number]

export const roles = ['member', 'moderator', 'admin'] as const
export type Role = (typeof roles)[number]

export type Locale = 'de' | 'en'

export interface OrganisationTable {
  id: Generated<number>
  kind: OrganisationKind
  name: string
  official_key: string | null
  land: string | null
  auto_approve: Generated<boolean>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  /** As Destatis writes it ("Köln, Stadt"); `name` is the natural form ("Stadt Köln"). */
  official_name: string | null
  /** As Destatis names it: Stadt, Große Kreisstadt, Markt, Gemeinde, Amt, Landkreis … */
  official_kind: string | null
  /** Gemeindeschlüssel of the level: Land 2, Regierungsbezirk 3, Kreis 5, Gemeinde 8 digits. */
  ags: string | null
  /** Regionalschlüssel: Land 2, Regierungsbezirk 3, Kreis 5, Gemeindeverband 9, Gemeinde 12 digits. */
  ars: string | null
  /** Gemeinde → Gemeindeverband or Kreis → Regierungsbezirk or Land; null for a Land. */
  parent_id: number | null
  population: number | null
  postcode: string | null
  latitude: number | null
  longitude: number | null
  /** The register extract it was last written from ('2020-12-31'); null when kept by moderators. */
  register_extract: string | null
  /** Merged or dissolved: kept for its members and history, no longer offered. */
  historical_at: NullableTimestamp
  merged_into_id: number | null
  /** Folded name and kind words for the search (kept by a trigger). */
  search_name: Generated<string>
  /** Folded names of the chain above, for "neustadt holstein" (written by the import). */
  search_context: Generated<string>
}

export interface OrganisationDomainTable {
  domain: string
  organisation_id: number
}

/** The municipalities (or Kreise) a Konzern-Kommune organisation belongs to or serves. */
export interface OrganisationMunicipalityTable {
  organisation_id: number
  municipality_id: number
  created_at: CreatedAt
}

export interface MemberTable {
  id: Generated<number>
  email: string
  name: string
  job_title: string
  organisation_id: number
  statement: Generated<string>
  password_hash: string
  role: Generated<Role>
  status: Generated<MemberStatus>
  status_reason: string | null
  suspended_until: NullableTimestamp
  locale: Locale | null
  email_confirmed_at: NullableTimestamp
  verified_at: NullableTimestamp
  verified_by: number | null
  verification_evidence: string | null
  verified_until: NullableTimestamp
  reconfirm_requested_at: NullableTimestamp
  reconfirm_reminded_at: NullableTimestamp
  invited_by: number | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  deleted_at: NullableTimestamp
}

export type TokenPurpose =
  | 'confirm_email'
  | 'reset_password'
  | 'reconfirm'
  | 'change_email'
  | 'unlock_sign_in'

export interface MemberTokenTable {
  token_hash: string
  member_id: number
  purpose: TokenPurpose
  new_email: string | null
  expires_at: Timestamp
  used_at: NullableTimestamp
  created_at: CreatedAt
}

export interface InvitationTable {
  id: Generated<number>
  inviter_id: number
  email: string
  token_hash: string
  expires_at: Timestamp
  accepted_member_id: number | null
  created_at: CreatedAt
}

export interface AuditEventTable {
  id: Generated<string>
  at: CreatedAt
  action: string
  actor_id: number | null
  subject_id: number | null
  details: ColumnType<Record<string, unknown>, string | undefined, never>
}

export type LoginFailureKind = 'sign_in' | 'current_password' | 'second_factor'

export interface LoginFailureTable {
  id: Generated<string>
  email: string
  /** Keyed hash of the client address (IPv6 by /64); the device cookie's id when there was one. */
  client: string | null
  device: string | null
  kind: ColumnType<LoginFailureKind, LoginFailureKind | undefined, never>
  at: CreatedAt
}

export interface SessionTable {
  sid_hash: string
  member_id: number | null
  data: ColumnType<Record<string, unknown>, string, string>
  user_agent: string | null
  created_at: CreatedAt
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>
  idle_expires_at: Timestamp
  absolute_expires_at: Timestamp
}

export interface RateLimitTable {
  key: string
  hits: number
  resets_at: Timestamp
}

export interface Database
  extends DiscussionsTables,
    AttachmentsTables,
    MailTables,
    DigestsTables,
    AccountsTables,
    ProfilesTables,
    GroupsTables,
    GuestsTables,
    ModerationTables {
  organisations: OrganisationTable
  organisation_domains: OrganisationDomainTable
  organisation_municipalities: OrganisationMunicipalityTable
  members: MemberTable
  member_tokens: MemberTokenTable
  invitations: InvitationTable
  audit_events: AuditEventTable
  login_failures: LoginFailureTable
  sessions: SessionTable
  rate_limits: RateLimitTable
}

export type Organisation = Selectable<OrganisationTable>
export type NewOrganisation = Insertable<OrganisationTable>
export type Member = Selectable<MemberTable>
export type NewMember = Insertable<MemberTable>
export type MemberUpdate = Updateable<MemberTable>
export type AuditEvent = Selectable<AuditEventTable>
