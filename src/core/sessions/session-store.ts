// @fastify/session store backed by the `sessions` table. Only signed-in sessions are stored:
// an anonymous visitor costs no row, however many pages and forms they open (CSRF protection
// needs no session, see plugins/csrf.ts). Rows carry the member id so that all sessions of a
// member can be ended at once (logout everywhere, suspension), and the browser's user agent
// from sign-in for the member's list of sessions.
// Expiry is enforced here: idle (sliding, refreshed at most once a minute to spare writes)
// and absolute (from sign-in, never extended).
import { createHash } from 'node:crypto'
import type { Session } from 'fastify'
import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { preparedRows } from '../../db/prepared.ts'
import { type LoadedMember, loadedMemberJson } from '../members/current-member.ts'

type Callback<T = void> = (error?: unknown, value?: T) => void
type SessionData = Record<string, unknown> & {
  memberId?: number
  userAgent?: string
  /** Read with the session, never stored (see load). */
  loadedMember?: LoadedMember
  /** The layout's figures (e.g. the bell's count), read with the session, never stored. */
  loadedLayout?: Record<string, unknown>
}

/**
 * A figure read in the same statement as the session, as SQL over the signed-in member's row
 * (its id and role; both null when the session has no member). The layout's counts use it,
 * so that a member page needs no round trip of its own for them.
 */
export interface SessionColumn {
  key: string
  value(member: { id: RawBuilder<number>; role: RawBuilder<string> }): RawBuilder<unknown>
}

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url')
}

const maxUserAgentLength = 300

export interface SessionLifetimes {
  idleMinutes: number
  absoluteHours: number
}

export interface SessionStoreOptions extends SessionLifetimes {
  /** Asked at every load: features add their columns after the store is made. */
  columns?: () => readonly SessionColumn[]
}

export class PostgresSessionStore {
  private readonly db: Db
  private readonly lifetimes: SessionLifetimes
  private readonly columns: () => readonly SessionColumn[]
  constructor(db: Db, options: SessionStoreOptions) {
    this.db = db
    this.lifetimes = options
    this.columns = options.columns ?? (() => [])
  }

  get(sessionId: string, callback: (error: unknown, value?: Session | null) => void): void {
    this.load(sessionId).then(
      // @fastify/session restores its cookie object itself when the stored data has none.
      (data) => callback(null, data as Session | null),
      (error) => callback(error),
    )
  }

  set(sessionId: string, session: object, callback: Callback): void {
    this.save(sessionId, session as SessionData).then(
      () => callback(),
      (error) => callback(error),
    )
  }

  destroy(sessionId: string, callback: Callback): void {
    this.db
      .deleteFrom('sessions')
      .where('sid_hash', '=', hashSessionId(sessionId))
      .execute()
      .then(
        () => callback(),
        (error) => callback(error),
      )
  }

  /**
   * The session, its member and the layout's figures in one statement (the trust gate takes
   * the member from it, the views the figures).
   */
  private async load(sessionId: string): Promise<SessionData | null> {
    const columns = this.columns()
    const member = { id: sql.ref<number>('m.id'), role: sql.ref<string>('m.role') }
    const layout: RawBuilder<Record<string, unknown> | null> = columns.length
      ? sql<Record<string, unknown>>`json_build_object(${sql.join(
          columns.map((column) => sql`${sql.lit(column.key)}::text, ${column.value(member)}`),
        )})`
      : sql<null>`null`
    // Prepared: the statement is the same on every request (planning it cost more than running it).
    const query = this.db
      .selectFrom('sessions as s')
      .leftJoin('members as m', 'm.id', 's.member_id')
      .select([
        's.data',
        's.member_id',
        sql<boolean>`s.last_seen_at < now() - interval '1 minute'`.as('stale'),
        loadedMemberJson('m').as('member'),
        layout.as('layout'),
      ])
      .where('s.sid_hash', '=', hashSessionId(sessionId))
      .where('s.idle_expires_at', '>', sql<Date>`now()`)
      .where('s.absolute_expires_at', '>', sql<Date>`now()`)
    const [row] = await preparedRows(this.db, 'vr_session', query.compile())
    if (!row) return null
    if (row.stale) await this.touch(sessionId)
    // member_id is the truth: it is cleared when the member's sessions are ended.
    return {
      ...(row.data as SessionData),
      memberId: row.member_id ?? undefined,
      loadedMember: row.member ?? undefined,
      loadedLayout: row.layout ?? undefined,
    }
  }

  private async touch(sessionId: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({
        last_seen_at: sql`now()`,
        idle_expires_at: sql`least(absolute_expires_at, now() + make_interval(mins => ${this.lifetimes.idleMinutes}))`,
      })
      .where('sid_hash', '=', hashSessionId(sessionId))
      .execute()
  }

  private async save(sessionId: string, session: SessionData): Promise<void> {
    const {
      cookie: _cookie,
      memberId,
      userAgent,
      loadedMember: _member,
      loadedLayout: _layout,
      ...data
    } = session
    // Not (or no longer) signed in: nothing to keep. This is also the empty session that
    // regenerate() stores at sign-in before the member id is set.
    if (!memberId) {
      await this.db.deleteFrom('sessions').where('sid_hash', '=', hashSessionId(sessionId)).execute()
      return
    }
    const idle = this.lifetimes.idleMinutes
    const absolute = this.lifetimes.absoluteHours
    await this.db
      .insertInto('sessions')
      .values({
        sid_hash: hashSessionId(sessionId),
        member_id: memberId,
        data: JSON.stringify(data),
        user_agent: userAgent?.slice(0, maxUserAgentLength) ?? null,
        idle_expires_at: sql`now() + make_interval(mins => ${idle})`,
        absolute_expires_at: sql`now() + make_interval(hours => ${absolute})`,
      })
      .onConflict((oc) =>
        oc.column('sid_hash').doUpdateSet({
          member_id: memberId,
          data: JSON.stringify(data),
          user_agent: sql`coalesce(excluded.user_agent, sessions.user_agent)`,
          last_seen_at: sql`now()`,
          idle_expires_at: sql`least(sessions.absolute_expires_at, now() + make_interval(mins => ${idle}))`,
        }),
      )
      .execute()
  }
}

/** Ends every session of a member, e.g. on suspension or "log out everywhere". */
export async function endAllSessions(db: Db, memberId: number, exceptSessionId?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('member_id', '=', memberId)
  if (exceptSessionId) query = query.where('sid_hash', '!=', hashSessionId(exceptSessionId))
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('idle_expires_at', '<=', sql<Date>`now()`),
        eb('absolute_expires_at', '<=', sql<Date>`now()`),
      ]),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
