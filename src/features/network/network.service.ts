// The network: organisation pages (/o/<key>), tag pages ("Wer macht das schon?", /tags/<tag>)
// and the same for a thread's tags in a box on the thread page. Read-only views over the
// directory, members and threads, behind the one visibility rule (in the repository's queries).
// Other features use organisationHref() and organisationChains() from here (profiles does).
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import { NotFoundError } from '../../lib/errors.ts'
import { type OrganisationDocument, organisationDocuments } from '../attachments/attachments.service.ts'
import type { Stage } from '../discussions/discussions.service.ts'
import * as repo from './network.repository.ts'
import { organisationKey } from './network.view.ts'

export type { OrganisationRef, ThreadLine } from './network.repository.ts'
// What other features print of organisations, tags and thread lists (profiles does).
export {
  kindLabel,
  organisationHref,
  organisationKey,
  organisationLink,
  tagHref,
  threadLineView,
} from './network.view.ts'

/** An id address for organisations outside the register (no AGS/ARS); any organisation has one. */
const idKey = /^id-([1-9]\d{0,9})$/
/** AGS (2, 3, 5 or 8 digits) or ARS (up to 12 digits): digits only, as the register writes them. */
const officialKey = /^\d{2,12}$/

/** Each organisation's parents, nearest first (Gemeinde → Verband → Kreis → Bezirk → Land). */
export async function organisationChains(db: Db, ids: readonly number[]) {
  return repo.parentChains(db, [...new Set(ids)])
}

/** The threads a member started that the viewer may see, newest activity first (profiles). */
export async function listThreadsStartedBy(
  db: Db,
  viewer: CurrentMember,
  memberId: number,
  limit: number,
): Promise<repo.ThreadLine[]> {
  return repo.listThreadLines(db, viewer.id, { authorId: memberId }, limit)
}

/** A tag as threads store it (lower case, single spaces), or undefined when it cannot be one. */
export function normaliseTag(raw: string | undefined): string | undefined {
  const tag = raw?.trim().replace(/\s+/g, ' ').toLowerCase()
  if (!tag || tag.length > 30 || !/^[\p{L}\p{N}][\p{L}\p{N} -]*$/u.test(tag)) return undefined
  return tag
}

// ---------------------------------------------------------------------------------------
// Organisation page

export const organisationMembersShown = 50
const organisationThreadsShown = 20
const organisationDocumentsShown = 10
const organisationsBelowShown = 100
const kindsWithBelow = new Set([
  'land',
  'regierungsbezirk',
  'landkreis',
  'kreisfreie_stadt',
  'gemeindeverband',
])

export type OrganisationPage =
  | { redirect: string }
  | {
      redirect?: undefined
      organisation: repo.OrganisationRow
      chain: repo.OrganisationRef[]
      mergedInto: repo.OrganisationRow | undefined
      members: repo.MemberLine[]
      moreMembers: boolean
      threads: repo.ThreadLine[]
      stageCounts: { stage: Stage; count: number }[]
      below: repo.OrganisationWithMembers[] | undefined
      served: repo.OrganisationRef[]
      /** The Konzern-Kommune organisations that name this one (or one above it). */
      servedBy: repo.OrganisationRef[]
      /** The latest files its members shared that the viewer may read (features/attachments). */
      documents: OrganisationDocument[]
    }

async function findOrganisation(db: Db, key: string): Promise<repo.OrganisationRow | undefined> {
  const byId = idKey.exec(key)
  if (byId) return repo.findOrganisationRowById(db, Number(byId[1]))
  if (officialKey.test(key)) return repo.findOrganisationByKey(db, key)
  return undefined
}

const stageOrder: Stage[] = ['in_use', 'pilot', 'concept', 'idea', 'dropped']

export async function loadOrganisationPage(
  db: Db,
  viewer: CurrentMember,
  key: string,
): Promise<OrganisationPage> {
  const organisation = await findOrganisation(db, key)
  if (!organisation) throw new NotFoundError()
  const canonical = organisationKey(organisation)
  if (canonical !== key) return { redirect: `/o/${canonical}` }
  const chains = await repo.parentChains(db, [organisation.id])
  const chain = chains.get(organisation.id) ?? []
  const [members, threads, counts, below, served, servedBy, mergedInto, documents] = await Promise.all([
    repo.listOrganisationMembers(db, organisation.id, organisationMembersShown),
    repo.listThreadLines(db, viewer.id, { organisationId: organisation.id }, organisationThreadsShown),
    repo.countOrganisationThreadsByStage(db, viewer.id, organisation.id),
    kindsWithBelow.has(organisation.kind)
      ? repo.listOrganisationsBelowWithMembers(db, organisation.id, organisationsBelowShown)
      : Promise.resolve(undefined),
    repo.listServedMunicipalities(db, organisation.id),
    repo.listOrganisationsServing(db, [organisation.id, ...chain.map((parent) => parent.id)]),
    organisation.mergedIntoId ? repo.findOrganisationRowById(db, organisation.mergedIntoId) : undefined,
    organisationDocuments(db, viewer.id, organisation.id, organisationDocumentsShown),
  ])
  return {
    organisation,
    chain,
    mergedInto,
    members: members.slice(0, organisationMembersShown),
    moreMembers: members.length > organisationMembersShown,
    threads,
    stageCounts: counts.sort((a, b) => stageOrder.indexOf(a.stage) - stageOrder.indexOf(b.stage)),
    below,
    served,
    servedBy,
    documents,
  }
}

