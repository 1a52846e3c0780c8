// The one producer of what a thread page and its htmx fragments show: the thread's head and
// a window of its posts as view models (author, body, dates, marks, and what the viewer may do
// with it), nested into the tree the page prints. The database returns named fields (see
// migrations/sql/discussions/thread-page.v5.sql: the posts as one array per field); they are
// mapped here, once, and nowhere else.
//
// Replies nest up to `maxIndent` levels; deeper replies continue in the list of their
// level-(maxIndent-1) ancestor, unindented, with "in reply to …". A page shows the opening post
// and a window of about `windowSize` replies in display order (whole top-level subtrees where
// they end within `windowMax`); a window that starts inside a subtree shows its first replies
// unindented, with "in reply to …" as well.
import type { CurrentMember } from '../../core/members/current-member.ts'
import { canReadHiddenPost } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { Locale, Role } from '../../db/schema.ts'
import { NotFoundError } from '../../lib/errors.ts'
import {
  addFilesToPosts,
  type PostFiles,
  type ThreadDocument,
  threadFiles,
} from '../attachments/attachments.service.ts'
import type { BannerGuest } from '../guests/guests.service.ts'
import type { ThreadModerationMarks } from '../moderation/moderation.service.ts'
import {
  type AuthorRecord,
  type PostColumns,
  type PostMarks,
  type PostRecord,
  selectThreadPage,
  subtreeSizes,
  type ThreadHeader,
  type ThreadPageRecord,
} from './discussions.repository.ts'
import {
  canChangeStage,
  canDeletePost,
  canEditPost,
  canLockThread,
  canReactTo,
  canReplyTo,
  canSeeRevisions,
} from './permissions.ts'

export const maxIndent = 6
/** Replies per window of the thread page, and how far a window grows to end with a subtree. */
export const windowSize = 100
export const windowMax = 150

export interface PostView {
  id: number
  depth: number
  authorId: number
  authorName: string
  authorJob: string
  authorOrg: string
  authorHandle: string
  /** The author is a guest of the thread (guests feature): marked "Gast", name not linked. */
  authorIsGuest: boolean
  /** The author's staff role, marked beside the name; undefined for members. */
  staff: Exclude<Role, 'member'> | undefined
  bodyHtml: string
  deleted: boolean
  /** Hidden by the moderation: the reason is shown; the text only to moderators and the author. */
  hidden: boolean
  hiddenReason: string | null
  /** The moderator's note of an edit, shown under the post. */
  moderatorNote: string | null
  /** The viewer muted the author: the post is collapsed (opened with a <details>, no JS needed). */
  muted: boolean
  /** Its files the viewer may read (attachments feature); absent when it has none. */
  files?: PostFiles
  canReport: boolean
  edited: boolean
  version: number
  helpfulCount: number
  helpedByMe: boolean
  createdLabel: string
  children: PostView[]
  /** Posts shown inside this post's list (all levels). */
  descendants: number
  /**
   * Set for replies deeper than the indentation, and for replies whose parent is in an earlier
   * window (away: link to its window); name is null when that post was deleted.
   */
  replyTo: { id: number; name: string | null; away?: boolean } | undefined
  own: boolean
  canEdit: boolean
  canDelete: boolean
  canReply: boolean
  canReact: boolean
  canSeeRevisions: boolean
  isNew: boolean
  focus: boolean
  /** aria-pressed of the "helpful" toggle. */
  pressed: 'true' | 'false'
  /** Nothing special: the template's fast path (someone else's post, nothing to mark but an edit or "in reply to"). */
  plain: boolean
}

export interface ThreadView extends ThreadHeader {
  canChangeStage: boolean
  canLock: boolean
}

export interface ThreadTree {
  opening: PostView | undefined
  /** The opening post's replies: the top-level list. */
  replies: PostView[]
  byId: Map<number, PostView>
  firstUnreadId: number | undefined
  lastPostId: number | undefined
}

export interface TreeOptions {
  viewer: CurrentMember
  locked: boolean
  /** Posts after this id by others are marked new; null = never read (nothing marked). */
  lastReadPostId: number | null
  /** The post that gets focus after an htmx swap. */
  focusId?: number
  /** Ids of the posts the viewer found helpful. */
  helped?: ReadonlySet<number>
  authors?: Readonly<Record<string, AuthorRecord>>
  /** The thread's guests by member id (guests feature): their posts carry the "Gast" mark. */
  guests?: ReadonlyMap<number, BannerGuest>
  /** Members the viewer muted (moderation feature): their posts are collapsed. */
  muted?: ReadonlySet<number>
  /** Replies whose parent is not among the posts: the parent, for "in reply to …". */
  orphans?: Readonly<Record<string, { id: number; name: string | null }>>
}

