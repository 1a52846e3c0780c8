// Reports: a member raises a hand about a post; a moderator decides once for all open reports
// of that post (dismiss, hide, edit, delete, warn, suspend). Each decision is one transaction
// that closes the reports, writes the audit entry (who, what, why) and tells the reporters.
import { recordAudit } from '../../core/audit/audit.ts'
import { mailMember } from '../../core/mail/mail.queue.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import { findMemberSummary } from '../../core/members/members.repository.ts'
import type { Db } from '../../db/database.ts'
import { ConflictError, NotFoundError } from '../../lib/errors.ts'
import { notifyReportOutcome, previewPost } from '../discussions/discussions.service.ts'
import { countOpenProposals } from '../guests/guests.service.ts'
import { countOpenMessageReports } from '../messages/messages.service.ts'
import { canModerate, suspendMember } from './moderation.service.ts'
import * as repo from './reports.repository.ts'

export { reportReasons } from './reports.repository.ts'

export async function postToReport(db: Db, member: CurrentMember, postId: number) {
  const post = await repo.findReadablePost(db, member.id, postId)
  if (!post || post.deleted) throw new NotFoundError()
  return post
}

export async function reportPost(
  db: Db,
  member: CurrentMember,
  postId: number,
  input: { reason: repo.ReportReason; text: string },
): Promise<{ threadId: number }> {
  const post = await postToReport(db, member, postId)
  await repo.upsertReport(db, { postId, reporterId: member.id, reason: input.reason, text: input.text })
  return { threadId: post.threadId }
}

export const listReportQueue = (db: Db) => repo.listOpenReportGroups(db)

/** What the moderators' badge counts: posts and direct messages with open reports, applicants waiting, guest proposals. */
export async function openModerationCount(db: Db): Promise<number> {
  const [reports, messageReports, applicants, guestProposals] = await Promise.all([
    repo.countOpenReports(db),
    countOpenMessageReports(db),
    db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'pending_review')
      .executeTakeFirstOrThrow(),
    countOpenProposals(db),
  ])
  return reports + messageReports + Number(applicants.n) + guestProposals
}

export type ReportAction = 'dismiss' | 'hide' | 'delete' | 'warn' | 'suspend' | 'edit'

const outcomes: Record<ReportAction, repo.ReportOutcome> = {
  dismiss: 'dismissed',
  hide: 'hidden',
  delete: 'deleted',
  warn: 'warned',
  suspend: 'suspended',
  edit: 'edited',
}

const auditActionOf = {
  dismiss: 'report.dismissed',
  hide: 'post.hidden',
  delete: 'post.moderator_deleted',
  warn: 'member.warned',
  edit: 'post.moderator_edited',
} as const

export interface ActionInput {
  reason: string
  body?: string
  note?: string
}

/**
 * One decision on a reported post. Hiding, deleting and editing also work on a post without
 * open reports (a moderator acting on their own); dismissing needs open reports.
 */
export async function actOnPost(
  db: Db,
  moderator: CurrentMember,
  postId: number,
  action: ReportAction,
  input: ActionInput,
): Promise<repo.ReportOutcome> {
  if (action === 'suspend') return suspendAuthor(db, moderator, postId, input)
  const html = action === 'edit' ? await previewPost(db, input.body ?? '') : ''
  await db.transaction().execute(async (trx) => {
    const post = await repo.lockPost(trx, postId)
    if (!post || post.deleted) throw new NotFoundError()
    const reporters = await repo.resolveReports(trx, postId, {
      by: moderator.id,
      outcome: outcomes[action],
      note: input.reason,
    })
    if (action === 'dismiss' && reporters.length === 0) throw new ConflictError('reports.alreadyDone')
    if (action === 'hide') await repo.hidePost(trx, postId, moderator.id, input.reason)
    if (action === 'delete') await repo.deletePostByModeration(trx, postId)
    if (action === 'edit')
      await repo.editPostByModeration(trx, postId, {
        source: input.body ?? '',
        html,
        note: input.note ?? '',
        by: moderator.id,
      })
    if (action === 'warn') {
      const author = await findMemberSummary(trx, post.authorId)
      if (author) await mailMember(trx, author, 'moderation.warning', { reason: input.reason })
    }
    await recordAudit(trx, {
      action: auditActionOf[action],
      actorId: moderator.id,
      subjectId: post.authorId,
      details: {
        postId,
        threadId: post.threadId,
        reports: reporters.length,
        reason: input.reason,
        ...(action === 'edit' ? { note: input.note ?? '' } : {}),
      },
    })
    await notifyReportOutcome(trx, {
      memberIds: reporters,
      threadId: post.threadId,
      postId,
      actorId: moderator.id,
    })
  })
  return outcomes[action]
}

/** Suspension goes through the members' suspend transition; the reports are closed with it. */
async function suspendAuthor(db: Db, moderator: CurrentMember, postId: number, input: ActionInput) {
  const post = await repo.lockPost(db, postId)
  if (!post) throw new NotFoundError()
  const author = await findMemberSummary(db, post.authorId)
  if (!author || !canModerate(moderator, author)) throw new ConflictError('reports.cannotSuspend')
  await suspendMember(db, moderator, post.authorId, { reason: input.reason, until: '' }, new Date(), {
    postId,
  })
  const reporters = await repo.resolveReports(db, postId, {
    by: moderator.id,
    outcome: 'suspended',
    note: input.reason,
  })
  await notifyReportOutcome(db, {
    memberIds: reporters,
    threadId: post.threadId,
    postId,
    actorId: moderator.id,
  })
  return 'suspended' as const
}
