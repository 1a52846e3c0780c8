// A device cookie says "this browser has signed in to this account before". Sign-in attempts
// that carry it are counted apart from everyone else's, so a stranger who guesses (or locks on
// purpose) cannot keep the owner out of their usual browser. It is signed, carries no secret of
// the account and is set after every successful sign-in and by the mailed unlock link.
// (OWASP, "Slow Down Online Guessing Attacks with Device Cookies".)
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

export interface DeviceCookieOptions {
  key: Buffer
  secure: boolean
}

export interface Device {
  memberId: number
  id: string
}

const maxAgeSeconds = 365 * 24 * 3600

export function deviceCookieName(secure: boolean): string {
  return secure ? '__Host-vr_device' : 'vr_device'
}

function signature(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url')
}

export function readDevice(request: FastifyRequest, options: DeviceCookieOptions): Device | undefined {
  const value = request.cookies?.[deviceCookieName(options.secure)]
  const match = value?.match(/^([1-9]\d{0,9})\.([\w-]{22})\.([\w-]{43})$/)
  if (!match) return undefined
  const [, memberId = '', id = '', given = ''] = match
  const expected = signature(options.key, `${memberId}.${id}`)
  if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return undefined
  return { memberId: Number(memberId), id }
}

/** Marks this browser as one of the member's devices (keeps its id if it already was). */
export function rememberDevice(
  request: FastifyRequest,
  reply: FastifyReply,
  memberId: number,
  options: DeviceCookieOptions,
): void {
  const known = readDevice(request, options)
  const id = known?.memberId === memberId ? known.id : randomBytes(16).toString('base64url')
  reply.setCookie(
    deviceCookieName(options.secure),
    `${memberId}.${id}.${signature(options.key, `${memberId}.${id}`)}`,
    {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      path: '/',
      maxAge: maxAgeSeconds,
    },
  )
}