/** The list a reply at `depth` goes into: the depth of its owner in the ancestor chain. */
export function ownerDepth(depth: number): number {
  return Math.min(depth - 1, maxIndent - 1)
}

function isPlain(post: PostView): boolean {
  return (
    post.depth > 0 &&
    !post.focus &&
    !post.isNew &&
    !post.deleted &&
    !post.hidden &&
    !post.moderatorNote &&
    !post.muted &&
    post.staff === undefined &&
    post.canReact &&
    post.canReply &&
    post.canReport &&
    !post.canEdit &&
    !post.canDelete
  )
}

const noAuthor: AuthorRecord = { name: '', jobTitle: '', organisation: '', role: 'member', handle: '' }

/** A post as every template shows it. The only place a post's view model is made. */
export function toPostView(record: MarkedPost, options: TreeOptions): PostView {
  const viewer = options.viewer
  const author = options.authors?.[record.authorId] ?? noAuthor
  const own = record.authorId === viewer.id
  const thread = { locked: options.locked }
  const guest = options.guests?.get(record.authorId)
  return {
    id: record.id,
    depth: record.depth,
    authorId: record.authorId,
    authorName: guest?.name ?? author.name,
    authorJob: guest ? '' : author.jobTitle,
    authorOrg: guest?.organisation ?? author.organisation,
    authorHandle: author.handle,
    authorIsGuest: guest !== undefined,
    staff: author.role === 'member' ? undefined : author.role,
    bodyHtml: record.bodyHtml,
    deleted: record.deleted,
    hidden: record.mark?.hidden ?? false,
    hiddenReason: record.mark?.hiddenReason ?? null,
    moderatorNote: record.mark?.note ?? null,
    muted: !own && (options.muted?.has(record.authorId) ?? false),
    // Reporting is for members; a guest (features/guests) has no report page.
    canReport: !own && !record.deleted && viewer.status === 'verified',
    edited: record.edited,
    version: record.version,
    helpfulCount: record.helpfulCount,
    helpedByMe: options.helped?.has(record.id) ?? false,
    createdLabel: record.createdLabel,
    children: [],
    descendants: 0,
    replyTo: undefined,
    own,
    canEdit: canEditPost(viewer, record, thread),
    canDelete: canDeletePost(viewer, record),
    canReply: canReplyTo(thread, record),
    canReact: canReactTo(viewer, record),
    canSeeRevisions: record.edited && canSeeRevisions(viewer),
    isNew: options.lastReadPostId !== null && record.id > options.lastReadPostId && !own,
    focus: record.id === options.focusId,
    pressed: options.helped?.has(record.id) ? 'true' : 'false',
    plain: false,
  }
}

/** A post with the moderation's mark, if it has one. */
type MarkedPost = PostRecord & {
  mark?: { hidden: boolean; hiddenReason: string | null; note: string | null }
}

/** Nests posts given in path order. Posts whose ancestors are missing start the top-level list. */
export function buildTree(records: readonly MarkedPost[], options: TreeOptions): ThreadTree {
  const byId = new Map<number, PostView>()
  const chain: (PostView | undefined)[] = []
  const replies: PostView[] = []
  let opening: PostView | undefined
  let firstUnreadId: number | undefined
  let lastPostId: number | undefined
  for (const record of records) {
    const post = toPostView(record, options)
    if (post.isNew && (firstUnreadId === undefined || post.id < firstUnreadId)) firstUnreadId = post.id
    if (lastPostId === undefined || post.id > lastPostId) lastPostId = post.id
    byId.set(post.id, post)
    chain[post.depth] = post
    chain.length = post.depth + 1
    if (post.depth === 0) {
      opening ??= post
      continue
    }
    const parent = chain[post.depth - 1]
    if (post.depth > maxIndent && parent)
      post.replyTo = { id: parent.id, name: parent.deleted ? null : parent.authorName }
    else if (!parent && options.orphans?.[post.id])
      post.replyTo = { ...options.orphans[post.id]!, away: true }
    post.plain = isPlain(post)
    const owner = chain[ownerDepth(post.depth)]
    if (!owner || owner.depth === 0) replies.push(post)
    else owner.children.push(post)
  }
  const count = (post: PostView): number => {
    let total = 0
    for (const child of post.children) total += 1 + count(child)
    post.descendants = total
    return total
  }
  for (const post of replies) count(post)
  return { opening, replies, byId, firstUnreadId, lastPostId }
}

