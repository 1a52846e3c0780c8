// In-forum notifications (the bell) and @mention suggestions.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { idParam } from './forms.ts'
import * as notifications from './notifications.service.ts'

type Render = (
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  data: Record<string, unknown>,
) => FastifyReply

export async function notificationsRoutes(
  app: FastifyInstance,
  deps: FeatureDeps,
  render: { page: Render; fragment: Render },
) {
  const { db, clock } = deps
  const { page, fragment } = render

  app.get('/notifications', async (request, reply) => {
    const items = await notifications.listFor(db, request.member!, request.locale)
    return page(request, reply, 'discussions/notifications', {
      title: request.t('discussions.notifications.title'),
      notifications: items,
      anyUnread: items.some((item) => item.unread),
    })
  })

  /** The bell in the navigation, lazy-loaded by htmx on pages of other features. */
  app.get('/notifications/bell', async (request, reply) => {
    if (!wantsFragment(request)) return reply.redirect('/notifications', 303)
    const bellCount = await notifications.unreadCount(db, request.member!)
    return reply.fragment('discussions/_bell', { bellCount, bellLoaded: true })
  })

  app.get<{ Params: { id: string } }>('/notifications/:id', async (request, reply) => {
    const target = await notifications.open(db, clock, request.member!, idParam(request.params.id))
    return reply.redirect(`/t/${target.threadId}#post-${target.postId}`, 303)
  })

  app.post('/notifications/read', async (request, reply) => {
    await notifications.markAllRead(db, clock, request.member!)
    if (!wantsFragment(request)) return reply.redirect('/notifications', 303)
    const items = await notifications.listFor(db, request.member!, request.locale)
    return fragment(request, reply, 'discussions/_notification-list', {
      notifications: items,
      anyUnread: false,
      bellCount: 0,
      bellLoaded: true,
      oobBell: true,
    })
  })

  app.get<{ Querystring: { q?: unknown } }>('/mentions', async (request, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 60) : ''
    const members = await notifications.suggest(db, q)
    if (wantsFragment(request)) return reply.fragment('discussions/_mention-results', { members, q })
    return page(request, reply, 'discussions/mentions', {
      title: request.t('discussions.mentions.title'),
      members,
      q,
      searched: q.trim() !== '',
    })
  })
}
