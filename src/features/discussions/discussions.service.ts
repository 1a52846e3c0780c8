// The rules of threads and posts, one transaction per command. Input comes typed from the
// route schemas (discussions.schemas.ts); the errors the edge found already are passed in, so
// that a form shows its own and the domain's problems in one round. What a member may do is
// asked of permissions.ts; what a post looks like is made by thread-page.ts.

import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import type { Clock } from '../../deps.ts'
import {
  ConflictError,
  type FieldErrors,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../lib/errors.ts'
import { type FormValues, maxId } from '../../lib/form-schema.ts'
import { findCategoryById, insertCategory, listCategories, slugTaken } from './categories.repository.ts'
import { homeOverview } from './categories.service.ts'
import * as repo from './discussions.repository.ts'
import { limits, type newThreadForm, type replyForm } from './discussions.schemas.ts'
import { type Stage, stages } from './discussions.tables.ts'
import { stageLabels, withTagLinks } from './discussions.view.ts'
import { mentionedHandles, renderMarkdown } from './markdown.ts'
import { findMembersByHandles, insertPostNotifications, markRead } from './notifications.repository.ts'
import {
  canChangeStage,
  canDeletePost,
  canEditPost,
  canLockThread,
  canReactTo,
  canReplyTo,
  canSeeRevisions,
} from './permissions.ts'
import {
  type LoadedThreadPage,
  loadNewReply,
  loadPostInThread,
  loadThreadPage,
  type NewReply,
  ownerDepth,
  type PostInThread,
  readStateAfter,
  toThreadView,
  type WindowRequest,
  withoutActions,
} from './thread-page.ts'

// What other features may use of discussions (the import rule: only this module).
export { type Stage, stages } from './discussions.tables.ts'
export { permalink } from './discussions.view.ts'

// ---------------------------------------------------------------------------------------
// Errors that carry what the form needs to be shown again

/** A reply that cannot be accepted (locked thread): shown with the typed text kept. */
export class LockedError extends ConflictError {
  constructor() {
    super('discussions.reply.locked')
  }
}

/** The thread is held by another write for longer than a reply waits: try again, text kept. */
export class ThreadBusyError extends ConflictError {
  constructor() {
    super('discussions.reply.busy')
  }
}

/** Someone saved the post since the form was opened: the form comes back with both texts. */
export class EditConflictError extends ConflictError {
  readonly currentHtml: string
  readonly currentVersion: number
  constructor(current: { html: string; version: number }) {
    super('discussions.edit.conflict')
    this.currentHtml = current.html
    this.currentVersion = current.version
  }
}

function throwIfErrors(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

/** An id typed into a form field, if it can name a row ('' and ids beyond integer cannot). */
function idFrom(value: string): number | undefined {
  const id = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : undefined
  return id !== undefined && id <= maxId ? id : undefined
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (stages as readonly string[]).includes(value)
}

// A write that locks a thread waits at most this long for another one holding it; replies
// must not pile up on a held lock and take every pooled connection with them.
const threadLockTimeout = '3s'

function isLockTimeout(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '55P03'
}

/** A transaction whose row locks give up after `threadLockTimeout` (as ThreadBusyError). */
async function withThreadLock<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(async (tx) => {
      await repo.setLockTimeout(tx, threadLockTimeout)
      return work(tx)
    })
  } catch (error) {
    if (isLockTimeout(error)) throw new ThreadBusyError()
    throw error
  }
}

// ---------------------------------------------------------------------------------------
// Markdown with mentions

async function renderBody(db: Db, source: string): Promise<{ html: string; mentionedIds: number[] }> {
  const handles = mentionedHandles(source)
  const members = await findMembersByHandles(db, handles)
  const html = renderMarkdown(
    source,
    members.map((m) => m.handle),
  )
  return { html, mentionedIds: [...new Set(members.map((m) => m.id))] }
}

/** The preview of a post: the same rendering a saved post gets. */
export async function previewPost(db: Db, source: string): Promise<string> {
  return (await renderBody(db, source)).html
}

// ---------------------------------------------------------------------------------------
// Threads

