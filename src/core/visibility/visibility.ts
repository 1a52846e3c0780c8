// The one visibility rule: who may see a thread, and which of its posts. Every query of member
// content (thread pages and lists, home page, search, digests, notifications, profiles,
// organisation and tag pages, attachments) joins these predicates; no page writes its own.
//
// A verified member sees every thread outside closed groups, and the threads of the Themenräume
// of the groups they belong to (group_categories links a category to its group; group_members
// says who is in it). A group's Themenraum is visible under the same condition
// (categoryVisibleTo), so its name appears nowhere for anyone else either.
// A deleted post shows as a placeholder. A post the moderation hid is readable only by
// moderators, admins and its author; everyone else sees "von der Moderation ausgeblendet" with
// the reason. Narrowing happens here, and only here.
//
// A guest (features/guests) sees the one thread they were invited into, while their access
// holds, and nothing else: guestOf below is the only opening. wholeCategoryVisibleTo stays false
// for them (no count), and categoryVisibleTo is asked only on member pages, which a guest never
// reaches (the trust gate).
import { type RawBuilder, sql } from 'kysely'

/** A viewer: the member id of a verified member (the trust gate has checked the status). */
export type ViewerId = number

/**
 * A viewer in SQL: a member id, or a column holding one (e.g. `sql\`n.member_id\`` when the rule
 * decides for many recipients at once, as notifications and digests do).
 */
export type Viewer = ViewerId | RawBuilder<number>

/** SQL predicate: the category aliased `categoryAlias` (a Themenraum) is open to the viewer. */
export function categoryVisibleTo(viewer: Viewer, categoryAlias = 'c'): RawBuilder<boolean> {
  return inGroupsOf(viewer, sql`${sql.ref(categoryAlias)}.id`)
}

/**
 * SQL predicate: the viewer may see every thread of the category aliased `categoryAlias`, so a
 * figure kept per category (the home page's number of threads, category_thread_counts) may be
 * shown whole. It holds exactly when threadVisibleTo holds for each thread of the category,
 * because the rule narrows by category only; should it ever narrow by thread, this must change
 * with it (test/ops/category-counts.test.ts compares the two).
 */
export function wholeCategoryVisibleTo(viewer: Viewer, categoryAlias = 'c'): RawBuilder<boolean> {
  return sql<boolean>`(exists (
    select 1 from members viewer where viewer.id = ${viewer} and viewer.status = 'verified')
    and ${inGroupsOf(viewer, sql`${sql.ref(categoryAlias)}.id`)})`
}

/** SQL predicate: the viewer may see the thread aliased `threadAlias`. */
export function threadVisibleTo(viewer: Viewer, threadAlias = 't'): RawBuilder<boolean> {
  const thread = sql.ref(threadAlias)
  // Every thread belongs to a category; the viewer must exist and be verified, and be in the
  // group when the category belongs to one; or be a guest of exactly this thread.
  return sql<boolean>`(${thread}.id is not null and ((exists (
    select 1 from members viewer where viewer.id = ${viewer} and viewer.status = 'verified')
    and ${inGroupsOf(viewer, sql`${thread}.category_id`)}) or ${guestOf(viewer, thread)}))`
}

/**
 * The guest branch (features/guests): the viewer is a guest (status 'guest', never a member)
 * whose access to this one thread is active and not expired. Written as "one of the viewer's
 * threads", like inGroupsOf: the set does not depend on the row, so PostgreSQL computes it once
 * per statement (empty for every member) and a list keeps its index order. A thread that became
 * confidential or was moved into a group's Themenraum after the invitation is closed to its guests
 * at once (such threads cannot have guests).
 */
