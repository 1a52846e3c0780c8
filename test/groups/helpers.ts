// Shared set-up of the groups tests: a group with a Themenraum through the real services.
import { sql } from 'kysely'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import type { Db } from '../../src/db/database.ts'
import * as groups from '../../src/features/groups/groups.service.ts'
import type { JoinMode } from '../../src/features/groups/groups.tables.ts'

let counter = 0

/** A group made by the site admin `admin`, with one Themenraum; returns its id and the slug. */
export async function createGroupWithRoom(
  db: Db,
  admin: CurrentMember,
  values: { name?: string; joinMode?: JoinMode; room?: string; description?: string } = {},
): Promise<{ groupId: number; slug: string; name: string; room: string }> {
  counter += 1
  const name = values.name ?? `CDO-Netzwerk ${counter} ${Date.now().toString(36)}`
  const room = values.room ?? `Strategie ${counter}`
  const groupId = await groups.createGroup(db, admin, {
    name,
    description: values.description ?? 'Die CDOs der Großstädte.',
    joinMode: values.joinMode ?? 'request',
  })
  const slug = await groups.createCategory(db, admin, groupId, { name: room, description: '' })
  return { groupId, slug, name, room }
}

export async function addToGroup(db: Db, groupAdmin: CurrentMember, groupId: number, member: CurrentMember) {
  if ((await groups.join(db, member, groupId)) === 'requested')
    await groups.decideRequest(db, groupAdmin, groupId, member.id, 'approve')
}

/** A member's @handle (kept by the member-handles migration; not in the table types). */
export async function handleOf(db: Db, memberId: number): Promise<string> {
  const { rows } = await sql<{ handle: string }>`select handle from members where id = ${memberId}`.execute(
    db,
  )
  return rows[0]!.handle
}