export function toThreadView(viewer: CurrentMember, head: ThreadHeader): ThreadView {
  return { ...head, canChangeStage: canChangeStage(viewer, head), canLock: canLockThread(viewer) }
}

/** Where a thread page's window is: after a post ("weitere Antworten") or around one (permalink). */
export interface WindowRequest {
  after?: number
  at?: number
  /** Replies per window (tests use small windows). */
  size?: number
  max?: number
}

export interface WindowPlace {
  /** The cursor of the next window; undefined at the end of the thread. */
  more: number | undefined
  /** The window starts with the thread's first reply. */
  start: boolean
}

export interface LoadedThreadPage {
  thread: ThreadView
  tree: ThreadTree
  window: WindowPlace
  /** The moderation's marks of the thread (pinned, note, Ergebnis), shown at its top. */
  moderationMarks: ThreadModerationMarks | null
  /** "Dokumente in diesem Thema": the thread's files the viewer may read (attachments feature). */
  documents: ThreadDocument[]
  /** The banner's guests (guests feature): approved, access running. */
  guests: BannerGuest[]
  /** "in der Arbeitsgruppe …" beside the Themenraum (groups feature), or null. */
  groupName: string | null
  /** Posts on the page (the opening post and the window). */
  postCount: number
  unreadNotifications: number
  unreadNotificationsHere: number
}

/** The posts of the page function's columns, one record per post, in display order. */
export function postRecords(columns: PostColumns): PostRecord[] {
  return columns.id.map((id, i) => ({
    id,
    depth: columns.depth[i]!,
    authorId: columns.authorId[i]!,
    bodyHtml: columns.bodyHtml[i]!,
    deleted: columns.deleted[i]!,
    edited: columns.edited[i]!,
    version: columns.version[i]!,
    helpfulCount: columns.helpfulCount[i]!,
    createdLabel: columns.createdLabel[i]!,
  }))
}

/** The moderation's marks on the posts; a hidden post's text only for those core/visibility allows. */
function withMarks(viewer: CurrentMember, posts: PostRecord[], marks: PostMarks | undefined): MarkedPost[] {
  if (!marks || Object.keys(marks).length === 0) return posts
  return posts.map((post) => {
    const mark = marks[post.id]
    if (!mark) return post
    const readable = !mark.hidden || canReadHiddenPost(viewer, post.authorId)
    return {
      ...post,
      bodyHtml: readable ? post.bodyHtml : '',
      mark: { hidden: mark.hidden, hiddenReason: mark.hiddenReason, note: mark.note },
    }
  })
}

function guestsById(guests: readonly BannerGuest[] | undefined): Map<number, BannerGuest> | undefined {
  if (!guests || guests.length === 0) return undefined
  return new Map(guests.filter((g) => g.memberId !== null).map((g) => [g.memberId!, g]))
}

function produce(
  viewer: CurrentMember,
  record: ThreadPageRecord,
  options: {
    lastReadPostId: number | null
    focusId?: number
    focusFirstReply?: boolean
  },
): LoadedThreadPage {
  const posts = withMarks(viewer, postRecords(record.posts), record.marks)
  const firstReply = posts.find((post) => post.depth > 0)
  const tree = buildTree(posts, {
    viewer,
    locked: record.head.locked,
    lastReadPostId: options.lastReadPostId,
    focusId: options.focusFirstReply ? firstReply?.id : options.focusId,
    helped: new Set(record.helped),
    authors: record.authors ?? {},
    orphans: record.orphans ?? {},
    muted: new Set(record.muted ?? []),
    guests: guestsById(record.guests),
  })
  const files = threadFiles(record.files)
  addFilesToPosts(tree.byId.values(), files)
  return {
    thread: toThreadView(viewer, record.head),
    tree,
    documents: files.documents,
    window: { more: record.window?.more ?? undefined, start: record.window?.start ?? true },
    moderationMarks: record.threadMarks ?? null,
    guests: (record.guests ?? []).filter((guest) => guest.current),
    groupName: record.groupName ?? null,
    postCount: posts.length,
    unreadNotifications: record.unread,
    unreadNotificationsHere: record.unreadHere,
  }
}

/**
 * A window of the thread as the viewer sees it, new posts marked after their last read one: the
 * first, the one after `after` (its first reply gets the focus), or the one that holds `at`
 * (which gets the focus). One query.
 */
