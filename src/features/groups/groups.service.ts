// Closed groups (Arbeitsgruppen): site admins create them; group admins manage members, join
// requests, invitations and the group's Themenräume; members join (open), ask (on request) or
// accept an invitation, and leave. One transaction per command, the group row locked, so two
// admins deciding at once cannot leave a group without an admin. Who sees a group's threads is
// the one visibility rule's business (core/visibility), fed by group_members.
import { recordAudit } from '../../core/audit/audit.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import {
  ConflictError,
  type FieldErrors,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../lib/errors.ts'
import { openCategory } from '../discussions/discussions.service.ts'
import * as repo from './groups.repository.ts'
import type { GroupRole, JoinMode } from './groups.tables.ts'

export { type JoinMode, joinModes } from './groups.tables.ts'

const isSiteAdmin = (member: CurrentMember) => member.role === 'admin'

export interface GroupInput {
  name: string
  description: string
  joinMode: JoinMode
}

async function checkGroupInput(
  db: Db,
  input: GroupInput,
  edgeErrors: FieldErrors,
  exceptId?: number,
): Promise<GroupInput> {
  const errors: FieldErrors = { ...edgeErrors }
  const name = input.name.replace(/\s+/g, ' ')
  if (!errors.name && (await repo.nameTaken(db, name, exceptId)))
    errors.name = { key: 'groups.error.nameTaken', label: 'groups.field.name' }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  return { ...input, name }
}

/** A site admin creates a group and is its first group admin. */
export async function createGroup(
  db: Db,
  actor: CurrentMember,
  input: GroupInput,
  edgeErrors: FieldErrors = {},
): Promise<number> {
  if (!isSiteAdmin(actor)) throw new ForbiddenError()
  return db.transaction().execute(async (tx) => {
    const values = await checkGroupInput(tx, input, edgeErrors)
    const id = await repo.insertGroup(tx, { ...values, createdBy: actor.id })
    await repo.addMember(tx, id, actor.id, 'admin')
    await recordAudit(tx, {
      action: 'group.created',
      actorId: actor.id,
      details: { groupId: id, group: values.name },
    })
    return id
  })
}

/** The groups the member may know of (site admins: all of them). */
export async function listGroups(db: Db, member: CurrentMember) {
  return repo.listGroups(db, member.id, isSiteAdmin(member))
}

/** A group the member may know of, or not found (an invitation-only group for outsiders). */
export async function groupFor(db: Db, member: CurrentMember, groupId: number) {
  const group = await repo.findGroup(db, groupId, member.id, isSiteAdmin(member))
  if (!group) throw new NotFoundError()
  const inside = group.standing === 'member' || group.standing === 'admin'
  const manages = group.standing === 'admin' || isSiteAdmin(member)
  return { group, inside, manages }
}

/** The group page: about, and for its members (and managers) the members and Themenräume. */
export async function groupPage(db: Db, member: CurrentMember, groupId: number) {
  const found = await groupFor(db, member, groupId)
  const [members, categories] =
    found.inside || found.manages
      ? await Promise.all([repo.listMembers(db, groupId), repo.listGroupCategories(db, groupId)])
      : [[], []]
  return { ...found, members, categories: found.inside ? categories : [] }
}

/** The management page's data; only for the group's admins and site admins. */
export async function managePage(db: Db, member: CurrentMember, groupId: number) {
  const found = await groupFor(db, member, groupId)
  if (!found.manages) throw new ForbiddenError()
  const [members, requests, categories] = await Promise.all([
    repo.listMembers(db, groupId),
    repo.listRequests(db, groupId),
    repo.listGroupCategories(db, groupId),
  ])
  return { ...found, members, requests, categories }
}

