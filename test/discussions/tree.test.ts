import { describe, expect, it } from 'vitest'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import type { PostRecord } from '../../src/features/discussions/discussions.repository.ts'
import { buildTree, maxIndent, type TreeOptions } from '../../src/features/discussions/thread-page.ts'

function record(id: number, depth: number, authorId = 1): PostRecord {
  return {
    id,
    depth,
    authorId,
    bodyHtml: `<p>${id}</p>`,
    deleted: false,
    edited: false,
    version: 1,
    helpfulCount: 0,
    createdLabel: '',
  }
}

const authors = {
  1: { name: 'Autor 1', jobTitle: 'CDO', organisation: 'Stadt', role: 'member', handle: 'Autor_1' },
  2: { name: 'Autor 2', jobTitle: 'CDO', organisation: 'Stadt', role: 'moderator', handle: 'Autor_2' },
} as const

function viewer(id: number, role: CurrentMember['role'] = 'member'): CurrentMember {
  return { id, name: `Autor ${id}`, role, status: 'verified', locale: null, organisationId: 1 }
}

const options = (extra: Partial<TreeOptions> = {}): TreeOptions => ({
  viewer: viewer(1),
  locked: false,
  lastReadPostId: null,
  authors,
  ...extra,
})

// A chain 1 ← 2 ← 3 … ← 10 (depth 0 … 9) and a second top-level reply 11.
const chain = [...Array.from({ length: 10 }, (_, i) => record(i + 1, i, (i % 2) + 1)), record(11, 1, 2)]

describe('the reply tree', () => {
  it('nests replies up to six levels and continues deeper ones unindented with "in reply to"', () => {
    const tree = buildTree(chain, options())
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

  it('maps each author once into every post: name, job, organisation, handle, staff role', () => {
    const tree = buildTree(chain, options())
    expect(tree.byId.get(3)).toMatchObject({ authorName: 'Autor 1', authorJob: 'CDO', authorOrg: 'Stadt' })
    expect(tree.byId.get(3)!.staff).toBeUndefined()
    expect(tree.byId.get(2)!.staff).toBe('moderator')
    expect(tree.byId.get(2)!.plain).toBe(false)
  })

  it('marks posts by others after the last read one as new and finds the first', () => {
    const tree = buildTree(chain, options({ lastReadPostId: 4 }))
    expect(tree.firstUnreadId).toBe(6)
    expect(tree.byId.get(5)!.isNew).toBe(false) // my own (author 1)
    expect(tree.byId.get(6)!.isNew).toBe(true)
    expect(tree.byId.get(3)!.isNew).toBe(false)
    expect(tree.lastPostId).toBe(11)
  })

  it('asks permissions as questions: own posts editable, others reactable, locked threads take no replies', () => {
    const tree = buildTree(chain, options({ locked: true }))
    expect(tree.byId.get(3)!.canEdit).toBe(false) // locked: authors no longer edit
    expect(tree.byId.get(2)!.canEdit).toBe(false)
    expect(tree.byId.get(2)!.canReact).toBe(true)
    expect(tree.byId.get(3)!.canReact).toBe(false)
    expect(tree.byId.get(2)!.canReply).toBe(false)
    const open = buildTree(chain, options())
    expect(open.byId.get(3)!.canEdit).toBe(true)
    // A moderator still edits their own posts in a locked thread, and deletes anyone's.
    const moderator = buildTree(chain, options({ locked: true, viewer: viewer(2, 'moderator') }))
    expect(moderator.byId.get(2)!.canEdit).toBe(true)
    expect(moderator.byId.get(3)!.canEdit).toBe(false)
    expect(moderator.byId.get(3)!.canDelete).toBe(true)
  })
})
