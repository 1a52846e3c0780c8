// Member rows, for every feature. Status changes go through membership.ts' transition().
import type { Db } from '../../db/database.ts'

export function findMemberById(db: Db, id: number) {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst()
}

/** What a feature needs to act on a member and mail them: never the password hash. */
export function findMemberSummary(db: Db, id: number) {
  return db
    .selectFrom('members')
    .select(['id', 'name', 'email', 'locale', 'role', 'status', 'organisation_id'])
    .where('id', '=', id)
    .executeTakeFirst()
}