/** Runs a change of the group with its row locked; not found for anyone who may not know it. */
async function withGroup<T>(
  db: Db,
  member: CurrentMember,
  groupId: number,
  work: (tx: Db, group: repo.GroupRow, standing: { manages: boolean; inside: boolean }) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const group = await repo.lockGroup(tx, groupId)
    if (!group) throw new NotFoundError()
    const { inside, manages } = await groupFor(tx, member, groupId)
    return work(tx, group, { inside, manages })
  })
}

async function managing<T>(
  db: Db,
  member: CurrentMember,
  groupId: number,
  work: (tx: Db, group: repo.GroupRow) => Promise<T>,
): Promise<T> {
  return withGroup(db, member, groupId, async (tx, group, { manages }) => {
    if (!manages) throw new ForbiddenError()
    return work(tx, group)
  })
}

export async function updateGroup(
  db: Db,
  actor: CurrentMember,
  groupId: number,
  input: GroupInput,
  edgeErrors: FieldErrors = {},
): Promise<void> {
  await managing(db, actor, groupId, async (tx) => {
    const values = await checkGroupInput(tx, input, edgeErrors, groupId)
    await repo.updateGroup(tx, groupId, values)
    await recordAudit(tx, {
      action: 'group.updated',
      actorId: actor.id,
      details: { groupId, group: values.name },
    })
  })
}

export type JoinOutcome = 'joined' | 'requested'

/** Joins an open group, accepts an invitation, or asks to join a group that decides on requests. */
export async function join(
  db: Db,
  member: CurrentMember,
  groupId: number,
  message = '',
): Promise<JoinOutcome> {
  return withGroup(db, member, groupId, async (tx, group, { inside }) => {
    if (inside) return 'joined'
    const pending = await repo.findRequest(tx, groupId, member.id)
    if (group.joinMode === 'open' || pending?.kind === 'invitation') {
      await repo.addMember(tx, groupId, member.id, 'member')
      return 'joined'
    }
    if (group.joinMode === 'invitation') throw new ForbiddenError()
    await repo.upsertRequest(tx, { groupId, memberId: member.id, kind: 'request', message, byId: member.id })
    return 'requested'
  })
}

/** Withdraws one's own request or declines an invitation. */
export async function withdraw(db: Db, member: CurrentMember, groupId: number): Promise<void> {
  await withGroup(db, member, groupId, async (tx) => {
    await repo.deleteRequest(tx, groupId, member.id)
  })
}

/** Leaves the group: its threads disappear for the member at once. The last admin stays. */
export async function leave(db: Db, member: CurrentMember, groupId: number): Promise<void> {
  await withGroup(db, member, groupId, async (tx) => {
    await refuseLastAdmin(tx, groupId, member.id)
    await repo.removeMember(tx, groupId, member.id)
  })
}

async function refuseLastAdmin(tx: Db, groupId: number, memberId: number): Promise<void> {
  if ((await repo.memberRole(tx, groupId, memberId)) !== 'admin') return
  const admins = (await repo.listMembers(tx, groupId)).filter((m) => m.role === 'admin')
  if (admins.length <= 1) throw new ConflictError('groups.error.lastAdmin')
}

/** A group admin accepts or declines a request to join. */
export async function decideRequest(
  db: Db,
  actor: CurrentMember,
  groupId: number,
  memberId: number,
  decision: 'approve' | 'decline',
): Promise<void> {
  await managing(db, actor, groupId, async (tx, group) => {
    const pending = await repo.findRequest(tx, groupId, memberId)
    if (pending?.kind !== 'request') throw new NotFoundError()
    const details = { groupId, group: group.name }
    if (decision === 'approve') {
      await repo.addMember(tx, groupId, memberId, 'member')
      await recordAudit(tx, { action: 'group.member_added', actorId: actor.id, subjectId: memberId, details })
    } else {
      await repo.deleteRequest(tx, groupId, memberId)
      await recordAudit(tx, {
        action: 'group.request_declined',
        actorId: actor.id,
        subjectId: memberId,
        details,
      })
    }
  })
}

