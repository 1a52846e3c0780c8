// Thread tools. Moderators pin a thread (first in its Themenraum and on the home page), move it
// to another Themenraum, edit its title and tags (with a note the members see) and show a
// hidden post again; the thread's author or a moderator marks a reply as its "Ergebnis".
// Each command is one transaction with its audit entry.
import { recordAudit } from '../../core/audit/audit.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import { type FieldErrors, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.ts'
import { hasRole } from '../../plugins/access.ts'
import { categoriesForForm, parseTags } from '../discussions/discussions.service.ts'
import { unhidePost } from './reports.repository.ts'
import * as repo from './thread-tools.repository.ts'

export const isModerator = (member: CurrentMember) => hasRole(member, 'moderator')

export function canMarkResult(member: CurrentMember, thread: { authorId: number }): boolean {
  return member.id === thread.authorId || isModerator(member)
}

/** May the member open the thread's tools page at all? */
export function canUseThreadTools(member: CurrentMember, thread: { authorId: number }): boolean {
  return canMarkResult(member, thread)
}

async function threadFor(db: Db, member: CurrentMember, threadId: number, lock = false) {
  const thread = await repo.findThreadForTools(db, member.id, threadId, { lock })
  if (!thread) throw new NotFoundError()
  return thread
}

function requireModerator(member: CurrentMember) {
  if (!isModerator(member)) throw new ForbiddenError()
}

/** The tools page: the thread, the Themenräume to move it to, the choices for the Ergebnis. */
export async function loadThreadTools(db: Db, member: CurrentMember, threadId: number) {
  const thread = await threadFor(db, member, threadId)
  if (!canUseThreadTools(member, thread)) throw new ForbiddenError()
  const moderator = isModerator(member)
  const [categories, choices, hidden] = await Promise.all([
    moderator ? categoriesForForm(db, member) : Promise.resolve([]),
    repo.listResultChoices(db, member.id, threadId),
    moderator ? repo.listHiddenPosts(db, threadId) : Promise.resolve([]),
  ])
  return { thread, moderator, categories, choices, hidden }
}

export async function setThreadPinned(db: Db, moderator: CurrentMember, threadId: number, pinned: boolean) {
  requireModerator(moderator)
  await db.transaction().execute(async (trx) => {
    const thread = await threadFor(trx, moderator, threadId, true)
    if (thread.pinned === pinned) return
    await repo.setPinned(trx, threadId, pinned ? moderator.id : null)
    await recordAudit(trx, {
      action: pinned ? 'thread.pinned' : 'thread.unpinned',
      actorId: moderator.id,
      subjectId: thread.authorId,
      details: { threadId, title: thread.title },
    })
  })
}

export async function moveThread(
  db: Db,
  moderator: CurrentMember,
  threadId: number,
  input: { category: string; moveNote: string },
  edgeErrors: FieldErrors = {},
) {
  requireModerator(moderator)
  const categories = await categoriesForForm(db, moderator)
  const target = categories.find((c) => String(c.id) === input.category)
  const errors: FieldErrors = target ? {} : { category: { key: 'threadTools.move.unknown' } }
  Object.assign(errors, edgeErrors)
  if (!target || Object.keys(errors).length > 0) throw new ValidationError(errors)
  await db.transaction().execute(async (trx) => {
    const thread = await threadFor(trx, moderator, threadId, true)
    if (thread.categoryId === target.id) return
    await repo.setCategory(trx, threadId, target.id)
    if (input.moveNote) await repo.setModeratorNote(trx, threadId, input.moveNote)
    await recordAudit(trx, {
      action: 'thread.moved',
      actorId: moderator.id,
      subjectId: thread.authorId,
      details: {
        threadId,
        title: thread.title,
        from: thread.categoryName,
        to: target.name,
        note: input.moveNote,
      },
    })
  })
}

export async function editThreadHead(
  db: Db,
  moderator: CurrentMember,
  threadId: number,
  input: { title: string; tags: string; note: string },
  edgeErrors: FieldErrors = {},
) {
  requireModerator(moderator)
  const errors: FieldErrors = { ...edgeErrors }
  const tags = parseTags(input.tags, errors)
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  await db.transaction().execute(async (trx) => {
    const thread = await threadFor(trx, moderator, threadId, true)
    const sameTags = thread.tags.join(',') === [...tags].sort().join(',')
    if (thread.title === input.title && sameTags) return
    if (thread.title !== input.title) await repo.setTitle(trx, threadId, input.title)
    if (!sameTags) await repo.replaceTags(trx, threadId, tags)
    await repo.setModeratorNote(trx, threadId, input.note)
    await recordAudit(trx, {
      action: 'thread.edited',
      actorId: moderator.id,
      subjectId: thread.authorId,
      details: {
        threadId,
        ...(thread.title !== input.title ? { fromTitle: thread.title, toTitle: input.title } : {}),
        ...(sameTags ? {} : { fromTags: thread.tags, toTags: tags }),
        note: input.note,
      },
    })
  })
}

/** Marks a reply as the thread's Ergebnis (postId null clears it). */
export async function markResult(db: Db, member: CurrentMember, threadId: number, postId: number | null) {
  await db.transaction().execute(async (trx) => {
    const thread = await threadFor(trx, member, threadId, true)
    if (!canMarkResult(member, thread)) throw new ForbiddenError()
    if (postId !== null) {
      const post = await repo.findPostFacts(trx, member.id, postId)
      const unusable = !post || post.threadId !== threadId || post.depth === 0 || post.deleted || post.hidden
      if (unusable) throw new ValidationError({ post: { key: 'threadTools.result.unknown' } })
    }
    if (thread.resultPostId === postId) return
    await repo.setResult(trx, threadId, postId)
    await recordAudit(trx, {
      action: postId === null ? 'thread.result_cleared' : 'thread.result_marked',
      actorId: member.id,
      subjectId: thread.authorId,
      details: { threadId, title: thread.title, ...(postId === null ? {} : { postId }) },
    })
  })
}

/** Shows a hidden post to everyone again. */
export async function unhide(db: Db, moderator: CurrentMember, postId: number, reason: string) {
  requireModerator(moderator)
  return db.transaction().execute(async (trx) => {
    const post = await repo.findPostFacts(trx, moderator.id, postId)
    if (!post || post.deleted) throw new NotFoundError()
    if (!post.hidden) return post
    await unhidePost(trx, postId)
    await recordAudit(trx, {
      action: 'post.unhidden',
      actorId: moderator.id,
      subjectId: post.authorId,
      details: { postId, threadId: post.threadId, reason },
    })
    return post
  })
}

/** The post (of a thread the viewer may see), for a form that goes back to its thread. */
export async function postFacts(db: Db, member: CurrentMember, postId: number) {
  const post = await repo.findPostFacts(db, member.id, postId)
  if (!post) throw new NotFoundError()
  return post
}
