// Members at merged or dissolved (historical) organisations: the moderators' list, and the move
// to the successor organisation. The register import marks an organisation historical and names
// its nearest successor (merged_into_id); a successor that itself became historical is followed
// to the one that is not. The move keeps the member's status (the employer merged: the person,
// their address and their verification are the same), so no status transition is involved; it
// is the moderation's own "move to another organisation" (permissions, audit entry
// member.organisation_changed), called for the successor. Moving all members of one
// organisation also moves its official e-mail domains to the successor (audited).
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import type { MemberStatus } from '../../db/schema.ts'
import { NotFoundError } from '../../lib/errors.ts'
import { canModerate, moveToOrganisation } from '../moderation/moderation.service.ts'

/** Statuses of people who still have an account (left, deleted and rejected ones are not moved). */
const movableStatuses: MemberStatus[] = [
  'pending_email',
  'pending_review',
  'verified',
  'suspended',
  'expired',
]
const maxSuccessorHops = 8

export interface HistoricalMember {
  id: number
  name: string
  status: MemberStatus
  role: 'member' | 'moderator' | 'admin'
  organisationId: number
  organisationName: string
  historicalAt: Date
  successorId: number | null
  successorName: string | null
}

const successorOf = (organisation: string) => sql`(
  with recursive hop (id, merged_into_id, historical, depth) as (
    select s.id, s.merged_into_id, s.historical_at is not null, 1
    from organisations s where s.id = ${sql.ref(`${organisation}.merged_into_id`)}
    union all
    select s.id, s.merged_into_id, s.historical_at is not null, hop.depth + 1
    from hop join organisations s on s.id = hop.merged_into_id
    where hop.historical and hop.depth < ${maxSuccessorHops}
  )
  select hop.id from hop where not hop.historical order by hop.depth limit 1)`

/** The members at historical organisations, by organisation and name; one more than asked. */
export async function listMembersAtHistorical(db: Db, limit: number): Promise<HistoricalMember[]> {
  const result = await sql<HistoricalMember>`
    select m.id, m.name, m.status, m.role, o.id as "organisationId", o.name as "organisationName",
      o.historical_at as "historicalAt", s.id as "successorId", s.name as "successorName"
    from members m
    join organisations o on o.id = m.organisation_id and o.historical_at is not null
    left join organisations s on s.id = ${successorOf('o')}
    where m.status = any(${movableStatuses}::text[])
    order by lower(o.name), o.id, lower(m.name), m.id
    limit ${limit + 1}`.execute(db)
  return result.rows
}

async function findMemberAtHistorical(db: Db, memberId: number): Promise<HistoricalMember | undefined> {
  const result = await sql<HistoricalMember>`
    select m.id, m.name, m.status, m.role, o.id as "organisationId", o.name as "organisationName",
      o.historical_at as "historicalAt", s.id as "successorId", s.name as "successorName"
    from members m
    join organisations o on o.id = m.organisation_id and o.historical_at is not null
    left join organisations s on s.id = ${successorOf('o')}
    where m.id = ${memberId} and m.status = any(${movableStatuses}::text[])`.execute(db)
  return result.rows[0]
}

export type SuccessorMove = 'moved' | 'notHistorical' | 'noSuccessor' | 'notAllowed'

/**
 * Moves a member of a historical organisation to its successor. What happened comes back
 * rather than thrown: a member moved by someone else meanwhile is no error, only nothing to do.
 */
export async function moveToSuccessor(
  db: Db,
  moderator: CurrentMember,
  memberId: number,
): Promise<SuccessorMove> {
  const member = await findMemberAtHistorical(db, memberId)
  if (!member) return 'notHistorical'
  if (!canModerate(moderator, member)) return 'notAllowed'
  if (member.successorId === null) return 'noSuccessor'
  try {
    await moveToOrganisation(db, moderator, memberId, member.successorId)
  } catch (error) {
    if (error instanceof NotFoundError) return 'notHistorical'
    throw error
  }
  return 'moved'
}

/**
 * The official e-mail domains of a historical organisation go to its successor, so that a new
 * registration from such an address is proposed the successor (and counts as its official
 * evidence). Audited on both organisations, as a domain change of each. Returns the domains.
 */
async function moveDomainsToSuccessor(
  db: Db,
  moderator: CurrentMember,
  organisationId: number,
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const { rows: found } = await sql<{ successorId: number | null }>`
      select ${successorOf('o')} as "successorId" from organisations o
      where o.id = ${organisationId} and o.historical_at is not null for update`.execute(trx)
    const successorId = found[0]?.successorId
    if (!successorId) return []
    const { rows } = await sql<{ domain: string }>`
      update organisation_domains set organisation_id = ${successorId}
      where organisation_id = ${organisationId} returning domain::text as domain`.execute(trx)
    const domains = rows.map((row) => row.domain).sort()
    if (domains.length === 0) return []
    for (const [id, change] of [
      [organisationId, { added: [], removed: domains }],
      [successorId, { added: domains, removed: [] }],
    ] as const) {
      await recordAudit(trx, {
        action: 'organisation.updated',
        actorId: moderator.id,
        details: { organisationId: id, changes: { domains: change } },
      })
    }
    return domains
  })
}

/**
 * Every member of one historical organisation to its successor, each as above, and its official
 * domains with them. Returns the counts.
 */
export async function moveAllToSuccessor(
  db: Db,
  moderator: CurrentMember,
  organisationId: number,
): Promise<Record<SuccessorMove, number> & { domains: number }> {
  const result = await sql<{ id: number }>`
    select m.id from members m join organisations o on o.id = m.organisation_id
    where o.id = ${organisationId} and o.historical_at is not null
      and m.status = any(${movableStatuses}::text[])
    order by m.id
    limit 1000`.execute(db)
  const counts: Record<SuccessorMove, number> = { moved: 0, notHistorical: 0, noSuccessor: 0, notAllowed: 0 }
  for (const { id } of result.rows) counts[await moveToSuccessor(db, moderator, id)]++
  const domains = await moveDomainsToSuccessor(db, moderator, organisationId)
  return { ...counts, domains: domains.length }
}
