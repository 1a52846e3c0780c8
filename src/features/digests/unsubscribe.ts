// Signed one-click unsubscribe links (RFC 8058). The token names the member and carries an
// HMAC over it with a key derived from the session secret; it does not expire, because a
// digest from months ago must still let its reader unsubscribe. It can only switch the
// digest off, so a leaked link gives nobody anything else.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'

export const unsubscribeKeyPurpose = 'digest-unsubscribe-v1'

function mac(key: Buffer, memberId: number): string {
  return createHmac('sha256', key).update(`unsubscribe:digest:${memberId}`).digest('base64url')
}

export function unsubscribeToken(key: Buffer, memberId: number): string {
  return `${memberId}.${mac(key, memberId)}`
}

/** The member id of a well-formed, correctly signed token; undefined for anything else. */
export function verifyUnsubscribeToken(key: Buffer, token: unknown): number | undefined {
  if (typeof token !== 'string') return undefined
  const match = /^([1-9]\d{0,8})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!match) return undefined
  const memberId = Number(match[1])
  const expected = Buffer.from(mac(key, memberId))
  const given = Buffer.from(match[2]!)
  return expected.length === given.length && timingSafeEqual(expected, given) ? memberId : undefined
}

export function unsubscribeUrl(baseUrl: string, key: Buffer, memberId: number): string {
  return `${baseUrl}/unsubscribe/${unsubscribeToken(key, memberId)}`
}

/** RFC 8058's body is tiny ("List-Unsubscribe=One-Click"); anything larger is refused (413). */
const oneClickBodyLimit = 4096

/**
 * Lets the unsubscribe routes take the one-click body as multipart/form-data too, which some
 * mail clients send. Call it inside the unsubscribe routes' own plugin (an encapsulated scope,
 * not wrapped in fastify-plugin): there it takes the place of the site-wide multipart parser
 * (attachments' multipartForms, which reads files), which every other route keeps. Nothing in
 * the body is needed, so it is read as a bounded string and dropped.
 */
export function acceptOneClickMultipart(scope: FastifyInstance): void {
  if (scope.hasContentTypeParser('multipart/form-data')) scope.removeContentTypeParser('multipart/form-data')
  scope.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'string', bodyLimit: oneClickBodyLimit },
    (_request, _body, done) => done(null, {}),
  )
}
