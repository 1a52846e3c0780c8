// Request limits of the accounts routes (counted in PostgreSQL, shared by every instance).
// By client: IPv6 addresses count by /64. By member: the signed-in member, whatever address
// they come from (counted after the trust gate, so request.member is known).
import type { FastifyRequest } from 'fastify'
import { clientKey } from './client-key.ts'

const minutes = (n: number) => n * 60 * 1000

export function perClient(max: number, windowMinutes: number) {
  return {
    max,
    timeWindow: minutes(windowMinutes),
    keyGenerator: (request: FastifyRequest) => clientKey(request.ip),
  }
}

export function perMember(max: number, windowMinutes: number) {
  return {
    max,
    timeWindow: minutes(windowMinutes),
    hook: 'preHandler' as const,
    keyGenerator: (request: FastifyRequest) =>
      request.member ? `member:${request.member.id}` : clientKey(request.ip),
  }
}

export const publicRoute = { access: 'public' as const }