/** Free tags: comma-separated, lower-cased, letters/digits/space/hyphen, at most five. */
export function parseTags(raw: string, errors: FieldErrors): string[] {
  const tags = [
    ...new Set(
      raw
        .split(',')
        .map((tag) => tag.trim().replace(/\s+/g, ' ').toLowerCase())
        .filter(Boolean),
    ),
  ]
  if (tags.length > limits.tagsMax) {
    errors.tags = { key: 'discussions.tags.tooMany', params: { max: limits.tagsMax } }
  } else if (tags.some((tag) => tag.length > limits.tagMax)) {
    errors.tags = { key: 'discussions.tags.tooLong', params: { max: limits.tagMax } }
  } else if (tags.some((tag) => !/^[\p{L}\p{N}][\p{L}\p{N} -]*$/u.test(tag))) {
    errors.tags = { key: 'discussions.tags.invalid' }
  }
  return tags
}

export type NewThreadInput = FormValues<typeof newThreadForm>

/** A post the same form wrote before: the form was sent again (double click, retry). */
export interface Written {
  threadId: number
  postId: number
  /** True when nothing was written because the form had been sent before. */
  repeated: boolean
}

export async function startThread(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  input: NewThreadInput,
  edgeErrors: FieldErrors = {},
): Promise<Written> {
  const errors: FieldErrors = { ...edgeErrors }
  // An empty title is missing, not too short (the schema only knows its minimum length).
  if (input.title === '' && errors.title)
    errors.title = { ...errors.title, key: 'validation.required', params: {} }
  const title = input.title.replace(/\s+/g, ' ')
  const categoryId = idFrom(input.category)
  const category = categoryId ? await findCategoryById(db, categoryId, member.id) : undefined
  if (input.category === '') errors.category = { key: 'discussions.category.choose' }
  else if (!category || category.archived) errors.category ??= { key: 'discussions.category.unknown' }
  const tags = parseTags(input.tags, errors)
  throwIfErrors(errors)
  const formKey = input.formKey || null
  if (formKey) {
    const earlier = await repo.findPostByFormKey(db, member.id, formKey)
    if (earlier) return { ...earlier, postId: earlier.id, repeated: true }
  }

  try {
    return await db.transaction().execute(async (tx) => {
      const at = clock.now()
      const { html, mentionedIds } = await renderBody(tx, input.body)
      const threadId = await repo.insertThread(tx, {
        categoryId: category!.id,
        authorId: member.id,
        title,
        stage: input.stage,
        confidential: input.confidential !== '',
        at,
      })
      const post = await repo.insertPost(tx, {
        threadId,
        authorId: member.id,
        parent: null,
        bodySource: input.body,
        bodyHtml: html,
        formKey,
        at,
      })
      await repo.recordNewPost(tx, threadId, post.id, at, false)
      await repo.insertTags(tx, threadId, tags)
      await repo.setFollow(tx, threadId, member.id, true)
      await repo.saveReadState(tx, {
        memberId: member.id,
        threadId,
        lastReadPostId: post.id,
        readPostCount: 1,
        at,
      })
      await insertPostNotifications(tx, {
        threadId,
        postId: post.id,
        actorId: member.id,
        parentAuthorId: null,
        mentionedIds,
        includeFollowers: false,
        at,
      })
      return { threadId, postId: post.id, repeated: false }
    })
  } catch (error) {
    // The same form sent twice at once: the second insert meets the first one's key.
    const earlier =
      formKey && repo.isUniqueViolation(error) && (await repo.findPostByFormKey(db, member.id, formKey))
    if (earlier) return { ...earlier, postId: earlier.id, repeated: true }
    throw error
  }
}

export async function changeStage(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  threadId: number,
  stageValue: string,
): Promise<void> {
  if (!isStage(stageValue)) throw new ValidationError({ stage: { key: 'discussions.stage.unknown' } })
  await withThreadLock(db, async (tx) => {
    const thread = await repo.findThreadForUpdate(tx, member.id, threadId)
    if (!thread) throw new NotFoundError()
    if (!canChangeStage(member, thread)) throw new ForbiddenError()
    if (thread.stage === stageValue) return
    await repo.updateStage(tx, threadId, stageValue)
    await repo.insertStageChange(tx, {
      threadId,
      memberId: member.id,
      from: thread.stage,
      to: stageValue,
      at: clock.now(),
    })
  })
}

export async function setThreadLocked(db: Db, member: CurrentMember, threadId: number, locked: boolean) {
  if (!canLockThread(member)) throw new ForbiddenError()
  await withThreadLock(db, async (tx) => {
    const thread = await repo.findThreadForUpdate(tx, member.id, threadId)
    if (!thread) throw new NotFoundError()
    await repo.updateLocked(tx, threadId, locked)
  })
}

