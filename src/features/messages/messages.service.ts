// Direct messages: conversations of two to twenty verified members. The public API of the
// feature (moderation uses the report queue functions at the end). Every command is one
// transaction; the mail about a new message is queued in it (core/mail), so it goes out once.
//
// Nobody but the current participants reads a conversation: moderators and admins get no route
// and no query for it. A participant may report one message; that message (and nothing else of
// the conversation) is then shown in the moderators' queue.
import { type RawBuilder, sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { enqueueMail } from '../../core/mail/mail.queue.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import {
  ConflictError,
  type FieldErrors,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../lib/errors.ts'
import { previewPost } from '../discussions/discussions.service.ts'
import { suspendMember } from '../moderation/moderation.service.ts'
import * as repo from './messages.repository.ts'
import { limits } from './messages.schemas.ts'

export type {
  ConversationLine,
  MailMode,
  MemberChoice,
  Participant,
  ShownMessage,
} from './messages.repository.ts'
export { limits, reportReasons } from './messages.schemas.ts'

/** Parses the picker's hidden list of ids ("3,17,42"): unique, positive, in order. */
export function parseIdList(raw: string | undefined): number[] {
  const ids = (raw ?? '')
    .split(',')
    .slice(0, 100)
    .filter((part) => /^[1-9][0-9]{0,9}$/.test(part))
    .map((part) => Number(part))
    .filter((id) => Number.isInteger(id) && id > 0 && id <= 2_147_483_647)
  return [...new Set(ids)]
}

/** The chosen recipients that exist and are verified (never the sender). */
export async function chosenRecipients(db: Db, me: CurrentMember, ids: readonly number[]) {
  return repo.findVerifiedMembers(
    db,
    ids.filter((id) => id !== me.id),
  )
}

export function searchRecipients(db: Db, me: CurrentMember, query: string, chosen: readonly number[]) {
  return repo.searchMembers(db, me.id, query.slice(0, limits.queryMax), chosen)
}

/** The recipients' problems: none chosen, too many, gone, or blocking the sender. */
async function recipientProblems(
  db: Db,
  me: CurrentMember,
  wanted: readonly number[],
  found: readonly repo.MemberChoice[],
  alreadyIn = 0,
): Promise<FieldErrors> {
  if (wanted.length === 0) return { to: { key: 'messages.new.toRequired' } }
  if (found.length < wanted.length) return { to: { key: 'messages.new.toUnavailable' } }
  if (alreadyIn + found.length > limits.participantsMax)
    return { to: { key: 'messages.new.tooMany', params: { max: limits.participantsMax } } }
  const blockers = await repo.blockersOf(
    db,
    me.id,
    found.map((m) => m.id),
  )
  const blocker = found.find((m) => blockers.includes(m.id))
  if (blocker) return { to: { key: 'messages.new.blocked', params: { name: blocker.name } } }
  return {}
}

/** Only a member who is verified right now sends (the row is share-locked until commit). */
async function assertMaySend(trx: Db, me: CurrentMember) {
  if ((await repo.lockSenderStatus(trx, me.id)) !== 'verified') throw new ForbiddenError('not verified')
}

/** Queues "there is a new message" for the participants who should hear of it (no text, no sender). */
async function mailParticipants(trx: Db, conversationId: number, messageId: number, authorId: number) {
  const recipients = await repo.takeMailRecipients(trx, conversationId, messageId, authorId)
  for (const recipient of recipients) {
    await enqueueMail(trx, {
      template: 'messages.new',
      to: recipient.email,
      locale: recipient.locale ?? 'de',
      memberId: recipient.id,
      requires: 'verified',
      params: { name: recipient.name, conversationId },
    })
  }
}

export interface StartInput {
  to: number[]
  body: string
  formKey: string
}

export async function startConversation(db: Db, me: CurrentMember, input: StartInput): Promise<number> {
  const wanted = input.to.filter((id) => id !== me.id)
  const found = await repo.findVerifiedMembers(db, wanted)
  const errors: FieldErrors = await recipientProblems(db, me, wanted, found, 1)
  if (input.body.trim() === '') errors.body = { key: 'validation.required', label: 'messages.body.label' }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  const html = await previewPost(db, input.body)
  return db.transaction().execute(async (trx) => {
    await assertMaySend(trx, me)
    if (input.formKey) {
      const earlier = await repo.findByFormKey(trx, me.id, input.formKey)
      if (earlier) return earlier.conversationId
    }
    const conversationId = await repo.insertConversation(trx, me.id)
    await repo.insertParticipants(trx, conversationId, [me.id, ...found.map((m) => m.id)], me.id, 0)
    const messageId = await repo.insertMessage(trx, {
      conversationId,
      authorId: me.id,
      kind: 'message',
      source: input.body,
      html,
      formKey: input.formKey,
    })
    await repo.markRead(trx, me.id, conversationId)
    if (messageId) await mailParticipants(trx, conversationId, messageId, me.id)
    return conversationId
  })
}

/** Writes a message into a conversation the sender takes part in; returns its id. */
export async function sendMessage(
  db: Db,
  me: CurrentMember,
  conversationId: number,
  input: { body: string; formKey: string },
): Promise<number> {
  const html = await previewPost(db, input.body)
  return db.transaction().execute(async (trx) => {
    await assertMaySend(trx, me)
    if (!(await repo.lockOpenConversation(trx, me.id, conversationId))) throw new NotFoundError()
    if (input.formKey) {
      const earlier = await repo.findByFormKey(trx, me.id, input.formKey)
      if (earlier) return earlier.id
    }
    const messageId = await repo.insertMessage(trx, {
      conversationId,
      authorId: me.id,
      kind: 'message',
      source: input.body,
      html,
      formKey: input.formKey,
    })
    if (!messageId) throw new ConflictError('messages.resent')
    await repo.markRead(trx, me.id, conversationId)
    await mailParticipants(trx, conversationId, messageId, me.id)
    return messageId
  })
}

/** The conversation as the viewer sees it (marked read); a non-participant gets "not found". */
export async function openConversation(
  db: Db,
  me: CurrentMember,
  conversationId: number,
  options: { before?: number } = {},
) {
  const participants = await repo.participantsOf(db, me.id, conversationId)
  if (!participants.some((p) => p.id === me.id)) throw new NotFoundError()
  const window = await repo.messagesFor(db, me.id, conversationId, options)
  if (!options.before) await repo.markRead(db, me.id, conversationId)
  return { participants, ...window }
}

/** One message the viewer just wrote or may see, for the htmx append. */
export async function shownMessage(db: Db, me: CurrentMember, conversationId: number, messageId: number) {
  const { messages } = await repo.messagesFor(db, me.id, conversationId, {
    after: messageId - 1,
    before: messageId + 1,
  })
  if (!messages[0]) throw new NotFoundError()
  return messages[0]
}

export async function participantsOf(db: Db, me: CurrentMember, conversationId: number) {
  const participants = await repo.participantsOf(db, me.id, conversationId)
  if (!participants.some((p) => p.id === me.id)) throw new NotFoundError()
  return participants
}

export async function leaveConversation(db: Db, me: CurrentMember, conversationId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await repo.lockOpenConversation(trx, me.id, conversationId))) throw new NotFoundError()
    await repo.insertMessage(trx, { conversationId, authorId: me.id, kind: 'left' })
    await repo.markLeft(trx, conversationId, me.id)
  })
}