/** A group admin invites a verified member by handle; one who asked already is let in. */
export async function invite(db: Db, actor: CurrentMember, groupId: number, handle: string): Promise<string> {
  return managing(db, actor, groupId, async (tx, group) => {
    const invitee = await repo.findMemberByHandle(tx, handle.replace(/^@/, ''))
    if (!invitee)
      throw new ValidationError({
        handle: { key: 'groups.error.unknownHandle', label: 'groups.field.handle' },
      })
    if (await repo.memberRole(tx, groupId, invitee.id))
      throw new ValidationError({
        handle: { key: 'groups.error.alreadyMember', label: 'groups.field.handle' },
      })
    const details = { groupId, group: group.name }
    const pending = await repo.findRequest(tx, groupId, invitee.id)
    if (pending?.kind === 'request') {
      await repo.addMember(tx, groupId, invitee.id, 'member')
      await recordAudit(tx, {
        action: 'group.member_added',
        actorId: actor.id,
        subjectId: invitee.id,
        details,
      })
    } else {
      await repo.upsertRequest(tx, {
        groupId,
        memberId: invitee.id,
        kind: 'invitation',
        message: '',
        byId: actor.id,
      })
      await recordAudit(tx, { action: 'group.invited', actorId: actor.id, subjectId: invitee.id, details })
    }
    return invitee.name
  })
}

export type MemberAction = 'promote' | 'demote' | 'remove'

/** A group admin makes a member an admin, takes that back, or removes the member. */
export async function changeMember(
  db: Db,
  actor: CurrentMember,
  groupId: number,
  memberId: number,
  action: MemberAction,
): Promise<void> {
  await managing(db, actor, groupId, async (tx, group) => {
    const role = await repo.memberRole(tx, groupId, memberId)
    if (!role) throw new NotFoundError()
    const details = { groupId, group: group.name }
    if (action === 'remove') {
      await refuseLastAdmin(tx, groupId, memberId)
      await repo.removeMember(tx, groupId, memberId)
      await recordAudit(tx, {
        action: 'group.member_removed',
        actorId: actor.id,
        subjectId: memberId,
        details,
      })
      return
    }
    const next: GroupRole = action === 'promote' ? 'admin' : 'member'
    if (next === role) return
    if (next === 'member') await refuseLastAdmin(tx, groupId, memberId)
    await repo.setRole(tx, groupId, memberId, next)
    await recordAudit(tx, {
      action: 'group.role_changed',
      actorId: actor.id,
      subjectId: memberId,
      details: { ...details, from: role, to: next },
    })
  })
}

/** "Smart City NRW" → "smart-city-nrw" (umlauts spelled out), at most 40 characters. */
export function slugify(name: string): string {
  const spelled = name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return spelled.slice(0, 40).replace(/-+$/, '') || 'themenraum'
}

/** A group admin opens a Themenraum of the group (its threads only the group's members see). */
export async function createCategory(
  db: Db,
  actor: CurrentMember,
  groupId: number,
  input: { name: string; description: string },
  edgeErrors: FieldErrors = {},
): Promise<string> {
  if (Object.keys(edgeErrors).length > 0) throw new ValidationError(edgeErrors)
  return managing(db, actor, groupId, async (tx, group) => {
    const name = input.name.replace(/\s+/g, ' ')
    const category = await openCategory(tx, `g${groupId}-${slugify(name)}`, {
      name,
      description: input.description,
    })
    await repo.linkGroupCategory(tx, groupId, category.id)
    await recordAudit(tx, {
      action: 'group.category_created',
      actorId: actor.id,
      details: { groupId, group: group.name, category: name },
    })
    return category.slug
  })
}

/**
 * The group a Themenraum belongs to, for pages that already passed the visibility rule (the
 * category or thread page names the group beside the Themenraum).
 */
export async function groupOfCategory(db: Db, categoryId: number) {
  return repo.groupOfCategory(db, categoryId)
}