// ---------------------------------------------------------------------------------------
// "Wer macht das schon?"

export interface Person {
  id: number
  name: string
  jobTitle: string
  /** Set when this person took over from the thread's author, who has left. */
  succeeds?: string
}

export interface PracticeThread {
  id: number
  title: string
  stage: Stage
  tags: string[]
}

/** One organisation that has a thread at stage Pilot or im Einsatz, with the people to ask. */
export interface Practice {
  organisation: repo.OrganisationRef & { population: number | null }
  threads: PracticeThread[]
  people: Person[]
}

/** Rows (one per thread) grouped by organisation, in the order the rows came (im Einsatz first). */
export function groupPractice(rows: readonly repo.PracticeRow[]): Practice[] {
  const groups = new Map<number, Practice>()
  for (const row of rows) {
    let group = groups.get(row.organisationId)
    if (!group) {
      group = {
        organisation: {
          id: row.organisationId,
          name: row.organisationName,
          kind: row.organisationKind,
          ags: row.ags,
          ars: row.ars,
          population: row.population,
        },
        threads: [],
        people: [],
      }
      groups.set(row.organisationId, group)
    }
    group.threads.push({ id: row.threadId, title: row.title, stage: row.stage, tags: row.tags })
    const person: Person | undefined = row.authorVerified
      ? { id: row.authorId, name: row.authorName, jobTitle: row.authorJobTitle }
      : row.successorId !== null
        ? {
            id: row.successorId,
            name: row.successorName ?? '',
            jobTitle: row.successorJobTitle ?? '',
            succeeds: row.authorName,
          }
        : undefined
    if (person && !group.people.some((known) => known.id === person.id)) group.people.push(person)
  }
  return [...groups.values()]
}

const practiceThreadsRead = 200
export const tagThreadsPerPage = 25
const expertsShown = 30

export interface TagPage {
  tag: string
  practice: Practice[]
  experts: Awaited<ReturnType<typeof repo.listExperts>>
  moreExperts: boolean
  threads: repo.TagThreadLine[]
  nextCursor: string | undefined
  paged: boolean
}

/** The cursor of the tag page's thread list: "<ISO time>_<thread id>". */
export function parseCursor(value: string | undefined): { at: string; id: number } | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([1-9]\d{0,9})$/.exec(value ?? '')
  if (!match || Number(match[2]) > 2_147_483_647 || Number.isNaN(Date.parse(match[1]!))) return undefined
  return { at: match[1]!, id: Number(match[2]) }
}

export async function loadTagPage(
  db: Db,
  viewer: CurrentMember,
  rawTag: string,
  after: string | undefined,
): Promise<TagPage> {
  const tag = normaliseTag(rawTag)
  if (!tag) throw new NotFoundError()
  const cursor = parseCursor(after)
  const [threads, practiceRows, experts] = await Promise.all([
    repo.listTagThreads(db, viewer.id, tag, { after: cursor, limit: tagThreadsPerPage }),
    cursor
      ? Promise.resolve([])
      : repo.listPractice(db, viewer.id, { tags: [tag], limit: practiceThreadsRead }),
    cursor ? Promise.resolve([]) : repo.listExperts(db, tag, expertsShown),
  ])
  const more = threads.length > tagThreadsPerPage
  const shown = more ? threads.slice(0, tagThreadsPerPage) : threads
  return {
    tag,
    practice: groupPractice(practiceRows),
    experts: experts.slice(0, expertsShown),
    moreExperts: experts.length > expertsShown,
    threads: shown,
    nextCursor: more ? shown.at(-1)?.cursor : undefined,
    paged: cursor !== undefined,
  }
}

const threadBoxOrganisations = 5

/** The thread page's side box: who does what this thread is about (by its tags), elsewhere. */
export async function loadThreadPractice(db: Db, viewer: CurrentMember, threadId: number) {
  const thread = await repo.findVisibleThreadTags(db, viewer.id, threadId)
  if (!thread) throw new NotFoundError()
  const rows = await repo.listPractice(db, viewer.id, {
    tags: thread.tags,
    exceptThreadId: threadId,
    limit: practiceThreadsRead,
  })
  return {
    threadId,
    title: thread.title,
    tags: thread.tags,
    practice: groupPractice(rows).slice(0, threadBoxOrganisations),
  }
}