/** Adds a verified member; they read what is written from now on, not what came before. */
export async function addParticipant(
  db: Db,
  me: CurrentMember,
  conversationId: number,
  memberId: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertMaySend(trx, me)
    if (!(await repo.lockOpenConversation(trx, me.id, conversationId))) throw new NotFoundError()
    const current = await repo.participantsOf(trx, me.id, conversationId)
    if (current.some((p) => p.id === memberId))
      throw new ValidationError({ add: { key: 'messages.participants.already' } })
    const found = await repo.findVerifiedMembers(trx, [memberId])
    const problems = await recipientProblems(trx, me, [memberId], found, current.length)
    if (problems.to) throw new ValidationError({ add: problems.to })
    const eventId = await repo.insertMessage(trx, {
      conversationId,
      authorId: me.id,
      kind: 'joined',
      subjectId: memberId,
    })
    await repo.insertParticipants(trx, conversationId, [memberId], me.id, eventId ?? 0)
  })
}

export const listConversations = (db: Db, me: CurrentMember) => repo.conversationsOf(db, me.id)
export const unreadConversations = (db: Db, me: CurrentMember) => repo.countUnreadConversations(db, me.id)
/** The navigation's count as SQL over the signed-in member (read with the session). */
export const unreadConversationsColumn = (member: { id: RawBuilder<number> }) =>
  repo.unreadConversationsOf(member.id)

/** The hourly summaries (a cron job): one mail per member, counting conversations, no content. */
export async function mailHourlySummaries(db: Db): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await repo.takeHourlySummaries(trx)
    for (const member of due) {
      await enqueueMail(trx, {
        template: 'messages.summary',
        to: member.email,
        locale: member.locale ?? 'de',
        memberId: member.id,
        requires: 'verified',
        params: { name: member.name, conversations: member.conversations },
      })
    }
    return due.length
  })
}

// ---------------------------------------------------------------------------------------
// Blocking and settings

export async function blockMember(db: Db, me: CurrentMember, memberId: number): Promise<void> {
  if (memberId === me.id) throw new ValidationError({ member: { key: 'messages.block.self' } })
  const [member] = await repo.findVerifiedMembers(db, [memberId])
  if (!member) throw new NotFoundError()
  await repo.block(db, me.id, memberId)
}

export const unblockMember = (db: Db, me: CurrentMember, memberId: number) =>
  repo.unblock(db, me.id, memberId)
