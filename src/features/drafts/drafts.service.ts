// Drafts seen from other features: how long a draft is kept, and the retention's clean-up.
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

/** Drafts older than this are not restored, and the daily retention removes them. */
export const draftMaxAgeDays = 30

/** Removes drafts not saved for `draftMaxAgeDays` as of `now`; returns how many. */
export async function removeOldDrafts(db: Db, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`with gone as (
      delete from drafts where updated_at < ${new Date(now.getTime() - draftMaxAgeDays * 86_400_000)}
      returning 1)
    select count(*)::int as n from gone`.execute(db)
  return rows[0]?.n ?? 0
}
