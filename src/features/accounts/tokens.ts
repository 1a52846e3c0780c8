// Single-use tokens for links in mail. Only a hash is stored; the token itself exists only
// in the mail. Opening a link never uses a token up: only the POST of its confirm button does.
import { createHash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { TokenPurpose } from '../../db/schema.ts'

export const tokenLifetimeHours: Record<TokenPurpose, number> = {
  confirm_email: 24,
  change_email: 24,
  reset_password: 2,
  reconfirm: 24 * 45,
  unlock_sign_in: 24,
}

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** Tokens look like 43 base64url characters; anything else is not worth a query. */
export function looksLikeToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value)
}

export async function issueToken(
  db: Db,
  memberId: number,
  purpose: TokenPurpose,
  options: { newEmail?: string } = {},
): Promise<string> {
  const token = newToken()
  // An older unused link of the same purpose stops working when a new one is sent.
  await db
    .updateTable('member_tokens')
    .set({ used_at: sql`now()` })
    .where('member_id', '=', memberId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute()
  await db
    .insertInto('member_tokens')
    .values({
      token_hash: hashToken(token),
      member_id: memberId,
      purpose,
      new_email: options.newEmail ?? null,
      expires_at: sql`now() + make_interval(hours => ${tokenLifetimeHours[purpose]})`,
    })
    .execute()
  return token
}

/** Looks a token up without using it (for the page that shows the confirm button). */
export async function findValidToken(db: Db, token: string, purpose: TokenPurpose) {
  if (!looksLikeToken(token)) return undefined
  return db
    .selectFrom('member_tokens')
    .select(['member_id', 'new_email'])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
}

/** Uses a token up atomically: of two racing requests exactly one gets the member id. */
export async function consumeToken(db: Db, token: string, purpose: TokenPurpose) {
  if (!looksLikeToken(token)) return undefined
  return db
    .updateTable('member_tokens')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['member_id', 'new_email'])
    .executeTakeFirst()
}
