// pino options shared by the server and tests. Nothing secret or personal reaches the log:
// cookies, auth headers, passwords and tokens are redacted, URLs lose their token parts,
// and client addresses are not logged at all.
import type { FastifyRequest } from 'fastify'
import type { LoggerOptions } from 'pino'

const tokenParams = /([?&](?:token|t|sig|signature|next|email|q)=)[^&]*/gi

/** Strips tokens and search terms from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url
    .replace(tokenParams, '$1[redacted]')
    .replace(/\/(confirm|reset|invite|unsubscribe|reconfirm)\/[^/?]+/g, '/$1/[redacted]')
}

const secretFields = ['password', 'currentPassword', 'newPassword', 'token', 'sessionId', 'email', '_csrf']

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        // each secret field both at the top of a log object and one level down (e.g. body.password)
        ...secretFields.flatMap((field) => [field, `*.${field}`]),
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: redactUrl(request.url) }),
    },
  }
}
