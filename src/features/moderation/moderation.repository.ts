import { sql } from 'kysely'
import type { AuditAction } from '../../core/audit/audit.ts'
import type { Db } from '../../db/database.ts'
import type { MemberStatus } from '../../db/schema.ts'

/** Applicants waiting for review, oldest first, with the evidence moderators decide on. */
export function listApplicantRows(db: Db) {
  return db
    .selectFrom('members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .leftJoin('members as inviter', 'inviter.id', 'm.invited_by')
    .select([
      'm.id',
      'm.name',
      'm.email',
      'm.job_title',
      'm.statement',
      'm.created_at',
      'm.email_confirmed_at',
      'o.id as organisation_id',
      'o.name as organisation_name',
      'o.kind as organisation_kind',
      'o.land as organisation_land',
      'inviter.name as inviter_name',
      sql<boolean>`exists (
        select 1 from organisation_domains d
        where d.organisation_id = m.organisation_id
          and d.domain = substring(m.email from position('@' in m.email) + 1)
      )`.as('official_domain'),
      // Everything else a moderator checks before deciding, on the same card.
      sql<string | null>`(
        select other.name from organisation_domains d
        join organisations other on other.id = d.organisation_id
        where d.domain = substring(m.email from position('@' in m.email) + 1)
          and d.organisation_id <> m.organisation_id
        limit 1
      )`.as('domain_owner_name'),
      sql<string[]>`array(
        select d.domain::text from organisation_domains d
        where d.organisation_id = m.organisation_id order by d.domain limit 10
      )`.as('organisation_domains'),
      sql<number>`(
        select count(*)::int from members c
        where c.organisation_id = m.organisation_id and c.status = 'verified'
      )`.as('verified_colleagues'),
    ])
    .where('m.status', '=', 'pending_review')
    .orderBy('m.created_at', 'asc')
    .orderBy('m.id', 'asc')
    .limit(200)
    .execute()
}

export interface MemberFilter {
  status?: MemberStatus
  query?: string
}

export function listMembers(db: Db, filter: MemberFilter) {
  let query = db
    .selectFrom('members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select(['m.id', 'm.name', 'm.email', 'm.status', 'm.role', 'o.name as organisation_name'])
    .orderBy('m.name')
    .limit(200)
  if (filter.status) query = query.where('m.status', '=', filter.status)
  if (filter.query) {
    const pattern = `%${filter.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    query = query.where((eb) =>
      eb.or([
        eb('m.name', 'ilike', pattern),
        eb('m.email', 'ilike', pattern),
        eb('o.name', 'ilike', pattern),
      ]),
    )
  }
  return query.execute()
}

/** One member with the verification record: who verified them, when, on what evidence, until when. */
export function findMemberRecord(db: Db, id: number) {
  return db
    .selectFrom('members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .leftJoin('members as verifier', 'verifier.id', 'm.verified_by')
    .leftJoin('members as inviter', 'inviter.id', 'm.invited_by')
    .select([
      'm.id',
      'm.name',
      'm.email',
      'm.job_title',
      'm.statement',
      'm.status',
      'm.status_reason',
      'm.suspended_until',
      'm.role',
      'm.created_at',
      'm.email_confirmed_at',
      'm.verified_at',
      'm.verification_evidence',
      'm.verified_until',
      'o.name as organisation_name',
      'verifier.name as verifier_name',
      'inviter.name as inviter_name',
    ])
    .where('m.id', '=', id)
    .executeTakeFirst()
}

export interface AuditFilter {
  action?: AuditAction
  memberId?: number
  from?: string
  to?: string
  before?: number
}

export function listAuditEvents(db: Db, filter: AuditFilter, limit = 50) {
  let query = db
    .selectFrom('audit_events as a')
    .leftJoin('members as actor', 'actor.id', 'a.actor_id')
    .leftJoin('members as subject', 'subject.id', 'a.subject_id')
    .select([
      'a.id',
      'a.at',
      'a.action',
      'a.details',
      'a.actor_id',
      'a.subject_id',
      'actor.name as actor_name',
      'subject.name as subject_name',
    ])
    .orderBy('a.id', 'desc')
    .limit(limit + 1)
  if (filter.action) query = query.where('a.action', '=', filter.action)
  if (filter.memberId) {
    const id = filter.memberId
    query = query.where((eb) => eb.or([eb('a.actor_id', '=', id), eb('a.subject_id', '=', id)]))
  }
  if (filter.from) query = query.where('a.at', '>=', sql<Date>`${filter.from}::date`)
  if (filter.to) query = query.where('a.at', '<', sql<Date>`${filter.to}::date + 1`)
  if (filter.before) query = query.where('a.id', '<', String(filter.before))
  return query.execute()
}

/** Names of the organisations an audit page mentions by id. */
export async function organisationNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  const rowIds = ids.filter((id) => id > 0 && id <= 2_147_483_647)
  if (rowIds.length === 0) return new Map()
  const rows = await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', rowIds).execute()
  return new Map(rows.map((row) => [row.id, row.name]))
}
