import fp from 'fastify-plugin'
import type { Locale } from '../db/schema.ts'
import { localeFromHeader, type Params, translate } from '../i18n/index.ts'

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale
    t(key: string, params?: Params): string
  }
}

/** The member's language setting wins (set by the access plugin); else Accept-Language; else German. */
export const i18nPlugin = fp(
  async (app) => {
    app.decorateRequest('locale', 'de')
    app.decorateRequest('t', function (this: { locale: Locale }, key: string, params?: Params) {
      return translate(this.locale, key, params)
    })
    app.addHook('onRequest', async (request) => {
      request.locale = localeFromHeader(request.headers['accept-language'])
    })
  },
  { name: 'i18n' },
)
