import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { homePage } from '../discussions/discussions.service.ts'
import { draftMaxAgeDays } from '../drafts/drafts.service.ts'
import { operatorPages } from './operator-pages.ts'

/**
 * The public scope's pages: landing, about, accessibility statement, privacy, the operator's
 * Impressum, the explanations in Leichte Sprache and in sign language; and home.
 */
export async function pagesRoutes(app: FastifyInstance, options: { config: Config; db: Db }) {
  const open = { config: { access: 'public' as const } }
  const { config } = options
  const operator = operatorPages(options.db, config.dataDir)

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
      operatorHtml: await operator.html('datenschutz'),
      contactEmail: options.config.contactEmail,
      retention: {
        unconfirmed: options.config.retentionUnconfirmedDays,
        rejected: options.config.retentionRejectedDays,
        mail: options.config.retentionMailDays,
        drafts: draftMaxAgeDays,
      },
    }),
  )

  app.get('/impressum', open, async (request, reply) =>
    reply.page('pages/impressum', {
      title: request.t('imprint.title'),
      operatorHtml: await operator.html('impressum'),
      imprint: config.imprint,
      configured: config.imprint.name !== '' && config.imprint.address.length > 0,
      contactEmail: config.contactEmail,
    }),
  )

  app.get('/leichte-sprache', open, async (request, reply) =>
    reply.page('pages/easy-language', {
      title: request.t('easy.title'),
      operatorHtml: await operator.html('leichte-sprache'),
      supportEmail: config.supportEmail,
    }),
  )

  app.get('/gebaerdensprache', open, async (request, reply) =>
    reply.page('pages/sign-language', {
      title: request.t('sign.title'),
      videoUrl: config.signLanguageVideoUrl,
    }),
  )
}
