import { describe, expect, it } from 'vitest'
import type { PostRow } from '../../src/features/discussions/discussions.repository.ts'
import { buildTree, maxIndent } from '../../src/features/discussions/tree.ts'

function row(id: number, parentId: number | null, depth: number, authorId = 1): PostRow {
  return {
    id,
    parentId,
    depth,
    authorId,
    authorName: `Autor ${authorId}`,
    authorJob: 'CDO',
    authorOrg: 'Stadt',
    bodyHtml: `<p>${id}</p>`,
    deleted: false,
    edited: false,
    version: 1,
    helpfulCount: 0,
    helpedByMe: false,
    createdIso: '',
    createdLabel: '',
  }
}

// A chain 1 ← 2 ← 3 … ← 10 (depth 0 … 9) and a second top-level reply 11.
const chain = [
  ...Array.from({ length: 10 }, (_, i) => row(i + 1, i === 0 ? null : i, i, (i % 2) + 1)),
  row(11, 1, 1, 2),
]

describe('the reply tree', () => {
  it('nests replies up to six levels and continues deeper ones unindented with "in reply to"', () => {
    const tree = buildTree(chain, { memberId: 1, isModerator: false, locked: false, lastReadPostId: null })
    expect(tree.opening?.id).toBe(1)
    expect(tree.replies.map((n) => n.id)).toEqual([2, 11])
    let node = tree.replies[0]!
    for (let depth = 2; depth <= maxIndent; depth++) {
      expect(node.children[0]!.depth).toBe(depth)
      node = node.children[0]!
    }
    // node is at depth 6; its parent's list also holds the deeper posts 8, 9, 10.
    const list = tree.byId.get(6)!.children.map((n) => n.id)
    expect(list).toEqual([7, 8, 9, 10])
    expect(tree.byId.get(8)!.replyTo).toEqual({ id: 7, name: 'Autor 1' })
    expect(tree.byId.get(7)!.replyTo).toBeUndefined()
    expect(tree.byId.get(7)!.children).toEqual([])
    expect(tree.byId.get(2)!.descendants).toBe(8)
  })

  it('marks posts by others after the last read one as new and finds the first', () => {
    const tree = buildTree(chain, { memberId: 1, isModerator: false, locked: false, lastReadPostId: 4 })
    expect(tree.firstUnreadId).toBe(6)
    expect(tree.byId.get(5)!.isNew).toBe(false) // my own (author 1)
    expect(tree.byId.get(6)!.isNew).toBe(true)
    expect(tree.byId.get(3)!.isNew).toBe(false)
    expect(tree.lastPostId).toBe(11)
  })

  it('asks permissions as questions: own posts editable, others reactable, locked threads take no replies', () => {
    const tree = buildTree(chain, { memberId: 1, isModerator: false, locked: true, lastReadPostId: null })
    expect(tree.byId.get(3)!.canEdit).toBe(true)
    expect(tree.byId.get(2)!.canEdit).toBe(false)
    expect(tree.byId.get(2)!.canReact).toBe(true)
    expect(tree.byId.get(3)!.canReact).toBe(false)
    expect(tree.byId.get(2)!.canReply).toBe(false)
  })
})