export async function loadThreadPage(
  db: Db,
  viewer: CurrentMember,
  threadId: number,
  locale: Locale,
  window: WindowRequest = {},
): Promise<LoadedThreadPage> {
  const record = await selectThreadPage(db, viewer.id, locale, {
    threadId,
    after: window.after,
    at: window.at,
    size: window.size ?? windowSize,
    max: window.max ?? windowMax,
  })
  if (!record) throw new NotFoundError()
  const page = produce(viewer, record, {
    lastReadPostId: record.head.lastReadPostId,
    focusId: window.at,
    focusFirstReply: window.after !== undefined,
  })
  return page
}

/**
 * The read state after the viewer saw this window: the last read post moves to the newest post
 * shown, and the count of read posts grows by the posts shown that were newer than the last read
 * one (up to the thread's size). Undefined when nothing changes. A post in a later window that is
 * older than the newest one shown is no longer marked new (the state is one mark per thread).
 */
export function readStateAfter(
  page: LoadedThreadPage,
): { lastReadPostId: number; readPostCount: number } | undefined {
  const { thread, tree } = page
  if (tree.lastPostId === undefined) return undefined
  const before = thread.lastReadPostId ?? 0
  let seen = 0
  for (const id of tree.byId.keys()) if (id > before) seen++
  const total = thread.replyCount + 1
  const lastReadPostId = Math.max(before, tree.lastPostId)
  const readPostCount = Math.min(total, (thread.readPostCount ?? 0) + seen)
  if (lastReadPostId === thread.lastReadPostId && readPostCount === (thread.readPostCount ?? 0))
    return undefined
  return { lastReadPostId, readPostCount }
}

export interface PostInThread {
  thread: ThreadView
  /** The post, with its replies nested as on the page. */
  post: PostView
  tree: ThreadTree
}

/**
 * One post as the page shows it (with its ancestors for "in reply to", without its replies), for
 * the fragments that replace or add a post and for the pages about one post. One query.
 */
export async function loadPostInThread(
  db: Db,
  viewer: CurrentMember,
  postId: number,
  locale: Locale,
  options: { focusId?: number } = {},
): Promise<PostInThread> {
  const record = await selectThreadPage(db, viewer.id, locale, { postId })
  if (!record) throw new NotFoundError()
  const { thread, tree } = produce(viewer, record, { lastReadPostId: null, focusId: options.focusId })
  const post = tree.byId.get(postId)
  if (!post) throw new NotFoundError()
  return { thread, post, tree }
}

/** Where a new reply goes on the page, and the reply counts it changes. */
export interface NewReply {
  thread: ThreadView
  post: PostView
  /** The post whose list it joins (the opening post: the top-level list). */
  ownerId: number
  /**
   * top: the end of the top-level list; list: the end of the owner's list; first: the owner's
   * first reply, which starts its list.
   */
  place: 'top' | 'list' | 'first'
  /** Posts above it whose "n Antworten" changes, with their new count (outermost first). */
  counts: { id: number; descendants: number }[]
}

/** The new reply as the page adds it: the post alone, and the counts of the lists it is in. */
export async function loadNewReply(
  db: Db,
  viewer: CurrentMember,
  postId: number,
  locale: Locale,
): Promise<NewReply> {
  const { thread, post, tree } = await loadPostInThread(db, viewer, postId, locale, { focusId: postId })
  const chain = [...tree.byId.values()].filter((p) => p.depth > 0 && p.depth <= ownerDepth(post.depth))
  const owner = chain.at(-1)
  if (!owner) return { thread, post, ownerId: tree.opening?.id ?? postId, place: 'top', counts: [] }
  const sizes = await subtreeSizes(
    db,
    thread.id,
    chain.map((p) => p.id),
  )
  const counts = chain.map((p) => ({ id: p.id, descendants: sizes.get(p.id) ?? 1 }))
  const place = (sizes.get(owner.id) ?? 1) > 1 ? 'list' : 'first'
  return { thread, post, ownerId: owner.id, place, counts: place === 'first' ? counts.slice(0, -1) : counts }
}

/** A post shown on its own above a form (reply, delete, revisions): no actions of its own. */
export function withoutActions(post: PostView): PostView {
  return {
    ...post,
    children: [],
    canReply: false,
    canEdit: false,
    canDelete: false,
    canReact: false,
    canSeeRevisions: false,
    canReport: false,
    plain: false,
  }
}
