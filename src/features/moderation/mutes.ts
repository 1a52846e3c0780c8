// Muting: a member mutes another member. The muted member's posts are collapsed for them
// (shown on request, without JavaScript too), they get no notifications caused by them, and
// the direct messages feature stops messages from them. Nobody else learns of it.
import { sql } from 'kysely'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import { NotFoundError } from '../../lib/errors.ts'

export interface MutedMember {
  id: number
  name: string
  organisation: string
}

/** Verified members only can be muted (others do not show up in the forum). */
export async function findMutable(db: Db, member: CurrentMember, otherId: number) {
  const row = await db
    .selectFrom('members as m')
    .leftJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select(['m.id', 'm.name', 'o.name as organisation'])
    .where('m.id', '=', otherId)
    .where('m.status', '=', 'verified')
    .executeTakeFirst()
  if (!row || row.id === member.id) throw new NotFoundError()
  return {
    id: row.id,
    name: row.name,
    organisation: row.organisation ?? '',
    muted: await isMuted(db, member.id, otherId),
  }
}

export async function mute(db: Db, member: CurrentMember, otherId: number): Promise<void> {
  await findMutable(db, member, otherId)
  await db
    .insertInto('member_mutes')
    .values({ member_id: member.id, muted_member_id: otherId })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export async function unmute(db: Db, member: CurrentMember, otherId: number): Promise<void> {
  await db
    .deleteFrom('member_mutes')
    .where('member_id', '=', member.id)
    .where('muted_member_id', '=', otherId)
    .execute()
}

/** Has `memberId` muted `otherId`? */
export async function isMuted(db: Db, memberId: number, otherId: number): Promise<boolean> {
  const row = await db
    .selectFrom('member_mutes')
    .select('member_id')
    .where('member_id', '=', memberId)
    .where('muted_member_id', '=', otherId)
    .executeTakeFirst()
  return row !== undefined
}

export async function listMuted(db: Db, memberId: number): Promise<MutedMember[]> {
  const { rows } = await sql<MutedMember>`
    select m.id, m.name, coalesce(o.name, '') as organisation
    from member_mutes mm join members m on m.id = mm.muted_member_id
    left join organisations o on o.id = m.organisation_id
    where mm.member_id = ${memberId}
    order by m.name, m.id`.execute(db)
  return rows
}

/** The ids the viewer muted, as an SQL column (int[]) for a page's one statement. */
export function mutedIdsColumn(viewer: number) {
  return sql<number[]>`array(select mm.muted_member_id from member_mutes mm where mm.member_id = ${viewer})`
}