export async function followThread(db: Db, member: CurrentMember, threadId: number, follow: boolean) {
  if (!(await repo.findVisibleThreadId(db, member.id, threadId))) throw new NotFoundError()
  await repo.setFollow(db, threadId, member.id, follow)
}

// ---------------------------------------------------------------------------------------
// Reading a thread

export interface ThreadPage extends LoadedThreadPage {
  /** My unread notifications after those about this thread were marked read (for the bell). */
  unreadNotifications: number
}

/**
 * The thread page: head, a window of the tree and the bell count in one query, and my read
 * state moved forward (thread-page.ts readStateAfter): a write only when something new was read,
 * and one more only when I have unread notifications about this thread (they are marked read).
 */
export async function openThread(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  threadId: number,
  locale: Locale,
  window: WindowRequest = {},
): Promise<ThreadPage> {
  const page = await loadThreadPage(db, member, threadId, locale, window)
  const read = readStateAfter(page)
  if (read) await repo.saveReadState(db, { memberId: member.id, threadId, ...read, at: clock.now() })
  const notificationsRead =
    page.unreadNotificationsHere > 0 ? await markRead(db, member.id, { threadId }, clock.now()) : 0
  return { ...page, unreadNotifications: page.unreadNotifications - notificationsRead }
}

/** Where "jump to the first unread post" goes: the post id, or null when all is read. */
export async function firstUnread(db: Db, member: CurrentMember, threadId: number): Promise<number | null> {
  const first = await repo.firstUnreadPostId(db, threadId, member.id)
  if (first === undefined) throw new NotFoundError()
  return first
}

/** One post with its thread, for the post's fragments and the pages about one post. */
export async function loadPost(
  db: Db,
  member: CurrentMember,
  postId: number,
  locale: Locale,
  options: { focus?: boolean } = {},
): Promise<PostInThread> {
  return loadPostInThread(db, member, postId, locale, { focusId: options.focus ? postId : undefined })
}

/** The post a reply form answers, shown above the form without its own actions. */
export async function loadReplyTarget(db: Db, member: CurrentMember, postId: number, locale: Locale) {
  const { post, thread } = await loadPost(db, member, postId, locale)
  if (post.deleted) throw new NotFoundError()
  return { thread, parent: withoutActions(post) }
}

/** The post and its Markdown source, for its edit form (only for those who may edit it). */
export async function loadForEdit(db: Db, member: CurrentMember, postId: number, locale: Locale) {
  const context = await loadPost(db, member, postId, locale)
  if (context.post.deleted) throw new NotFoundError()
  if (!context.post.canEdit) throw new ForbiddenError()
  const source = await repo.findPost(db, member.id, postId)
  return { ...context, source: source?.bodySource ?? '' }
}

/** The post for its delete confirmation (only for those who may delete it). */
export async function loadForDelete(db: Db, member: CurrentMember, postId: number, locale: Locale) {
  const { post, thread } = await loadPost(db, member, postId, locale)
  if (post.deleted) throw new NotFoundError()
  if (!post.canDelete) throw new ForbiddenError()
  return { thread, post: withoutActions(post) }
}

/** The post's thread id (for permalinks). */
export async function threadOfPost(db: Db, member: CurrentMember, postId: number): Promise<number> {
  const post = await repo.findPost(db, member.id, postId)
  if (!post) throw new NotFoundError()
  return post.threadId
}

// ---------------------------------------------------------------------------------------
// Replies

export type ReplyInput = FormValues<typeof replyForm>

export interface ReplyResult extends Written {
  /** The post whose list the new reply went into; the opening post means the top-level list. */
  ownerId: number
  ownerIsOpening: boolean
}

function placement(post: { id: number; path: number[]; depth: number }) {
  const ownerId = post.path[ownerDepth(post.depth)]!
  return { ownerId, ownerIsOpening: ownerId === post.path[0] }
}

