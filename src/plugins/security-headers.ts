import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

/**
 * Strict headers for every response. The CSP allows only our own origin: no inline script,
 * no eval, no inline styles (htmx is configured not to inject its indicator styles).
 */
export const securityHeadersPlugin = fp(
  async (app, options: { hsts: boolean }) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          manifestSrc: ["'self'"],
        },
      },
      strictTransportSecurity: options.hsts ? { maxAge: 63072000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
      frameguard: { action: 'deny' },
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-origin' },
      crossOriginOpenerPolicy: { policy: 'same-origin' },
    })
    app.addHook('onSend', async (_request, reply) => {
      reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()')
    })
  },
  { name: 'security-headers' },
)
