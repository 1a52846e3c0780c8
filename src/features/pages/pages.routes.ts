import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { homePage } from '../discussions/discussions.service.ts'

/** The public scope's static pages: landing, about, accessibility statement, privacy; and home. */
export async function pagesRoutes(app: FastifyInstance, options: { config: Config; db: Db }) {
  const open = { config: { access: 'public' as const } }

  app.get('/', open, async (request, reply) => {
    // Verified members get the forum's home page: the newest threads and the categories.
    if (request.member?.status === 'verified') {
      const home = await homePage(options.db, request.member, request.locale)
      return reply.page('pages/home', { title: request.t('home.title'), ...home })
    }
    // Signed in but not (or no longer) verified: the status page, not the landing page's
    // "sign in / apply" (after signing in, an applicant lands here).
    if (request.member) return reply.redirect('/status', 303)
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
      retention: {
        unconfirmed: options.config.retentionUnconfirmedDays,
        rejected: options.config.retentionRejectedDays,
        mail: options.config.retentionMailDays,
      },
    }),
  )
}
