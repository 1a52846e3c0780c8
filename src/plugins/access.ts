// The trust gate. Every route is member-only unless its config says otherwise:
// a route someone forgets to mark is protected by construction.
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type CurrentMember, currentMemberFrom, loadCurrentMember } from '../core/members/current-member.ts'
import type { Db } from '../db/database.ts'
import type { Role } from '../db/schema.ts'

/**
 * public: anyone. signedIn: any signed-in person, whatever their status (status page, logout).
 * member (the default): verified members. moderator / admin: verified and that role or higher.
 * guest: verified members, or a guest of one thread (features/guests). Only the thread routes a
 * guest needs say so; which thread they may see is the visibility rule's answer (core/visibility).
 */
export type Access = 'public' | 'signedIn' | 'guest' | 'member' | 'moderator' | 'admin'

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
  interface FastifyRequest {
    member: CurrentMember | null
  }
}

const roleRank: Record<Role, number> = { member: 0, moderator: 1, admin: 2 }

export function hasRole(member: CurrentMember | null, role: Role): boolean {
  return member !== null && member.status === 'verified' && roleRank[member.role] >= roleRank[role]
}

/** Sends the browser elsewhere: htmx follows HX-Redirect with a full page load, a plain request a 303. */
function sendTo(request: FastifyRequest, reply: FastifyReply, target: string) {
  if (request.headers['hx-request'] === 'true') return reply.header('hx-redirect', target).code(204).send()
  return reply.redirect(target, 303)
}

function sendToLogin(request: FastifyRequest, reply: FastifyReply) {
  const next = request.method === 'GET' ? request.url : '/'
  return sendTo(request, reply, `/login?next=${encodeURIComponent(next)}`)
}

export const accessPlugin = fp(
  async (app, options: { db: Db }) => {
    app.decorateRequest('member', null)

    app.addHook('onRequest', async (request) => {
      const memberId = request.session?.memberId
      if (!memberId) return
      // The session store read the member with the session (one round trip); read it alone
      // only when the session was not loaded from the store (e.g. just signed in).
      const loaded = request.session.loadedMember
      request.member =
        loaded?.id === memberId
          ? await currentMemberFrom(options.db, loaded)
          : await loadCurrentMember(options.db, memberId)
      if (!request.member) {
        delete request.session.memberId
        return
      }
      if (request.member.locale) request.locale = request.member.locale
    })

    app.addHook('preValidation', async (request, reply) => {
      if (request.is404) return
      const access = request.routeOptions.config.access ?? 'member'
      if (access === 'public') return
      const member = request.member
      if (!member) return sendToLogin(request, reply)
      if (access === 'signedIn') return
      if (access === 'guest' && member.status === 'guest') return
      if (member.status !== 'verified') return sendTo(request, reply, '/status')
      if (access !== 'member' && access !== 'guest' && !hasRole(member, access)) {
        return reply.code(403).page('errors/error', {
          title: request.t('error.forbidden.title'),
          heading: 'error.forbidden.title',
          text: 'error.forbidden.text',
        })
      }
    })

    // Member pages must not be cached or indexed anywhere; public pages lose nothing by it either.
    app.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'private, no-store')
      reply.header('x-robots-tag', 'noindex, nofollow')
    })
  },
  { name: 'access', dependencies: ['session', 'i18n'] },
)
