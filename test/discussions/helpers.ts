// Shared set-up of the discussions tests: members, threads and replies through the real services.
import type { FastifyInstance } from 'fastify'
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import type { Db } from '../../src/db/database.ts'
import { findCategoryBySlug } from '../../src/features/discussions/categories.repository.ts'
import { replyToPost, startThread } from '../../src/features/discussions/discussions.service.ts'
import type { Stage } from '../../src/features/discussions/discussions.tables.ts'
import { type Agent, createAgent } from '../helpers/agent.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

export const clock = { now: () => new Date() }

export const htmx = { 'hx-request': 'true' }

export function asCurrent(member: {
  id: number
  name: string
  role: CurrentMember['role']
  status: CurrentMember['status']
  organisation_id: number
}): CurrentMember {
  return {
    id: member.id,
    name: member.name,
    role: member.role,
    status: member.status,
    locale: null,
    organisationId: member.organisation_id,
  }
}

export async function signedInMember(
  db: Db,
  app: FastifyInstance,
  values: Parameters<typeof createMember>[1] = {},
): Promise<{ member: Awaited<ReturnType<typeof createMember>>; current: CurrentMember; agent: Agent }> {
  const member = await createMember(db, values)
  const agent = createAgent(app)
  await signInAs(db, agent, member.id)
  return { member, current: asCurrent(member), agent }
}

export async function categoryId(db: Db, slug = 'ki'): Promise<number> {
  return (await findCategoryBySlug(db, slug, 'all'))!.id
}

export async function createThread(
  db: Db,
  author: CurrentMember,
  values: {
    title?: string
    category?: string
    stage?: Stage
    tags?: string
    confidential?: boolean
    body?: string
  } = {},
): Promise<{ threadId: number; openingPostId: number }> {
  const { threadId } = await startThread(db, clock, author, {
    title: values.title ?? 'Eine Idee für die Verwaltung',
    category: String(await categoryId(db, values.category ?? 'ki')),
    stage: values.stage ?? 'idea',
    tags: values.tags ?? '',
    confidential: values.confidential ? 'on' : '',
    body: values.body ?? 'Der erste Beitrag.',
    formKey: '',
  })
  const thread = await db
    .selectFrom('threads')
    .select('opening_post_id')
    .where('id', '=', threadId)
    .executeTakeFirstOrThrow()
  return { threadId, openingPostId: thread.opening_post_id! }
}

export async function reply(
  db: Db,
  author: CurrentMember,
  threadId: number,
  parentId: number | undefined,
  body = 'Eine Antwort.',
): Promise<number> {
  const result = await replyToPost(db, clock, author, threadId, {
    parent: parentId ? String(parentId) : '',
    body,
    formKey: '',
  })
  return result.postId
}