export const blockedMembers = (db: Db, me: CurrentMember) => repo.blockedBy(db, me.id)
export const mailModeOf = (db: Db, me: CurrentMember) => repo.mailModeOf(db, me.id)
export const setMailMode = (db: Db, me: CurrentMember, mode: repo.MailMode) =>
  repo.setMailMode(db, me.id, mode)

// ---------------------------------------------------------------------------------------
// Reports: a participant reports one message; moderators see that message and decide.

/** A message the viewer may report: one they can see, written by someone else, not an event. */
export async function messageToReport(db: Db, me: CurrentMember, conversationId: number, messageId: number) {
  const message = await repo.findShownMessage(db, me.id, messageId)
  if (!message || message.conversationId !== conversationId || message.kind !== 'message')
    throw new NotFoundError()
  if (message.authorId === me.id) throw new NotFoundError()
  return message
}

export async function reportMessage(
  db: Db,
  me: CurrentMember,
  conversationId: number,
  messageId: number,
  input: { reason: string; text: string },
): Promise<void> {
  await messageToReport(db, me, conversationId, messageId)
  await repo.upsertReport(db, { messageId, reporterId: me.id, ...input })
}

export const countOpenMessageReports = (db: Db) => repo.countOpenReports(db)
export const listMessageReportQueue = (db: Db) => repo.listOpenReports(db)

export type MessageReportAction = 'dismiss' | 'hide' | 'suspend'

/** A moderator's decision on a reported message; the reports are closed and the action audited. */
export async function actOnReportedMessage(
  db: Db,
  moderator: CurrentMember,
  messageId: number,
  action: MessageReportAction,
  reason: string,
): Promise<void> {
  if (action === 'suspend') {
    const reported = await repo.reportedMessageAuthor(db, messageId)
    if (!reported) throw new ConflictError('reports.alreadyDone')
    if (!reported.authorId) throw new ConflictError('reports.cannotSuspend')
    await suspendMember(db, moderator, reported.authorId, { reason, until: '' }, new Date(), { messageId })
  }
  await db.transaction().execute(async (trx) => {
    const outcome = action === 'dismiss' ? 'dismissed' : action === 'hide' ? 'hidden' : 'suspended'
    const resolved = await repo.resolveReports(trx, messageId, { by: moderator.id, outcome, note: reason })
    if (!resolved) {
      if (action === 'suspend') return
      throw new ConflictError('reports.alreadyDone')
    }
    if (action === 'hide') await repo.hideMessage(trx, messageId)
    if (action === 'suspend') return
    await recordAudit(trx, {
      action: action === 'hide' ? 'message.hidden' : 'message_report.dismissed',
      actorId: moderator.id,
      subjectId: resolved.authorId,
      details: { messageId, reports: resolved.reports, reason },
    })
  })
}

/**
 * Art. 15/20: the member's part in conversations — when they took part, the text of their own
 * messages (not what others wrote), whom they blocked and their mail setting.
 */
export async function messagesDataOf(db: Db, memberId: number) {
  const [conversations, messages, blocks, settings] = await Promise.all([
    sql<{ conversation: number; joinedAt: string; leftAt: string | null }>`
      select conversation_id as conversation, joined_at as "joinedAt", left_at as "leftAt"
      from conversation_participants where member_id = ${memberId} order by conversation_id`.execute(db),
    sql<{ conversation: number; markdown: string; at: string }>`
      select conversation_id as conversation, body_source as markdown, created_at as at
      from direct_messages where author_id = ${memberId} and kind = 'message' order by id`.execute(db),
    sql<{ memberId: number; since: string }>`
      select blocked_id as "memberId", created_at as since from member_blocks
      where blocker_id = ${memberId} order by blocked_id`.execute(db),
    sql<{
      mode: string
    }>`select mail_mode as mode from message_settings where member_id = ${memberId}`.execute(db),
  ])
  return {
    conversations: conversations.rows,
    messagesWritten: messages.rows,
    blockedMembers: blocks.rows,
    messageMail: settings.rows[0]?.mode ?? 'immediately',
  }
}

/**
 * Art. 17, in the erasure's transaction: the member leaves every conversation; their messages
 * are removed when they chose to remove their posts, else they stay under "Ehemaliges Mitglied".
 * Blocks either way, the reports they made and their setting go.
 */
export async function eraseMessagesOf(trx: Db, memberId: number, removeText: boolean): Promise<void> {
  if (removeText)
    await sql`delete from direct_messages where author_id = ${memberId} and kind = 'message'`.execute(trx)
  await sql`update conversation_participants set left_at = now()
    where member_id = ${memberId} and left_at is null`.execute(trx)
  await sql`delete from member_blocks where blocker_id = ${memberId} or blocked_id = ${memberId}`.execute(trx)
  await sql`delete from message_reports where reporter_id = ${memberId}`.execute(trx)
  await sql`delete from message_settings where member_id = ${memberId}`.execute(trx)
}
