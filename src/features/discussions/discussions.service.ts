// The rules of threads and posts: what a member may do, and one transaction per command.

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
import { hasRole } from '../../plugins/access.ts'
import { findCategoryById, listCategories } from './categories.repository.ts'
import * as repo from './discussions.repository.ts'
import type { Stage } from './discussions.tables.ts'
import { checkBody, isStage, limits, optionalId, parseTags, throwIfErrors } from './forms.ts'
import { mentionedHandles, renderMarkdown } from './markdown.ts'
import { findMembersByHandles, insertPostNotifications, markRead } from './notifications.repository.ts'
import { buildTree, ownerDepth, type PostNode, type ThreadTree } from './tree.ts'

// ---------------------------------------------------------------------------------------
// Permissions as questions

export function canChangeStage(member: CurrentMember, thread: { authorId: number }): boolean {
  return member.id === thread.authorId || hasRole(member, 'moderator')
}

export function canEditPost(member: CurrentMember, post: { authorId: number; deleted: boolean }): boolean {
  return post.authorId === member.id && !post.deleted
}

export function canDeletePost(member: CurrentMember, post: { authorId: number; deleted: boolean }): boolean {
  return !post.deleted && (post.authorId === member.id || hasRole(member, 'moderator'))
}

export function canReplyTo(thread: { locked: boolean }, post: { deleted: boolean }): boolean {
  return !thread.locked && !post.deleted
}

// ---------------------------------------------------------------------------------------
// Errors that carry what the form needs to be shown again

