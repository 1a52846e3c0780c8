// The admins' index page.
import type { FastifyInstance } from 'fastify'

export async function adminIndexRoutes(app: FastifyInstance) {
  app.get('/admin', { config: { access: 'admin' } }, async (request, reply) =>
    reply.page('moderation/admin', { title: request.t('layout.admin') }),
  )
}
