// Profiles: what a member shows of themself (/m/<id>), editing one's own profile, and the
// members directory (/members). Succession lives in succession.ts and is offered from here.
// Threads and replies on a profile come through the one visibility rule (the repository's
// queries); only members who have been in the forum have a profile.
import { recordAudit } from '../../core/audit/audit.ts'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import { type OrganisationKind, organisationKinds } from '../../db/schema.ts'
import { type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import type { FormValues } from '../../lib/form-schema.ts'
import { staffNameProblem } from '../accounts/accounts.service.ts'
import { previewPost } from '../discussions/discussions.service.ts'
import { listThreadsStartedBy, organisationChains } from '../network/network.service.ts'
import * as repo from './profiles.repository.ts'
import { limits, type profileForm } from './profiles.schemas.ts'

export {
  canArrangeSuccession,
  cancelSuccession,
  completeDueSuccessions,
  loadSuccessionForm,
  nameSuccessor,
} from './succession.ts'

function throwIfErrors(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

// ---------------------------------------------------------------------------------------
// The profile page

const threadsShown = 20
const repliesShown = 10

export async function loadProfile(db: Db, viewer: CurrentMember, memberId: number) {
  const profile = await repo.findProfile(db, memberId)
  if (!profile) throw new NotFoundError()
  const [chains, threads, replies, predecessors, successor, openSuccession] = await Promise.all([
    organisationChains(db, [profile.organisationId]),
    listThreadsStartedBy(db, viewer, memberId, threadsShown),
    repo.listRecentReplies(db, viewer.id, memberId, repliesShown),
    repo.listPredecessors(db, memberId),
    profile.status === 'left' ? repo.findSuccessor(db, memberId) : Promise.resolve(undefined),
    viewer.id === memberId ? repo.findOpenSuccession(db, memberId) : Promise.resolve(undefined),
  ])
  return {
    profile,
    chain: chains.get(profile.organisationId) ?? [],
    threads,
    replies,
    predecessors,
    successor,
    openSuccession,
    own: viewer.id === memberId,
  }
}

// ---------------------------------------------------------------------------------------
// Editing one's own profile

export type ProfileInput = FormValues<typeof profileForm>

/** The form's values as stored (for the first showing of the form). */
export async function loadProfileForm(db: Db, member: CurrentMember): Promise<Record<string, string>> {
  const profile = await repo.findProfile(db, member.id)
  if (!profile) throw new NotFoundError()
  return {
    name: profile.name,
    jobTitle: profile.jobTitle,
    topics: profile.topics.join(', '),
    introduction: profile.introductionSource,
  }
}

const topicPattern = /^[\p{L}\p{N}][\p{L}\p{N} -]*$/u

/** Topics as tags: comma-separated, lower-cased, single spaces, no duplicates, at most five. */
export function parseTopics(raw: string, errors: FieldErrors): string[] {
  const topics = [
    ...new Set(
      raw
        .split(',')
        .map((topic) => topic.trim().replace(/\s+/g, ' ').toLowerCase())
        .filter(Boolean),
    ),
  ]
  if (topics.length > limits.topicsMax)
    errors.topics = { key: 'profile.error.topicsTooMany', params: { max: limits.topicsMax } }
  else if (topics.some((topic) => topic.length > limits.topicMax))
    errors.topics = { key: 'profile.error.topicTooLong', params: { max: limits.topicMax } }
  else if (topics.some((topic) => !topicPattern.test(topic)))
    errors.topics = { key: 'profile.error.topicInvalid' }
  return topics
}

/** Names and job titles are plain text: angle brackets are refused, not silently dropped. */
const markup = /[<>]/

/**
 * Saves the member's own profile; every problem of the form (the edge's and the domain's) in
 * one round. A changed name or job title is audited (moderators verified the person by them).
 */
export async function saveProfile(
  db: Db,
  member: CurrentMember,
  input: ProfileInput,
  edgeErrors: FieldErrors = {},
): Promise<void> {
  const errors: FieldErrors = { ...edgeErrors }
  const name = input.name.replace(/\s+/g, ' ')
  const jobTitle = input.jobTitle.replace(/\s+/g, ' ')
  if (!errors.name && markup.test(name)) errors.name = { key: 'profile.error.markup' }
  if (!errors.jobTitle && markup.test(jobTitle)) errors.jobTitle = { key: 'profile.error.markup' }
  if (!errors.name) Object.assign(errors, await staffNameProblem(db, name, member.id))
  const topics = errors.topics ? [] : parseTopics(input.topics, errors)
  throwIfErrors(errors)
  const html = input.introduction === '' ? '' : await previewPost(db, input.introduction)
  await db.transaction().execute(async (trx) => {
    const before = await repo.lockMemberForProfile(trx, member.id)
    if (!before) throw new NotFoundError()
    const changes: Record<string, { from: string; to: string }> = {}
    if (before.name !== name) changes.name = { from: before.name, to: name }
    if (before.jobTitle !== jobTitle) changes.jobTitle = { from: before.jobTitle, to: jobTitle }
    if (Object.keys(changes).length > 0) {
      await repo.updateNameAndJob(trx, member.id, name, jobTitle)
      await recordAudit(trx, {
        action: 'profile.updated',
        actorId: member.id,
        subjectId: member.id,
        details: { changes },
      })
    }
    await repo.saveIntroduction(trx, member.id, input.introduction, html)
    await repo.replaceTopics(trx, member.id, topics)
  })
}

// ---------------------------------------------------------------------------------------
// The members directory

export const directoryPageSize = 25

/** Municipality size bands by population: [from, below]. */
export const sizeBands = {
  xs: [0, 5_000],
  s: [5_000, 20_000],
  m: [20_000, 100_000],
  l: [100_000, 500_000],
  xl: [500_000, null],
} as const satisfies Record<string, readonly [number, number | null]>
export type SizeBand = keyof typeof sizeBands

export interface DirectoryInput {
  q?: string
  land?: string
  kreis?: string
  kind?: string
  size?: string
  topic?: string
  organisation?: string
  after?: string
}

export interface DirectoryRequest {
  filters: repo.DirectoryFilters
  after: repo.DirectoryCursor | undefined
  /** The filters as they go into links (only those that were understood). */
  params: Record<string, string>
  errors: FieldErrors
}

const idPattern = /^[1-9]\d{0,9}$/
const landPattern = /^(0[1-9]|1[0-6])$/

function readId(value: string | undefined): number | undefined | null {
  if (value === undefined || value === '') return undefined
  if (!idPattern.test(value) || Number(value) > 2_147_483_647) return null
  return Number(value)
}

export function encodeCursor(cursor: repo.DirectoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id])).toString('base64url')
}

