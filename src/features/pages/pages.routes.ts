import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'

/** The public scope's static pages: landing, about, accessibility statement, privacy. */
export async function pagesRoutes(app: FastifyInstance, options: { config: Config }) {
  const open = { config: { access: 'public' as const } }

  app.get('/', open, async (request, reply) => {
    if (request.member?.status === 'verified')
      return reply.page('pages/home', { title: request.t('home.title') })
    return reply.page('pages/landing', {})
  })

  app.get('/about', open, async (request, reply) =>
    reply.page('pages/about', { title: request.t('about.title') }),
  )

  app.get('/accessibility', open, async (request, reply) =>
    reply.page('pages/accessibility', {
      title: request.t('a11y.title'),
      contactEmail: options.config.contactEmail,
    }),
  )

  app.get('/privacy', open, async (request, reply) =>
    reply.page('pages/privacy', {
      title: request.t('privacy.title'),
      contactEmail: options.config.contactEmail,
    }),
  )
}