function guestOf(viewer: Viewer, thread: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(${thread}.id in (
    select vis_tg.thread_id from thread_guests vis_tg
    join members vis_guest on vis_guest.id = vis_tg.member_id and vis_guest.status = 'guest'
    where vis_tg.member_id = ${viewer} and vis_tg.status = 'active' and vis_tg.expires_at > now())
    and not ${thread}.confidential
    and ${thread}.category_id not in (select vis_ggc.category_id from group_categories vis_ggc))`
}

/**
 * The category is no group's, or the viewer is a member of its group. Written as "not one of the
 * Themenräume closed to this viewer": that set does not depend on the row, so PostgreSQL computes
 * it once per statement and probes a hash per thread, and a list keeps its index order and LIMIT
 * (a correlated NOT EXISTS became an anti-join over every thread of the category: 48 ms instead
 * of 0.09 ms for 25 of 20,000 threads).
 */
function inGroupsOf(viewer: Viewer, categoryId: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`${categoryId} not in (
    select vis_gc.category_id from group_categories vis_gc
    where not exists (select 1 from group_members vis_gm
      where vis_gm.group_id = vis_gc.group_id and vis_gm.member_id = ${viewer}))`
}

/** SQL predicate: the viewer may read the text of the post aliased `postAlias` (not only a placeholder). */
export function postReadableBy(viewer: Viewer, postAlias = 'p'): RawBuilder<boolean> {
  const post = sql.ref(postAlias)
  // The staff check does not depend on the post: PostgreSQL runs it once per statement.
  return sql<boolean>`(${post}.deleted_at is null and (${post}.hidden_at is null
    or ${post}.author_id = ${viewer}
    or exists (select 1 from members staff where staff.id = ${viewer} and staff.role in ('moderator', 'admin'))))`
}

/**
 * The same rule for a post already loaded with its hidden flag (the thread page function
 * returns every post; its one producer, discussions/thread-page.ts, asks this).
 */
export function canReadHiddenPost(viewer: { id: number; role: string }, authorId: number): boolean {
  return viewer.id === authorId || viewer.role === 'moderator' || viewer.role === 'admin'
}

/**
 * SQL predicate for mail and other places outside the forum, where nothing may be excerpted
 * that the recipient could not read in the forum: thread visible and post readable.
 */
export function postShownTo(viewer: Viewer, postAlias = 'p', threadAlias = 't'): RawBuilder<boolean> {
  return sql<boolean>`(${threadVisibleTo(viewer, threadAlias)} and ${postReadableBy(viewer, postAlias)})`
}

// Direct messages (features/messages). A conversation is open only to its current participants;
// being a moderator or an admin opens nothing here: a moderator reads one message only after a
// participant reported it, through the report (features/messages, message-reports).

/** SQL predicate: the viewer takes part in the conversation aliased `conversationAlias` (not left). */
export function conversationOpenTo(viewer: Viewer, conversationAlias = 'c'): RawBuilder<boolean> {
  const conversation = sql.ref(conversationAlias)
  return sql<boolean>`exists (select 1 from conversation_participants viewer_part
    join members viewer on viewer.id = viewer_part.member_id and viewer.status = 'verified'
    where viewer_part.conversation_id = ${conversation}.id and viewer_part.member_id = ${viewer}
      and viewer_part.left_at is null)`
}

/** SQL predicate: the viewer blocked or muted the member `author` (their messages stop for the viewer). */
export function silencedBy(viewer: Viewer, author: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(exists (select 1 from member_blocks viewer_block
      where viewer_block.blocker_id = ${viewer} and viewer_block.blocked_id = ${author})
    or exists (select 1 from member_mutes viewer_mute
      where viewer_mute.member_id = ${viewer} and viewer_mute.muted_member_id = ${author}))`
}

/**
 * SQL predicate: the viewer may see the direct message aliased `messageAlias`: they take part in
 * its conversation, it was written after they joined, and its author is nobody they blocked or muted.
 */
export function messageShownTo(viewer: Viewer, messageAlias = 'dm'): RawBuilder<boolean> {
  const message = sql.ref(messageAlias)
  return sql<boolean>`(exists (select 1 from conversation_participants viewer_part
    join members viewer on viewer.id = viewer_part.member_id and viewer.status = 'verified'
    where viewer_part.conversation_id = ${message}.conversation_id and viewer_part.member_id = ${viewer}
      and viewer_part.left_at is null and ${message}.id >= viewer_part.first_message_id)
    and not ${silencedBy(viewer, sql.ref(`${messageAlias}.author_id`))})`
}
