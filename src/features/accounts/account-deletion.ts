// Art. 17 DSGVO: a member deletes their account (confirmed with the password), and the
// retention periods remove old applications. Personal data goes everywhere: name, address,
// job title, statement, handle, notes of the verification, sessions, tokens, second factor,
// settings, exports, follows, read marks, reactions, notifications, login failures, mail
// records and mail still waiting to be sent, invitations, group memberships, their part in
// direct conversations. The member's posts and messages are removed, or kept under
// "Ehemaliges Mitglied", as the member chooses.
//
// The row stays as a tombstone with status `deleted` (kept posts point to it, and the audit
// log's ids resolve to it): the audit log, which may not be rewritten, keeps only that number,
// a pseudonym that no longer leads to a person. The organisation stays on the tombstone.
import { sql } from 'kysely'
import { mailMember } from '../../core/mail/mail.queue.ts'
import { transition } from '../../core/members/membership.ts'
import type { Db } from '../../db/database.ts'
import { ValidationError } from '../../lib/errors.ts'
import { eraseMessagesOf } from '../messages/messages.service.ts'
import { checkCurrentPassword } from './sign-in.ts'

export type KeptPosts = 'keep' | 'remove'

export const formerMemberName = 'Ehemaliges Mitglied'
/** What a removed thread that others replied to is called from then on. */
export const removedThreadTitle = 'Thema eines ehemaligen Mitglieds'

export interface Erasure {
  posts: KeptPosts
  /** Who asked: the member (own request) or nobody (retention). */
  actorId: number | null
  reason: 'own_request' | 'unconfirmed' | 'rejected' | 'guest_ended'
}

/** The member's own request: the password first (limited like every current-password check). */
export async function deleteOwnAccount(
  db: Db,
  memberId: number,
  input: { password: string; posts: KeptPosts },
): Promise<void> {
  const member = await checkCurrentPassword(db, memberId, input.password)
  const erased = await db.transaction().execute(async (trx) => {
    const done = await eraseMember(trx, memberId, {
      posts: input.posts,
      actorId: memberId,
      reason: 'own_request',
    })
    // The goodbye goes to the old address; its job (holding address and name) ends when it is sent.
    if (done) await mailMember(trx, member, 'account.deleted')
    return done
  })
  if (!erased) throw new ValidationError({ password: { key: 'dataRights.delete.gone' } })
}

/** Erases a member in the caller's transaction; false when they were erased already. */
export async function eraseMember(trx: Db, memberId: number, erasure: Erasure): Promise<boolean> {
  const before = await trx
    .selectFrom('members')
    .select(['email', sql<string | null>`handle`.as('handle')])
    .where('id', '=', memberId)
    .where('status', '!=', 'deleted')
    .forUpdate()
    .executeTakeFirst()
  if (!before) return false
  const moved = await transition(trx, memberId, 'deleteAccount', {
    actorId: erasure.actorId,
    details: { reason: erasure.reason, posts: erasure.posts },
    changes: tombstone(memberId),
  })
  if (!moved) return false
  await sql`update members set handle = ${`ehemalig_${memberId}`} where id = ${memberId}`.execute(trx)
  if (erasure.posts === 'remove') await removeContent(trx, memberId)
  await eraseMessagesOf(trx, memberId, erasure.posts === 'remove')
  await removePersonalRows(trx, memberId, before.email)
  if (before.handle) await neutraliseMentions(trx, before.handle)
  return true
}

/** What an @mention of an erased member reads as in others' texts (no @: never a mention again). */
export const erasedMention = '[ehemaliges Mitglied]'

/**
 * The handle is made of the name, so others' @mentions of it are personal data too: in every
 * text that can hold one (posts and their earlier versions, direct messages, profile
 * introductions) the mention becomes `erasedMention`, in the source and in the stored HTML.
 * A post's version goes up, so no cached rendering keeps the old one; the search index follows
 * the source by its trigger.
 */
async function neutraliseMentions(trx: Db, handle: string) {
  // '-' needs no escape outside a class (and may not have one with the u flag).
  const name = handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const inText = new RegExp(`(^|[^\\p{L}\\p{N}_@/.])@${name}(?![\\p{L}\\p{N}_]|[.-][\\p{L}\\p{N}])`, 'giu')
  const highlighted = new RegExp(`<strong class="mention">@${name}</strong>`, 'giu')
  const neutral = (text: string) =>
    text
      .replace(highlighted, erasedMention)
      .replace(inText, (_, before: string) => `${before}${erasedMention}`)
  const texts = [
    { table: 'posts', key: 'id', source: 'body_source', html: 'body_html', version: true },
    { table: 'post_revisions', key: 'id', source: 'body_source', html: 'body_html', version: false },
    { table: 'direct_messages', key: 'id', source: 'body_source', html: 'body_html', version: false },
    {
      table: 'member_profiles',
      key: 'member_id',
      source: 'introduction_source',
      html: 'introduction_html',
      version: false,
    },
  ] as const
  const like = `%@${handle.replace(/[\\%_]/g, '\\$&')}%`
  for (const text of texts) {
    const { rows } = await sql<{ key: number; source: string; html: string }>`
      select ${sql.ref(text.key)} as key, ${sql.ref(text.source)} as source, ${sql.ref(text.html)} as html
      from ${sql.table(text.table)} where ${sql.ref(text.source)} ilike ${like} or ${sql.ref(text.html)} ilike ${like}
      for update`.execute(trx)
    for (const row of rows) {
      const source = neutral(row.source)
      const html = neutral(row.html)
      if (source === row.source && html === row.html) continue
      await sql`update ${sql.table(text.table)} set ${sql.ref(text.source)} = ${source}, ${sql.ref(text.html)} = ${html}
        ${text.version ? sql`, version = version + 1` : sql``}
        where ${sql.ref(text.key)} = ${row.key}`.execute(trx)
    }
  }
}