/** A reply that cannot be accepted (locked thread): shown with the typed text kept. */
export class LockedError extends ConflictError {
  constructor() {
    super('discussions.reply.locked')
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
  if (source.length > limits.bodyMax)
    throw new ValidationError({ body: { key: 'validation.tooLong', params: { max: limits.bodyMax } } })
  return (await renderBody(db, source)).html
}

// ---------------------------------------------------------------------------------------
// Threads

export interface NewThreadInput {
  title: string
  category: string
  stage: string
  tags: string
  confidential: boolean
  body: string
}

export async function startThread(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  input: NewThreadInput,
): Promise<number> {
  const errors: FieldErrors = {}
  const title = input.title.trim().replace(/\s+/g, ' ')
  if (title === '') errors.title = { key: 'validation.required' }
  else if (title.length < limits.titleMin)
    errors.title = { key: 'validation.tooShort', params: { min: limits.titleMin } }
  else if (title.length > limits.titleMax)
    errors.title = { key: 'validation.tooLong', params: { max: limits.titleMax } }
  const categoryId = optionalId(input.category)
  const category = categoryId ? await findCategoryById(db, categoryId) : undefined
  if (input.category === '') errors.category = { key: 'discussions.category.choose' }
  else if (!category || category.archived) errors.category = { key: 'discussions.category.unknown' }
  if (!isStage(input.stage)) errors.stage = { key: 'discussions.stage.unknown' }
  const tags = parseTags(input.tags, errors)
  checkBody(input.body, errors)
  throwIfErrors(errors)

  return db.transaction().execute(async (tx) => {
    const at = clock.now()
    const { html, mentionedIds } = await renderBody(tx, input.body)
    const threadId = await repo.insertThread(tx, {
      categoryId: category!.id,
      authorId: member.id,
      title,
      stage: input.stage as Stage,
      confidential: input.confidential,
      at,
    })
    const post = await repo.insertPost(tx, {
      threadId,
      authorId: member.id,
      parent: null,
      bodySource: input.body,
      bodyHtml: html,
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
    return threadId
  })
}

export async function changeStage(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  threadId: number,
  stageValue: string,
): Promise<void> {
  if (!isStage(stageValue)) throw new ValidationError({ stage: { key: 'discussions.stage.unknown' } })
  await db.transaction().execute(async (tx) => {
    const thread = await repo.findThreadForUpdate(tx, threadId)
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
  if (!hasRole(member, 'moderator')) throw new ForbiddenError()
  const thread = await repo.findThreadForUpdate(db, threadId)
  if (!thread) throw new NotFoundError()
  await repo.updateLocked(db, threadId, locked)
}

export async function followThread(db: Db, member: CurrentMember, threadId: number, follow: boolean) {
  const thread = await repo.findThreadForUpdate(db, threadId)
  if (!thread) throw new NotFoundError()
  await repo.setFollow(db, threadId, member.id, follow)
}

// ---------------------------------------------------------------------------------------
// Reading a thread

export interface ThreadPage {
  thread: repo.ThreadHeader & { canChangeStage: boolean }
  tree: ThreadTree
  postCount: number
  /** My unread notifications after those about this thread were marked read (for the bell). */
  unreadNotifications: number
}

/**
 * The thread page: head, the whole tree and the bell count in one query, and my read state
 * moved forward: a write only when something new was read, and one more only when I have
 * unread notifications about this thread (they are marked read).
 */
export async function openThread(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  threadId: number,
  locale: Locale,
): Promise<ThreadPage> {
  const loaded = await repo.loadThreadPage(db, threadId, member.id, locale)
  if (!loaded) throw new NotFoundError()
  const { header, posts } = loaded
  const tree = buildTree(posts, {
    memberId: member.id,
    isModerator: hasRole(member, 'moderator'),
    locked: header.locked,
    lastReadPostId: header.lastReadPostId,
  })
  const postCount = posts.length
  if (
    tree.lastPostId !== undefined &&
    (header.lastReadPostId === null ||
      header.lastReadPostId < tree.lastPostId ||
      (header.readPostCount ?? 0) < postCount)
  ) {
    await repo.saveReadState(db, {
      memberId: member.id,
      threadId,
      lastReadPostId: tree.lastPostId,
      readPostCount: postCount,
      at: clock.now(),
    })
  }
  const notificationsRead =
    loaded.unreadNotificationsHere > 0 ? await markRead(db, member.id, { threadId }, clock.now()) : 0
  return {
    thread: { ...header, canChangeStage: canChangeStage(member, header) },
    tree,
    postCount,
    unreadNotifications: loaded.unreadNotifications - notificationsRead,
  }
}

/** Where "jump to the first unread post" goes: the post id, or null when all is read. */
export async function firstUnread(db: Db, member: CurrentMember, threadId: number): Promise<number | null> {
  const first = await repo.firstUnreadPostId(db, threadId, member.id)
  if (first === undefined) throw new NotFoundError()
  return first
}

export interface PostContext {
  post: PostNode
  thread: repo.ThreadHeader
}

/** One post with its thread, for the reply/edit/delete pages and their fragments. */
export async function loadPost(
  db: Db,
  member: CurrentMember,
  postId: number,
  locale: Locale,
  options: { focus?: boolean } = {},
): Promise<PostContext> {
  const row = await repo.findPostRow(db, postId, member.id, locale)
  if (!row) throw new NotFoundError()
  const thread = await repo.findThreadHeader(db, row.threadId, member.id, locale)
  if (!thread) throw new NotFoundError()
  const own = row.authorId === member.id
  const post: PostNode = {
    ...row,
    children: [],
    descendants: 0,
    replyTo: undefined,
    own,
    canEdit: canEditPost(member, row),
    canDelete: canDeletePost(member, row),
    canReply: canReplyTo(thread, row),
    canReact: !row.deleted && !own,
    isNew: false,
    focus: options.focus === true,
    pressed: row.helpedByMe ? 'true' : 'false',
    plain: false,
  }
  return { post, thread }
}

/** The Markdown source of a post, for its edit form. */
export async function postSource(db: Db, postId: number): Promise<string> {
  const post = await repo.findPost(db, postId)
  if (!post) throw new NotFoundError()
  return post.bodySource
}

/** The post's thread id (for permalinks). */
export async function threadOfPost(db: Db, postId: number): Promise<number> {
  const post = await repo.findPost(db, postId)
  if (!post) throw new NotFoundError()
  return post.threadId
}

// ---------------------------------------------------------------------------------------
// Replies

export interface ReplyResult {
  postId: number
  threadId: number
  /** The post whose list the new reply went into; the opening post means the top-level list. */
  ownerId: number
  ownerIsOpening: boolean
}

export async function replyToPost(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  threadId: number,
  input: { parent: string; body: string },
): Promise<ReplyResult> {
  const errors: FieldErrors = {}
  checkBody(input.body, errors)
  const parentId = optionalId(input.parent)
  if (parentId === null) errors.parent = { key: 'discussions.reply.parentUnknown' }
  return db.transaction().execute(async (tx) => {
    const thread = await repo.findThreadForUpdate(tx, threadId)
    if (!thread) throw new NotFoundError()
    if (thread.locked) throw new LockedError()
    const parent = await repo.findPost(tx, parentId ?? thread.openingPostId ?? 0)
    if (!errors.parent) {
      if (!parent) errors.parent = { key: 'discussions.reply.parentUnknown' }
      else if (parent.threadId !== threadId) errors.parent = { key: 'discussions.reply.parentElsewhere' }
      else if (parent.deleted) errors.parent = { key: 'discussions.reply.parentDeleted' }
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
    const ownerId = post.path[ownerDepth(post.depth)]!
    return { postId: post.id, threadId, ownerId, ownerIsOpening: ownerId === post.path[0] }
  })
}

/** The thread's head and tree, with focus on `focusId` (for the fragments after a reply). */
export async function loadThreadTree(
  db: Db,
  member: CurrentMember,
  threadId: number,
  focusId: number,
  locale: Locale,
): Promise<{ tree: ThreadTree; thread: repo.ThreadHeader }> {
  const [thread, posts] = await Promise.all([
    repo.findThreadHeader(db, threadId, member.id, locale),
    repo.listThreadPosts(db, threadId, member.id, locale),
  ])
  if (!thread) throw new NotFoundError()
  const tree = buildTree(posts, {
    memberId: member.id,
    isModerator: hasRole(member, 'moderator'),
    locked: thread.locked,
    lastReadPostId: null,
    focusId,
  })
  return { tree, thread }
}

/** The head of a thread (for pages about one thread that do not show all of it). */
export async function loadThreadHead(db: Db, member: CurrentMember, threadId: number, locale: Locale) {
  const thread = await repo.findThreadHeader(db, threadId, member.id, locale)
  if (!thread) throw new NotFoundError()
  return thread
}

// ---------------------------------------------------------------------------------------
// Editing and deleting

export async function editPost(
  db: Db,
  clock: Clock,
  member: CurrentMember,
  postId: number,
  input: { body: string; version: string },
): Promise<{ threadId: number }> {
  const errors: FieldErrors = {}
  checkBody(input.body, errors)
  const version = /^\d{1,9}$/.test(input.version) ? Number(input.version) : null
  return db.transaction().execute(async (tx) => {
    const post = await repo.findPost(tx, postId, true)
    if (!post) throw new NotFoundError()
    if (post.deleted) throw new NotFoundError()
    if (!canEditPost(member, post)) throw new ForbiddenError()
    throwIfErrors(errors)
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
  return db.transaction().execute(async (tx) => {
    const post = await repo.findPost(tx, postId, true)
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
  if (!hasRole(member, 'moderator')) throw new ForbiddenError()
  const context = await loadPost(db, member, postId, locale)
  const current = await repo.findPost(db, postId)
  const revisions = await repo.listRevisions(db, postId, locale)
  return { ...context, revisions, currentSource: current?.bodySource ?? '' }
}

// ---------------------------------------------------------------------------------------
// Reactions

export async function toggleHelpful(
  db: Db,
  member: CurrentMember,
  postId: number,
): Promise<{ threadId: number; helped: boolean; count: number }> {
  return db.transaction().execute(async (tx) => {
    const post = await repo.findPost(tx, postId, true)
    if (!post || post.deleted) throw new NotFoundError()
    if (post.authorId === member.id) throw new ForbiddenError()
    const result = await repo.toggleReaction(tx, postId, member.id)
    return { threadId: post.threadId, ...result }
  })
}

// ---------------------------------------------------------------------------------------
// Lists

export async function listCategoryThreads(
  db: Db,
  member: CurrentMember,
  query: Omit<repo.ThreadListQuery, 'memberId'>,
) {
  const rows = await repo.listThreads(db, { ...query, memberId: member.id })
  const more = rows.length > query.limit
  const threads = more ? rows.slice(0, query.limit) : rows
  return { threads, nextCursor: more ? threads.at(-1)?.cursor : undefined }
}

export async function categoriesForForm(db: Db) {
  return listCategories(db, { includeArchived: false })
}
