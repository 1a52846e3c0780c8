// The append-only audit log: every decision and every security event. The table refuses
// updates and deletes (a trigger), so this is the only write there is. The list of actions is
// closed: a new one is added here, and the audit page then asks for its readable label
// (features/moderation/audit-log.ts).
import type { Db } from '../../db/database.ts'

export type AuditAction =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked'
  | 'logout'
  | 'logout.everywhere'
  | 'session.revoked'
  | 'password.changed'
  | 'password.reset'
  | 'email.change_requested'
  | 'email.changed'
  | 'member.registered'
  | 'member.email_confirmed'
  | 'member.auto_approved'
  | 'member.approved'
  | 'member.rejected'
  | 'member.question_asked'
  | 'member.question_answered'
  | 'member.suspended'
  | 'member.unsuspended'
  | 'member.suspension_ended'
  | 'member.sent_to_review'
  | 'member.role_changed'
  | 'member.organisation_changed'
  | 'member.reconfirm_requested'
  | 'member.reconfirmed'
  | 'member.expired'
  | 'invitation.sent'
  | 'organisation.created'
  | 'organisation.updated'
  | 'login.unlocked'
  | 'password.check_failed'
  | 'second_factor.enrolled'
  | 'second_factor.failed'
  | 'second_factor.locked'
  | 'second_factor.recovery_code_used'
  | 'second_factor.recovery_codes_renewed'
  | 'second_factor.disabled'
  | 'second_factor.reset'
  | 'data_export.requested'
  | 'member.deleted'
  | 'member.left'
  | 'profile.updated'
  | 'succession.named'
  | 'succession.cancelled'
  | 'succession.completed'
  | 'report.dismissed'
  | 'post.hidden'
  | 'post.moderator_edited'
  | 'post.moderator_deleted'
  | 'attachment.removed'
  | 'member.warned'
  | 'thread.pinned'
  | 'thread.unpinned'
  | 'thread.moved'
  | 'thread.edited'
  | 'thread.result_marked'
  | 'thread.result_cleared'
  | 'post.unhidden'
  | 'group.created'
  | 'group.updated'
  | 'group.invited'
  | 'group.member_added'
  | 'group.member_removed'
  | 'group.request_declined'
  | 'group.role_changed'
  | 'group.category_created'
  | 'message_report.dismissed'
  | 'message.hidden'
  | 'guest.proposed'
  | 'guest.approved'
  | 'guest.declined'
  | 'guest.accepted'
  | 'guest.renewed'
  | 'guest.ended'
  | 'mail.resent'
  | 'mail.discarded'

export interface AuditEntry {
  action: AuditAction
  actorId?: number | null
  subjectId?: number | null
  details?: Record<string, unknown>
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      action: entry.action,
      actor_id: entry.actorId ?? null,
      subject_id: entry.subjectId ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute()
}