export function decodeCursor(value: string | undefined): repo.DirectoryCursor | undefined {
  if (!value) return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      parsed[0].length <= 200 &&
      Number.isSafeInteger(parsed[1]) &&
      parsed[1] > 0 &&
      parsed[1] <= 2_147_483_647
    )
      return { name: parsed[0], id: parsed[1] }
  } catch {
    // a cursor that is not ours: the first page
  }
  return undefined
}

/** Reads the directory's query string; a filter that makes no sense is a message and left out. */
export function readDirectoryInput(input: DirectoryInput): DirectoryRequest {
  const filters: repo.DirectoryFilters = {}
  const params: Record<string, string> = {}
  const errors: FieldErrors = {}
  const unknown = (name: string, label: string) => {
    errors[name] = { key: 'members.filter.unknown', label }
  }
  const text = (input.q ?? '').replace(/\s+/g, ' ').trim().slice(0, 100)
  if (text) {
    filters.text = text
    params.q = text
  }
  if (input.land) {
    if (landPattern.test(input.land)) {
      filters.land = input.land
      params.land = input.land
    } else unknown('land', 'members.filter.land')
  }
  const kreis = readId(input.kreis)
  if (kreis === null) unknown('kreis', 'members.filter.kreis')
  else if (kreis !== undefined) {
    filters.kreisId = kreis
    params.kreis = String(kreis)
  }
  if (input.kind) {
    if ((organisationKinds as readonly string[]).includes(input.kind)) {
      filters.kind = input.kind as OrganisationKind
      params.kind = input.kind
    } else unknown('kind', 'members.filter.kind')
  }
  if (input.size) {
    if (Object.hasOwn(sizeBands, input.size)) {
      const [min, max] = sizeBands[input.size as SizeBand]
      filters.population = { min, max }
      params.size = input.size
    } else unknown('size', 'members.filter.size')
  }
  const topic = (input.topic ?? '').trim().replace(/\s+/g, ' ').toLowerCase()
  if (topic) {
    if (topic.length <= limits.topicMax && topicPattern.test(topic)) {
      filters.topic = topic
      params.topic = topic
    } else unknown('topic', 'members.filter.topic')
  }
  const organisation = readId(input.organisation)
  if (organisation === null) errors.organisation = { key: 'members.filter.unknown' }
  else if (organisation !== undefined) {
    filters.organisationId = organisation
    params.organisation = String(organisation)
  }
  return { filters, after: decodeCursor(input.after), params, errors }
}

export async function loadDirectory(db: Db, request: DirectoryRequest) {
  const [rows, kreise, kreis, organisation] = await Promise.all([
    repo.listDirectory(db, request.filters, { after: request.after, limit: directoryPageSize }),
    repo.listKreiseWithMembers(db),
    request.filters.kreisId !== undefined ? repo.findKreis(db, request.filters.kreisId) : undefined,
    request.filters.organisationId !== undefined
      ? repo.findOrganisationName(db, request.filters.organisationId)
      : undefined,
  ])
  const more = rows.length > directoryPageSize
  const members = more ? rows.slice(0, directoryPageSize) : rows
  const last = members.at(-1)
  return {
    members,
    nextCursor: more && last ? encodeCursor({ name: last.sortName, id: last.id }) : undefined,
    kreise,
    /** The chosen Kreis, also when it has no members any more (so the select keeps it). */
    kreis,
    organisation,
  }
}