export async function replyToPost(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  threadId: number,
  input: ReplyInput,
  edgeErrors: FieldErrors = {},
): Promise<ReplyResult> {
  const errors: FieldErrors = { ...edgeErrors }
  const parentId = errors.parent ? undefined : idFrom(input.parent)
  if (input.parent !== '' && parentId === undefined)
    errors.parent ??= { key: 'discussions.reply.parentUnknown' }
  const formKey = input.formKey || null
  return withThreadLock(db, async (tx) => {
    const thread = await repo.findThreadForUpdate(tx, member.id, threadId)
    if (!thread) throw new NotFoundError()
    // Replies to one thread wait for each other on its lock, so this look-up cannot race.
    const earlier = formKey ? await repo.findPostByFormKey(tx, member.id, formKey) : undefined
    if (earlier && earlier.threadId === threadId) {
      const post = await repo.findPost(tx, member.id, earlier.id)
      return { threadId, postId: earlier.id, repeated: true, ...placement(post!) }
    }
    if (!canReplyTo(thread, { deleted: false })) throw new LockedError()
    const parent = errors.parent
      ? undefined
      : await repo.findPost(tx, member.id, parentId ?? thread.openingPostId ?? 0)
    if (!errors.parent) {
      if (!parent) errors.parent = { key: 'discussions.reply.parentUnknown' }
      else if (parent.threadId !== threadId) errors.parent = { key: 'discussions.reply.parentElsewhere' }
      else if (!canReplyTo(thread, parent)) errors.parent = { key: 'discussions.reply.parentDeleted' }
    }
    throwIfErrors(errors)
    const at = clock.now()
    const { html, mentionedIds } = await renderBody(tx, input.body)
    const post = await repo.insertPost(tx, {
      threadId,
      authorId: member.id,
      parent: { id: parent!.id, path: parent!.path },
      bodySource: input.body,
      bodyHtml: html,
      formKey,
      at,
    })
    await repo.recordNewPost(tx, threadId, post.id, at, true)
    await repo.setFollow(tx, threadId, member.id, true)
    await repo.countOwnPostAsRead(tx, member.id, threadId)
    await insertPostNotifications(tx, {
      threadId,
      postId: post.id,
      actorId: member.id,
      parentAuthorId: parent!.authorId,
      mentionedIds,
      includeFollowers: true,
      at,
    })
    return { postId: post.id, threadId, repeated: false, ...placement(post) }
  })
}

/**
 * What the page adds after a reply via htmx: the new post alone (focused), where it goes, and
 * the reply counts above it that change; never the thread or the owner's subtree.
 */
export async function loadReplyPlacement(
  db: Db,
  member: CurrentMember,
  result: ReplyResult,
  locale: Locale,
): Promise<NewReply> {
  return loadNewReply(db, member, result.postId, locale)
}

/** The head of a thread (for pages about one thread that do not show all of it). */
export async function loadThreadHead(db: Db, member: CurrentMember, threadId: number, locale: Locale) {
  const thread = await repo.findThreadHeader(db, threadId, member.id, locale)
  if (!thread) throw new NotFoundError()
  return toThreadView(member, thread)
}

// ---------------------------------------------------------------------------------------
// Editing and deleting

export async function editPost(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  postId: number,
  input: { body: string; version: string },
  edgeErrors: FieldErrors = {},
): Promise<{ threadId: number }> {
  const version = /^\d{1,9}$/.test(input.version) ? Number(input.version) : null
  return withThreadLock(db, async (tx) => {
    const post = await repo.findPost(tx, member.id, postId, true)
    if (!post) throw new NotFoundError()
    if (post.deleted) throw new NotFoundError()
    if (!canEditPost(member, post, { locked: post.threadLocked })) throw new ForbiddenError()
    throwIfErrors(edgeErrors)
    if (version !== post.version) throw new EditConflictError({ html: post.bodyHtml, version: post.version })
    const at = clock.now()
    const { html, mentionedIds } = await renderBody(tx, input.body)
    await repo.insertRevision(tx, post, { replacedBy: member.id, at })
    const written = await repo.updatePostBody(tx, postId, post.version, {
      bodySource: input.body,
      bodyHtml: html,
      at,
    })
    if (!written) throw new EditConflictError({ html: post.bodyHtml, version: post.version })
    // Members newly mentioned by the edit hear about it; everyone else was told already.
    await insertPostNotifications(tx, {
      threadId: post.threadId,
      postId,
      actorId: member.id,
      parentAuthorId: null,
      mentionedIds,
      includeFollowers: false,
      at,
    })
    return { threadId: post.threadId }
  })
}

export async function deletePost(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  postId: number,
): Promise<{ threadId: number }> {
  return withThreadLock(db, async (tx) => {
    const post = await repo.findPost(tx, member.id, postId, true)
    if (!post) throw new NotFoundError()
    if (post.deleted) return { threadId: post.threadId }
    if (!canDeletePost(member, post)) throw new ForbiddenError()
    const at = clock.now()
    // The last text stays visible to moderators as a revision.
    await repo.insertRevision(tx, post, { replacedBy: member.id, at })
    await repo.markPostDeleted(tx, postId, at)
    return { threadId: post.threadId }
  })
}

