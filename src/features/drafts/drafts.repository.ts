// Drafts: what a member is writing (a new thread, a reply), kept per member and form so that an
// expired session or a closed tab loses nothing. A draft whose form key belongs to a post of
// the member was sent: it is used up, never restored again.
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

export type DraftFields = Record<string, string>

export async function saveDraft(db: Db, memberId: number, key: string, fields: DraftFields): Promise<void> {
  await sql`insert into drafts (member_id, draft_key, fields, updated_at)
    values (${memberId}, ${key}, ${JSON.stringify(fields)}::jsonb, now())
    on conflict (member_id, draft_key) do update set fields = excluded.fields, updated_at = now()`.execute(db)
}

/** The member's draft for the form, unless it was sent (its form key wrote a post) or is old. */
export async function findDraft(
  db: Db,
  memberId: number,
  key: string,
  maxAgeDays: number,
): Promise<DraftFields | undefined> {
  const { rows } = await sql<{ fields: DraftFields; used: boolean; old: boolean }>`
    select d.fields, exists (select 1 from posts p where p.author_id = d.member_id
        and p.form_key::text = d.fields ->> 'formKey') as used,
      d.updated_at < now() - make_interval(days => ${maxAgeDays}::int) as old
    from drafts d where d.member_id = ${memberId} and d.draft_key = ${key}`.execute(db)
  const row = rows[0]
  if (!row) return undefined
  if (row.used || row.old) {
    await deleteDraft(db, memberId, key)
    return undefined
  }
  return row.fields
}

export async function deleteDraft(db: Db, memberId: number, key: string): Promise<void> {
  await sql`delete from drafts where member_id = ${memberId} and draft_key = ${key}`.execute(db)
}