function tombstone(memberId: number) {
  return {
    name: formerMemberName,
    email: `geloescht-${memberId}@geloescht.invalid`,
    job_title: '',
    statement: '',
    // No password hash matches anything (argon2 hashes start with $argon2).
    password_hash: '!',
    status_reason: null,
    suspended_until: null,
    locale: null,
    verification_evidence: null,
    verified_until: null,
    reconfirm_requested_at: null,
    reconfirm_reminded_at: null,
    invited_by: null,
    deleted_at: sql<Date>`now()`,
  }
}

/** Rows that are about the member, or that only the member's address ties to them. */
async function removePersonalRows(trx: Db, memberId: number, email: string) {
  for (const table of [
    'member_tokens',
    'member_second_factors',
    'member_recovery_codes',
    'data_exports',
    'member_digest_settings',
    'mail_deliveries',
    'follows',
    'thread_reads',
    'notifications',
    'sessions',
    'drafts',
    'applicant_questions',
    'member_mutes',
    'group_members',
    'group_requests',
  ] as const) {
    await trx.deleteFrom(table).where('member_id', '=', memberId).execute()
  }
  // Others' mutes of the person go too (nothing of them is shown any more).
  await trx.deleteFrom('member_mutes').where('muted_member_id', '=', memberId).execute()
  await removeReactions(trx, memberId)
  await trx.deleteFrom('login_failures').where('email', '=', email).execute()
  await trx
    .deleteFrom('invitations')
    .where((eb) => eb.or([eb('inviter_id', '=', memberId), eb('email', '=', email)]))
    .execute()
  await trx
    .updateTable('invitations')
    .set({ accepted_member_id: null })
    .where('accepted_member_id', '=', memberId)
    .execute()
  await trx.updateTable('notifications').set({ actor_id: null }).where('actor_id', '=', memberId).execute()
  await trx
    .updateTable('thread_stage_changes')
    .set({ member_id: null })
    .where('member_id', '=', memberId)
    .execute()
  await trx
    .updateTable('post_revisions')
    .set({ replaced_by: null })
    .where('replaced_by', '=', memberId)
    .execute()
  // An uncertain mail's kept job (mail/uncertain.ts) holds the address too.
  await sql`delete from mail_sends where job is not null
    and (lower(job ->> 'to') = lower(${email}) or (job ->> 'memberId') = ${String(memberId)})`.execute(trx)
  // Mail not yet sent to the old address (its job holds the address and the name).
  await sql`
    select graphile_worker.complete_jobs(array(
      select jobs.id from graphile_worker._private_jobs jobs
      where jobs.locked_at is null
        and (lower(jobs.payload->>'to') = lower(${email}) or (jobs.payload->>'memberId') = ${String(memberId)})
    ))`.execute(trx)
}

/** The member's reactions go, and the counts they were part of drop by one. */
async function removeReactions(trx: Db, memberId: number) {
  await sql`
    with gone as (delete from reactions where member_id = ${memberId} returning post_id)
    update posts set helpful_count = greatest(helpful_count - 1, 0)
    where id in (select post_id from gone)`.execute(trx)
}

/**
 * "Remove my posts": every post's text goes (the post stays as "deleted", so replies keep their
 * place), earlier versions too; a thread of theirs goes entirely when nobody else wrote in it,
 * else it keeps the others' replies under a neutral title.
 */
async function removeContent(trx: Db, memberId: number) {
  await sql`
    delete from threads t where t.author_id = ${memberId}
      and not exists (select 1 from posts p where p.thread_id = t.id and p.author_id <> ${memberId})`.execute(
    trx,
  )
  await sql`delete from post_revisions where post_id in (select id from posts where author_id = ${memberId})`.execute(
    trx,
  )
  await trx
    .updateTable('posts')
    .set((eb) => ({
      body_source: '',
      body_html: '',
      deleted_at: sql`coalesce(deleted_at, now())`,
      version: eb('version', '+', 1),
    }))
    .where('author_id', '=', memberId)
    .execute()
  await trx
    .updateTable('threads')
    .set({ title: removedThreadTitle })
    .where('author_id', '=', memberId)
    .execute()
  await sql`delete from thread_tags where thread_id in (select id from threads where author_id = ${memberId})`.execute(
    trx,
  )
}