export async function postRevisions(db: Db, member: CurrentMember, postId: number, locale: Locale) {
  if (!canSeeRevisions(member)) throw new ForbiddenError()
  const context = await loadPost(db, member, postId, locale)
  const current = await repo.findPost(db, member.id, postId)
  const revisions = await repo.listRevisions(db, postId, locale)
  return {
    thread: context.thread,
    post: withoutActions(context.post),
    revisions,
    currentSource: current?.bodySource ?? '',
  }
}

// ---------------------------------------------------------------------------------------
// Reactions

export async function toggleHelpful(
  db: Db,
  member: CurrentMember,
  postId: number,
): Promise<{ threadId: number; helped: boolean; count: number }> {
  return db.transaction().execute(async (tx) => {
    const post = await repo.findPost(tx, member.id, postId, true)
    if (!post || post.deleted) throw new NotFoundError()
    if (!canReactTo(member, post)) throw new ForbiddenError()
    const result = await repo.toggleReaction(tx, postId, member.id)
    return { threadId: post.threadId, ...result }
  })
}

// ---------------------------------------------------------------------------------------
// Lists

/** Pinned threads shown at most at the top of a list. */
const pinnedMax = 10

export async function listCategoryThreads(
  db: Db,
  member: CurrentMember,
  query: Omit<repo.ThreadListQuery, 'memberId'>,
) {
  // Pinned threads come first, on the first page only; the pages after it list the others.
  const [pinned, rows] = await Promise.all([
    query.after
      ? []
      : repo.listThreads(db, { ...query, memberId: member.id, pinned: true, limit: pinnedMax }),
    repo.listThreads(db, { ...query, memberId: member.id, pinned: false }),
  ])
  const more = rows.length > query.limit
  const threads = more ? rows.slice(0, query.limit) : rows
  return {
    threads: [...pinned.slice(0, pinnedMax), ...threads],
    nextCursor: more ? threads.at(-1)?.cursor : undefined,
  }
}

/** The open Themenräume the member may write in (a closed group's only for its members). */
export async function categoriesForForm(db: Db, member: CurrentMember) {
  return listCategories(db, { includeArchived: false, visibleTo: member.id })
}

/**
 * What the home page shows a member (rendered by the pages feature): the newest threads and
 * the categories with their activity, with the labels their templates print.
 */
export async function homePage(db: Db, member: CurrentMember, locale: Locale) {
  const overview = await homeOverview(db, member, locale)
  return {
    categories: overview.categories,
    threads: withTagLinks(overview.recent),
    stageLabels: stageLabels(locale),
    showCategory: true,
  }
}

/** Demo threads, for the operator CLI's demo-data (accounts/operator.ts). */
export { seedDemoDiscussions } from './discussions.demo.ts'

/**
 * A new Themenraum, placed last, whose slug is `base` or, when that is taken, `base-2`, `base-3` …
 * (in the caller's transaction). Returns its id and slug.
 */
export async function openCategory(
  db: Db,
  base: string,
  values: { name: string; description: string },
): Promise<{ id: number; slug: string }> {
  let slug = base
  for (let n = 2; await slugTaken(db, slug); n++) slug = `${base}-${n}`
  return { id: await insertCategory(db, { ...values, slug }), slug }
}

/** The moderation tells reporters in the forum that it acted on their report (moderation's way in). */
export async function notifyReportOutcome(
  db: Db,
  values: { memberIds: readonly number[]; threadId: number; postId: number; actorId: number },
): Promise<void> {
  if (values.memberIds.length === 0) return
  await db
    .insertInto('notifications')
    .values(
      values.memberIds.map((memberId) => ({
        member_id: memberId,
        kind: 'report_outcome' as const,
        thread_id: values.threadId,
        post_id: values.postId,
        actor_id: values.actorId,
      })),
    )
    // One notification per member and post: the outcome takes the place of an older one.
    .onConflict((oc) =>
      oc.columns(['member_id', 'post_id']).doUpdateSet({
        kind: 'report_outcome',
        actor_id: values.actorId,
        created_at: new Date(),
        read_at: null,
      }),
    )
    .execute()
}
