// Member rows, for every feature: narrow selects, and the one way a membership status changes.
import type { UpdateObject } from 'kysely'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Database, MemberStatus } from '../../db/schema.ts'

export function findMemberById(db: Db, id: number) {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Sets a new status only if the member still has the expected one: racing changes lose cleanly. */
export async function moveStatus(
  db: Db,
  memberId: number,
  from: MemberStatus | MemberStatus[],
  changes: UpdateObject<Database, 'members'> & { status: MemberStatus },
) {
  return db
    .updateTable('members')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', memberId)
    .where('status', 'in', [from].flat())
    .returning(['id', 'email', 'name', 'locale', 'status'])
    .executeTakeFirst()
}
