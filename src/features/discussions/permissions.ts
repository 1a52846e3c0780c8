// What a member may do with a thread or a post, as questions. The page, every fragment and
// every command ask these and nothing else, so a rule changes here and only here.
import type { CurrentMember } from '../../core/members/current-member.ts'
import { hasRole } from '../../plugins/access.ts'

interface PostFacts {
  authorId: number
  deleted: boolean
}

interface ThreadFacts {
  locked: boolean
}

export function isStaff(member: CurrentMember | null): boolean {
  return hasRole(member, 'moderator')
}

/** Authors edit their own posts; once a thread is locked, only if they are moderators. */
export function canEditPost(member: CurrentMember, post: PostFacts, thread: ThreadFacts): boolean {
  return !post.deleted && post.authorId === member.id && (!thread.locked || isStaff(member))
}

export function canDeletePost(member: CurrentMember, post: PostFacts): boolean {
  return !post.deleted && (post.authorId === member.id || isStaff(member))
}

export function canReplyTo(thread: ThreadFacts, post: { deleted: boolean }): boolean {
  return !thread.locked && !post.deleted
}

/** "Hilfreich": not on one's own posts, not on deleted ones. */
export function canReactTo(member: CurrentMember, post: PostFacts): boolean {
  return !post.deleted && post.authorId !== member.id
}

export function canChangeStage(member: CurrentMember, thread: { authorId: number }): boolean {
  return member.id === thread.authorId || isStaff(member)
}

export function canLockThread(member: CurrentMember): boolean {
  return isStaff(member)
}

/** Earlier versions of a post (and deleted texts) are for moderators. */
export function canSeeRevisions(member: CurrentMember): boolean {
  return isStaff(member)
}
