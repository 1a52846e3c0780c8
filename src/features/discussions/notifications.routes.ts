// In-forum notifications (the bell) and @mention suggestions.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { idParams, limits, mentionQuery } from './discussions.schemas.ts'
import { fragment, me, page, permalink } from './discussions.view.ts'
import * as notifications from './notifications.service.ts'

export async function notificationsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = deps

  // Every full page of a verified member shows the bell with its count (pages that load the
  // count themselves, like the thread page, pass it as layout data and skip this).
  // The count is read with the session (columns); load() is the fallback.
  app.addLayoutData({
    keys: ['bellCount'],
    load: async (request) => ({ bellCount: await notifications.unreadCount(db, me(request)) }),
    columns: { bellCount: notifications.unreadCountColumn },
  })

  app.get('/notifications', async (request, reply) => {
    const items = await notifications.listFor(db, me(request), request.locale)
    return page(reply, 'discussions/notifications', {
      title: request.t('discussions.notifications.title'),
      notifications: items,
      anyUnread: items.some((item) => item.unread),
    })
  })

  /** The bell alone, for htmx (e.g. to refresh it); without htmx, the notifications page. */
  app.get('/notifications/bell', async (request, reply) => {
    if (!wantsFragment(request)) return reply.redirect('/notifications', 303)
    const bellCount = await notifications.unreadCount(db, me(request))
    return reply.fragment('layouts/_bell', { layout: { bellCount } })
  })

  app.get('/notifications/:id', { schema: { params: idParams } }, async (request, reply) => {
    const target = await notifications.open(db, clock, me(request), request.params.id)
    return reply.redirect(permalink(target.threadId, target.postId), 303)
  })

  app.post('/notifications/read', async (request, reply) => {
    await notifications.markAllRead(db, clock, me(request))
    if (!wantsFragment(request)) return reply.redirect('/notifications', 303)
    const items = await notifications.listFor(db, me(request), request.locale)
    return fragment(reply, 'discussions/_notification-list', {
      notifications: items,
      anyUnread: false,
      layout: { bellCount: 0 },
      oobBell: true,
    })
  })

  app.get('/mentions', { schema: { querystring: mentionQuery } }, async (request, reply) => {
    const q = (request.query.q ?? '').slice(0, limits.mentionQueryMax)
    const members = await notifications.suggest(db, q)
    if (wantsFragment(request)) return reply.fragment('discussions/_mention-results', { members, q })
    return page(reply, 'discussions/mentions', {
      title: request.t('discussions.mentions.title'),
      members,
      q,
      searched: q.trim() !== '',
    })
  })
}
