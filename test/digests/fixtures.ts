// Rows of the discussions tables for digest and notification tests, inserted directly.
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Config } from '../../src/config.ts'
import type { MailTransport } from '../../src/core/mail/mail.transport.ts'
import type { Db } from '../../src/db/database.ts'
import { deriveKey } from '../../src/deps.ts'
import { unsubscribeKeyPurpose } from '../../src/features/digests/unsubscribe.ts'
import { testConfig } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'
import { appTasks } from '../helpers/mail.ts'

export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000)

export const unsubscribeKey = deriveKey(testConfig().sessionSecret!, unsubscribeKeyPurpose)

/** The worker's tasks: send_mail, digests and notifications (and the rest of the app's). */
export function allTasks(config: Config, db: Db, transport: MailTransport) {
  return appTasks(config, db, transport)
}

/** A verified member who has been a member for a month (so old threads count as new to them). */
export async function longtimeMember(db: Db, values: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(db, values)
  await db
    .updateTable('members')
    .set({
      verified_at: sql`now() - interval '30 days'`,
      created_at: sql`now() - interval '30 days'`,
    } as never)
    .where('id', '=', member.id)
    .execute()
  return member
}

export async function createCategory(db: Db, name = `Themenraum ${randomBytes(3).toString('hex')}`) {
  return db
    .insertInto('categories')
    .values({ name, slug: `raum-${randomBytes(5).toString('hex')}` })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow()
}

async function insertPost(
  db: Db,
  values: { threadId: number; authorId: number; parentPath: number[] | null; body: string; createdAt: Date },
): Promise<number> {
  const parentId = values.parentPath?.at(-1) ?? null
  const { rows } = await sql<{ id: number }>`
    with next as (select nextval(pg_get_serial_sequence('posts', 'id'))::int as id)
    insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at)
    select next.id, ${values.threadId}, ${values.authorId}, ${parentId},
      ${sql.val(values.parentPath ?? [])}::int[] || next.id, ${values.parentPath?.length ?? 0},
      ${values.body}, ${`<p>${values.body}</p>`}, ${values.createdAt}
    from next
    returning id`.execute(db)
  return rows[0]!.id
}

export async function createThread(
  db: Db,
  values: {
    categoryId: number
    authorId: number
    title?: string
    body?: string
    confidential?: boolean
    createdAt?: Date
    stage?: 'idea' | 'concept' | 'pilot' | 'in_use' | 'dropped'
  },
) {
  const createdAt = values.createdAt ?? minutesAgo(10)
  const thread = await db
    .insertInto('threads')
    .values({
      category_id: values.categoryId,
      author_id: values.authorId,
      title: values.title ?? `Thema ${randomBytes(3).toString('hex')}`,
      stage: values.stage ?? 'idea',
      confidential: values.confidential ?? false,
      created_at: createdAt,
      last_activity_at: createdAt,
    })
    .returning(['id', 'title'])
    .executeTakeFirstOrThrow()
  const postId = await insertPost(db, {
    threadId: thread.id,
    authorId: values.authorId,
    parentPath: null,
    body: values.body ?? 'Eröffnungsbeitrag',
    createdAt,
  })
  await db
    .updateTable('threads')
    .set({ opening_post_id: postId, last_post_id: postId })
    .where('id', '=', thread.id)
    .execute()
  return { ...thread, openingPostId: postId }
}

export async function createReply(
  db: Db,
  values: { threadId: number; authorId: number; parentId: number; body?: string; createdAt?: Date },
) {
  const parent = await db
    .selectFrom('posts')
    .select('path')
    .where('id', '=', values.parentId)
    .executeTakeFirstOrThrow()
  const id = await insertPost(db, {
    threadId: values.threadId,
    authorId: values.authorId,
    parentPath: parent.path,
    body: values.body ?? 'Eine Antwort',
    createdAt: values.createdAt ?? minutesAgo(5),
  })
  await sql`update threads set reply_count = reply_count + 1, last_post_id = ${id} where id = ${values.threadId}`.execute(
    db,
  )
  return id
}

export async function follow(db: Db, memberId: number, threadId: number) {
  await db.insertInto('follows').values({ member_id: memberId, thread_id: threadId }).execute()
}

export async function notify(
  db: Db,
  values: {
    memberId: number
    kind: 'reply' | 'mention' | 'followed_thread'
    threadId: number
    postId: number
    actorId: number
    createdAt?: Date
  },
) {
  return db
    .insertInto('notifications')
    .values({
      member_id: values.memberId,
      kind: values.kind,
      thread_id: values.threadId,
      post_id: values.postId,
      actor_id: values.actorId,
      created_at: values.createdAt ?? minutesAgo(5),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

export async function setDigestSettings(
  db: Db,
  memberId: number,
  values: {
    frequency?: 'daily' | 'weekly' | 'never'
    categoryIds?: number[]
    notifyMode?: 'immediately' | 'hourly' | 'never'
  },
) {
  await db
    .insertInto('member_digest_settings')
    .values({
      member_id: memberId,
      frequency: values.frequency ?? 'weekly',
      all_categories: values.categoryIds === undefined,
      category_ids: values.categoryIds ?? [],
      notify_mode: values.notifyMode ?? 'immediately',
    })
    .onConflict((oc) =>
      oc.column('member_id').doUpdateSet({
        frequency: values.frequency ?? 'weekly',
        all_categories: values.categoryIds === undefined,
        category_ids: values.categoryIds ?? [],
        notify_mode: values.notifyMode ?? 'immediately',
      }),
    )
    .execute()
}

export async function deliveries(db: Db, memberId: number) {
  return db
    .selectFrom('mail_deliveries')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy('id')
    .execute()
}
