// Art. 15 / 20 DSGVO: everything stored about a member, as one JSON file.
//
// Asked for on the account's data page, made by a job (a member with years of posts makes a
// file of megabytes: no request should wait for it), kept 7 days, announced by mail. It holds
// the member's own data only: their profile, organisation, status history, their threads and
// posts with the Markdown they wrote, their reactions, follows, read marks, notifications,
// settings, sessions and mail log. Nothing written by other members (not even the titles of
// their threads), no secrets (password hash, second-factor secret, token hashes).
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { mailMember } from '../../core/mail/mail.queue.ts'
import type { Db } from '../../db/database.ts'
import { ConflictError, NotFoundError } from '../../lib/errors.ts'
import { messagesDataOf } from '../messages/messages.service.ts'

export const exportTask = 'compose_data_export'
export const exportKeepDays = 7

/** Asks for an export; one at a time (a pending one is not asked for twice). */
export async function requestDataExport(db: Db, memberId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('data_export:' || ${memberId}::text))`.execute(trx)
    const pending = await trx
      .selectFrom('data_exports')
      .select('id')
      .where('member_id', '=', memberId)
      .where('status', '=', 'pending')
      .executeTakeFirst()
    if (pending) throw new ConflictError('dataRights.export.pending')
    const row = await trx
      .insertInto('data_exports')
      .values({ member_id: memberId })
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`select graphile_worker.add_job(${exportTask}, ${JSON.stringify({ exportId: row.id })}::json, max_attempts => 5)`.execute(
      trx,
    )
    await recordAudit(trx, { action: 'data_export.requested', actorId: memberId, subjectId: memberId })
  })
}

export interface ExportListItem {
  id: number
  status: 'pending' | 'ready'
  requestedAt: Date
  readyAt: Date | null
  byteSize: number | null
  expiresAt: Date
}

export async function listDataExports(db: Db, memberId: number): Promise<ExportListItem[]> {
  const rows = await db
    .selectFrom('data_exports')
    .select(['id', 'status', 'requested_at', 'ready_at', 'byte_size'])
    .where('member_id', '=', memberId)
    .orderBy('requested_at', 'desc')
    .limit(5)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    requestedAt: row.requested_at,
    readyAt: row.ready_at,
    byteSize: row.byte_size,
    expiresAt: new Date(row.requested_at.getTime() + exportKeepDays * 86_400_000),
  }))
}

/** The finished file of the member's own export. */
export async function findDataExport(db: Db, memberId: number, exportId: number) {
  const row = await db
    .selectFrom('data_exports')
    .select(['content', 'ready_at'])
    .where('id', '=', exportId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'ready')
    .executeTakeFirst()
  if (!row?.content || !row.ready_at) throw new NotFoundError()
  return { content: row.content, readyAt: row.ready_at }
}

/** The job: makes the file, stores it and mails the member that it is ready. */
export async function composeDataExport(db: Db, exportId: number): Promise<void> {
  const request = await db
    .selectFrom('data_exports')
    .select(['member_id', 'status'])
    .where('id', '=', exportId)
    .executeTakeFirst()
  if (request?.status !== 'pending') return
  const data = await collectMemberData(db, request.member_id)
  if (!data) return
  const content = JSON.stringify(data, null, 2)
  await db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('data_exports')
      .set({ status: 'ready', content, byte_size: Buffer.byteLength(content), ready_at: sql`now()` })
      .where('id', '=', exportId)
      .where('status', '=', 'pending')
      .executeTakeFirst()
    if (Number(done.numUpdatedRows) === 0) return
    const member = await trx
      .selectFrom('members')
      .select(['email', 'name', 'locale'])
      .where('id', '=', request.member_id)
      .executeTakeFirstOrThrow()
    await mailMember(trx, member, 'account.data_export_ready', { days: exportKeepDays })
  })
}

const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null)

/** Everything about one member (see the top of the file), or undefined when there is no such member. */
export async function collectMemberData(db: Db, memberId: number) {
  const profile = await db
    .selectFrom('members')
    .innerJoin('organisations', 'organisations.id', 'members.organisation_id')
    .select([
      'members.id',
      'members.name',
      sql<string>`members.handle`.as('handle'),
      'members.email',
      'members.job_title',
      'members.statement',
      'members.role',
      'members.status',
      'members.status_reason',
      'members.suspended_until',
      'members.locale',
      'members.created_at',
      'members.email_confirmed_at',
      'members.verified_at',
      'members.verification_evidence',
      'members.verified_until',
      'organisations.id as organisation_id',
      'organisations.name as organisation_name',
      'organisations.kind as organisation_kind',
      'organisations.official_key as organisation_key',
    ])
    .where('members.id', '=', memberId)
    .executeTakeFirst()
  if (!profile) return undefined
  const [history, threads, posts, revisions, reactions, follows, reads, notifications] = await Promise.all([
    statusHistory(db, memberId),
    db
      .selectFrom('threads')
      .innerJoin('categories', 'categories.id', 'threads.category_id')
      .select([
        'threads.id',
        'threads.title',
        'threads.stage',
        'threads.confidential',
        'threads.created_at',
        'categories.name as category',
      ])
      .where('threads.author_id', '=', memberId)
      .orderBy('threads.id')
      .execute(),
    db
      .selectFrom('posts')
      .select(['id', 'thread_id', 'parent_id', 'body_source', 'created_at', 'edited_at', 'deleted_at'])
      .where('author_id', '=', memberId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('post_revisions')
      .innerJoin('posts', 'posts.id', 'post_revisions.post_id')
      .select([
        'post_revisions.post_id',
        'post_revisions.version',
        'post_revisions.body_source',
        'post_revisions.written_at',
      ])
      .where('posts.author_id', '=', memberId)
      .orderBy('post_revisions.id')
      .execute(),
    db
      .selectFrom('reactions')
      .select(['post_id', 'kind', 'created_at'])
      .where('member_id', '=', memberId)
      .execute(),
    db.selectFrom('follows').select(['thread_id', 'created_at']).where('member_id', '=', memberId).execute(),
    db
      .selectFrom('thread_reads')
      .select(['thread_id', 'read_post_count', 'read_at'])
      .where('member_id', '=', memberId)
      .execute(),
    db
      .selectFrom('notifications')
      .select(['kind', 'thread_id', 'post_id', 'created_at', 'read_at'])
      .where('member_id', '=', memberId)
      .orderBy('id')
      .execute(),
  ])
  return {
    format: 'vertrauensraum-datenexport/1',
    generatedAt: new Date().toISOString(),
    profile: {
      id: profile.id,
      name: profile.name,
      handle: profile.handle,
      email: profile.email,
      jobTitle: profile.job_title,
      statement: profile.statement,
      role: profile.role,
      status: profile.status,
      statusReason: profile.status_reason,
      suspendedUntil: iso(profile.suspended_until),
      language: profile.locale,
      registeredAt: iso(profile.created_at),
      emailConfirmedAt: iso(profile.email_confirmed_at),
      verifiedAt: iso(profile.verified_at),
      verificationEvidence: profile.verification_evidence,
      verifiedUntil: iso(profile.verified_until),
    },
    organisation: {
      id: profile.organisation_id,
      name: profile.organisation_name,
      kind: profile.organisation_kind,
      officialKey: profile.organisation_key,
    },
    statusHistory: history,
    threads: threads.map((t) => ({
      id: t.id,
      title: t.title,
      category: t.category,
      stage: t.stage,
      confidential: t.confidential,
      createdAt: iso(t.created_at),
    })),
    posts: posts.map((p) => ({
      id: p.id,
      threadId: p.thread_id,
      replyTo: p.parent_id,
      markdown: p.body_source,
      createdAt: iso(p.created_at),
      editedAt: iso(p.edited_at),
      deletedAt: iso(p.deleted_at),
    })),
    earlierVersionsOfPosts: revisions.map((r) => ({
      postId: r.post_id,
      version: r.version,
      markdown: r.body_source,
      writtenAt: iso(r.written_at),
    })),
    reactions: reactions.map((r) => ({ postId: r.post_id, kind: r.kind, at: iso(r.created_at) })),
    follows: follows.map((f) => ({ threadId: f.thread_id, since: iso(f.created_at) })),
    readMarks: reads.map((r) => ({
      threadId: r.thread_id,
      postsRead: r.read_post_count,
      at: iso(r.read_at),
    })),
    notifications: notifications.map((n) => ({
      kind: n.kind,
      threadId: n.thread_id,
      postId: n.post_id,
      at: iso(n.created_at),
      readAt: iso(n.read_at),
    })),
    settings: await settingsOf(db, memberId, profile.locale),
    sessions: await sessionsOf(db, memberId),
    mailLog: await mailLogOf(db, memberId, profile.email),
    invitationsSent: await invitationsOf(db, memberId),
    ...(await moderationDataOf(db, memberId)),
    groups: await groupsOf(db, memberId),
    directMessages: await messagesDataOf(db, memberId),
    securityEvents: await securityEventsOf(db, profile.email),
  }
}

/** The member's entries in the audit log: what happened to the account, and what they did. */
async function statusHistory(db: Db, memberId: number) {
  const rows = await db
    .selectFrom('audit_events')
    .select(['at', 'action', 'actor_id', 'subject_id', 'details'])
    .where((eb) => eb.or([eb('subject_id', '=', memberId), eb('actor_id', '=', memberId)]))
    .orderBy('id')
    .execute()
  // Who else acted is said by role only: a moderator's name is not the member's data.
  return rows.map((row) => ({
    at: iso(row.at),
    action: row.action,
    by: row.actor_id === memberId ? 'self' : row.actor_id === null ? 'system' : 'staff',
    details: row.details,
  }))
}

async function settingsOf(db: Db, memberId: number, language: string | null) {
  const digest = await db
    .selectFrom('member_digest_settings')
    .select(['frequency', 'all_categories', 'category_ids', 'notify_mode'])
    .where('member_id', '=', memberId)
    .executeTakeFirst()
  const factor = await db
    .selectFrom('member_second_factors')
    .select('confirmed_at')
    .where('member_id', '=', memberId)
    .executeTakeFirst()
  return {
    language,
    digest: digest
      ? {
          frequency: digest.frequency,
          allCategories: digest.all_categories,
          categoryIds: digest.category_ids,
          notificationMail: digest.notify_mode,
        }
      : null,
    secondFactor: { enrolled: Boolean(factor?.confirmed_at), enrolledAt: iso(factor?.confirmed_at) },
  }
}

async function sessionsOf(db: Db, memberId: number) {
  const rows = await db
    .selectFrom('sessions')
    .select(['created_at', 'last_seen_at', 'user_agent', 'absolute_expires_at'])
    .where('member_id', '=', memberId)
    .orderBy('created_at')
    .execute()
  return rows.map((s) => ({
    signedInAt: iso(s.created_at),
    lastSeenAt: iso(s.last_seen_at),
    browser: s.user_agent,
    endsAt: iso(s.absolute_expires_at),
  }))
}

async function mailLogOf(db: Db, memberId: number, email: string) {
  const deliveries = await db
    .selectFrom('mail_deliveries')
    .select(['kind', 'period_key', 'thread_count', 'status', 'created_at', 'sent_at'])
    .where('member_id', '=', memberId)
    .orderBy('id')
    .execute()
  const { rows: waiting } = await sql<{ template: string; created_at: Date; attempts: number }>`
    select jobs.payload->>'template' as template, jobs.created_at, jobs.attempts
    from graphile_worker._private_jobs jobs
    join graphile_worker._private_tasks tasks on tasks.id = jobs.task_id
    where tasks.identifier = 'send_mail' and lower(jobs.payload->>'to') = lower(${email})
    order by jobs.id`.execute(db)
  return {
    digestsAndNotifications: deliveries.map((d) => ({
      kind: d.kind,
      period: d.period_key,
      threads: d.thread_count,
      status: d.status,
      createdAt: iso(d.created_at),
      sentAt: iso(d.sent_at),
    })),
    notYetSent: waiting.map((w) => ({
      template: w.template,
      queuedAt: iso(w.created_at),
      attempts: w.attempts,
    })),
  }
}

/**
 * What the moderation feature keeps about the member: the moderators' questions and the answers
 * (while applying), the drafts being written, and whom they muted (member numbers only).
 */
async function moderationDataOf(db: Db, memberId: number) {
  const [questions, drafts, mutes] = await Promise.all([
    db
      .selectFrom('applicant_questions')
      .select(['question', 'answer', 'asked_at', 'answered_at'])
      .where('member_id', '=', memberId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('drafts')
      .select(['draft_key', 'fields', 'updated_at'])
      .where('member_id', '=', memberId)
      .execute(),
    db
      .selectFrom('member_mutes')
      .select(['muted_member_id', 'created_at'])
      .where('member_id', '=', memberId)
      .execute(),
  ])
  return {
    applicationQuestions: questions.map((q) => ({
      question: q.question,
      answer: q.answer,
      askedAt: iso(q.asked_at),
      answeredAt: iso(q.answered_at),
    })),
    drafts: drafts.map((d) => ({ form: d.draft_key, fields: d.fields, savedAt: iso(d.updated_at) })),
    mutedMembers: mutes.map((m) => ({ memberId: m.muted_member_id, since: iso(m.created_at) })),
  }
}

/** The closed groups the member belongs to, with their role there. */
async function groupsOf(db: Db, memberId: number) {
  const { rows } = await sql<{ name: string; role: string; joined_at: Date }>`
    select g.name, gm.role, gm.joined_at from group_members gm join groups g on g.id = gm.group_id
    where gm.member_id = ${memberId} order by g.name`.execute(db)
  return rows.map((g) => ({ group: g.name, role: g.role, since: iso(g.joined_at) }))
}

/** Invitations the member sent: when, and to which domain (the address is the invitee's). */
async function invitationsOf(db: Db, memberId: number) {
  const rows = await db
    .selectFrom('invitations')
    .select(['email', 'created_at', 'accepted_member_id'])
    .where('inviter_id', '=', memberId)
    .orderBy('id')
    .execute()
  return rows.map((i) => ({
    toDomain: String(i.email).split('@')[1] ?? '',
    at: iso(i.created_at),
    accepted: i.accepted_member_id !== null,
  }))
}

async function securityEventsOf(db: Db, email: string) {
  const rows = await db
    .selectFrom('login_failures')
    .select(['kind', 'at'])
    .where('email', '=', email)
    .orderBy('id')
    .execute()
  return rows.map((f) => ({ failed: f.kind, at: iso(f.at) }))
}
