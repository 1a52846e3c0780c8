// Turns a thread's posts (in path order) into the nested lists the page shows. Replies nest
// up to `maxIndent` levels; deeper replies continue in the list of their level-(maxIndent-1)
// ancestor, unindented, with "in reply to …".
import type { PostRow } from './discussions.repository.ts'

export const maxIndent = 6

export interface PostNode extends PostRow {
  children: PostNode[]
  /** Posts shown inside this node's list (all levels). */
  descendants: number
  /** Set for replies deeper than the indentation; name is null when that post was deleted. */
  replyTo: { id: number; name: string | null } | undefined
  own: boolean
  canEdit: boolean
  canDelete: boolean
  canReply: boolean
  canReact: boolean
  isNew: boolean
  focus: boolean
  /** aria-pressed of the "helpful" toggle. */
  pressed: 'true' | 'false'
  /** Nothing special: the template's fast path (someone else's post, nothing to mark). */
  plain: boolean
}

export interface TreeOptions {
  memberId: number
  isModerator: boolean
  locked: boolean
  /** Posts after this id by others are marked new; null = never read (nothing marked). */
  lastReadPostId: number | null
  /** The post that gets focus after an htmx swap. */
  focusId?: number
}

export interface ThreadTree {
  opening: PostNode | undefined
  /** The opening post's replies: the top-level list. */
  replies: PostNode[]
  byId: Map<number, PostNode>
  firstUnreadId: number | undefined
  lastPostId: number | undefined
}

/** The list a reply at `depth` below the ancestor chain goes into: its owner's id. */
export function ownerDepth(depth: number): number {
  return Math.min(depth - 1, maxIndent - 1)
}

export function isPlain(node: PostNode): boolean {
  return (
    node.depth > 0 &&
    !node.focus &&
    !node.isNew &&
    !node.deleted &&
    !node.edited &&
    node.replyTo === undefined &&
    node.canReact &&
    node.canReply &&
    !node.canEdit &&
    !node.canDelete
  )
}

export function buildTree(rows: readonly PostRow[], options: TreeOptions): ThreadTree {
  const byId = new Map<number, PostNode>()
  const chain: PostNode[] = []
  const replies: PostNode[] = []
  let opening: PostNode | undefined
  let firstUnreadId: number | undefined
  let lastPostId: number | undefined
  for (const row of rows) {
    const own = row.authorId === options.memberId
    const isNew = options.lastReadPostId !== null && row.id > options.lastReadPostId && !own
    if (isNew && (firstUnreadId === undefined || row.id < firstUnreadId)) firstUnreadId = row.id
    if (lastPostId === undefined || row.id > lastPostId) lastPostId = row.id
    const node: PostNode = {
      ...row,
      children: [],
      descendants: 0,
      replyTo: undefined,
      own,
      canEdit: own && !row.deleted,
      canDelete: !row.deleted && (own || options.isModerator),
      canReply: !row.deleted && !options.locked,
      canReact: !row.deleted && !own,
      isNew,
      focus: row.id === options.focusId,
      pressed: row.helpedByMe ? 'true' : 'false',
      plain: false,
    }
    byId.set(row.id, node)
    chain[row.depth] = node
    chain.length = row.depth + 1
    if (row.depth === 0) {
      opening ??= node
      continue
    }
    const parent = chain[row.depth - 1]
    if (row.depth > maxIndent && parent)
      node.replyTo = { id: parent.id, name: parent.deleted ? null : parent.authorName }
    node.plain = isPlain(node)
    const owner = chain[ownerDepth(row.depth)]
    if (!owner || owner.depth === 0) replies.push(node)
    else owner.children.push(node)
  }
  const count = (node: PostNode): number => {
    let total = 0
    for (const child of node.children) total += 1 + count(child)
    node.descendants = total
    return total
  }
  for (const node of replies) count(node)
  return { opening, replies, byId, firstUnreadId, lastPostId }
}
