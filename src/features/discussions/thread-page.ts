// The one producer of what a thread page and its htmx fragments show: the thread's head and
// every post as a view model (author, body, dates, marks, and what the viewer may do with it),
// nested into the tree the page prints. The database returns named fields (see
// migrations/sql/discussions/thread-page.v3.sql: the posts as one array per field); they are
// mapped here, once, and nowhere else.
//
// Replies nest up to `maxIndent` levels; deeper replies continue in the list of their
// level-(maxIndent-1) ancestor, unindented, with "in reply to …".
import type { CurrentMember } from '../../core/members/current-member.ts'
import { canReadHiddenPost } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { Locale, Role } from '../../db/schema.ts'
import { NotFoundError } from '../../lib/errors.ts'
import {
  type AuthorRecord,
  type PostColumns,
  type PostMarks,
  type PostRecord,
  selectThreadPage,
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

export interface PostView {
  id: number
  depth: number
  authorId: number
  authorName: string
  authorJob: string
  authorOrg: string
  authorHandle: string
  /** The author's staff role, marked beside the name; undefined for members. */
  staff: Exclude<Role, 'member'> | undefined
  bodyHtml: string
  deleted: boolean
  /** Hidden by the moderation: the reason is shown; the text only to moderators and the author. */
  hidden: boolean
  hiddenReason: string | null
  /** The moderator's note of an edit, shown under the post. */
  moderatorNote: string | null
  canReport: boolean
  edited: boolean
  version: number
  helpfulCount: number
  helpedByMe: boolean
  createdIso: string
  createdLabel: string
  children: PostView[]
  /** Posts shown inside this post's list (all levels). */
  descendants: number
  /** Set for replies deeper than the indentation; name is null when that post was deleted. */
  replyTo: { id: number; name: string | null } | undefined
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
  /** Nothing special: the template's fast path (someone else's post, nothing to mark). */
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
    !post.edited &&
    post.staff === undefined &&
    post.replyTo === undefined &&
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
  return {
    id: record.id,
    depth: record.depth,
    authorId: record.authorId,
    authorName: author.name,
    authorJob: author.jobTitle,
    authorOrg: author.organisation,
    authorHandle: author.handle,
    staff: author.role === 'member' ? undefined : author.role,
    bodyHtml: record.bodyHtml,
    deleted: record.deleted,
    hidden: record.mark?.hidden ?? false,
    hiddenReason: record.mark?.hiddenReason ?? null,
    moderatorNote: record.mark?.note ?? null,
    canReport: !own && !record.deleted,
    edited: record.edited,
    version: record.version,
    helpfulCount: record.helpfulCount,
    helpedByMe: options.helped?.has(record.id) ?? false,
    createdIso: record.createdIso,
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

export interface LoadedThreadPage {
  thread: ThreadView
  tree: ThreadTree
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
    createdIso: columns.createdIso[i]!,
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

function produce(
  viewer: CurrentMember,
  record: ThreadPageRecord,
  options: { lastReadPostId: number | null; focusId?: number },
): LoadedThreadPage {
  const posts = withMarks(viewer, postRecords(record.posts), record.marks)
  const tree = buildTree(posts, {
    viewer,
    locked: record.head.locked,
    lastReadPostId: options.lastReadPostId,
    focusId: options.focusId,
    helped: new Set(record.helped),
    authors: record.authors ?? {},
  })
  return {
    thread: toThreadView(viewer, record.head),
    tree,
    postCount: posts.length,
    unreadNotifications: record.unread,
    unreadNotificationsHere: record.unreadHere,
  }
}

/** The whole thread as the viewer sees it, new posts marked after their last read one. One query. */
export async function loadThreadPage(
  db: Db,
  viewer: CurrentMember,
  threadId: number,
  locale: Locale,
): Promise<LoadedThreadPage> {
  const record = await selectThreadPage(db, viewer.id, locale, { threadId })
  if (!record) throw new NotFoundError()
  return produce(viewer, record, { lastReadPostId: record.head.lastReadPostId })
}

export interface PostInThread {
  thread: ThreadView
  /** The post, with its replies nested as on the page. */
  post: PostView
  tree: ThreadTree
}

/**
 * One post as the page shows it (with its subtree, and its ancestors for "in reply to"), for
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
