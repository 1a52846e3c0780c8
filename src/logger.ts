// pino options shared by the server and tests. Nothing secret or personal reaches the log:
// cookies, auth headers, passwords and tokens are redacted, URLs lose their token parts,
// and client addresses are not logged at all.
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import pino, { type DestinationStream, type LoggerOptions } from 'pino'
import type { Config } from './config.ts'

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

/**
 * One line per request, when it is answered (method, URL, status, time), instead of Fastify's
 * two (one on arrival, one on answer): the second line cost about 2.5 % of a page's CPU.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}

export interface LogStream {
  /** Where the process's log lines go (stdout, or a pretty-printer in front of it). */
  stream: DestinationStream
  pretty: boolean
}

/**
 * JSON lines to stdout, written asynchronously: lines written while the process is busy go out
 * together (a synchronous write per line cost about 8 % of a thread page's CPU); pino flushes
 * what is left when the process exits.
 */
const jsonLines = () => pino.destination({ dest: 1, sync: false })

/** pretty for development on a terminal (or LOG_FORMAT=pretty), JSON everywhere else. */
function wantsPretty(config: Pick<Config, 'env' | 'logFormat'>): boolean {
  if (config.logFormat !== 'auto') return config.logFormat === 'pretty'
  return config.env === 'development' && process.stdout.isTTY === true
}

/**
 * Readable lines for a developer: time, level, message, one line per request. pino-pretty is a
 * development tool, so it is loaded only when wanted and only if installed; production keeps JSON.
 */
export async function createLogStream(config: Pick<Config, 'env' | 'logFormat'>): Promise<LogStream> {
  if (!wantsPretty(config)) return { stream: jsonLines(), pretty: false }
  try {
    const { default: pretty } = await import('pino-pretty')
    const stream = pretty({
      colorize: process.stdout.isTTY === true && !process.env.NO_COLOR,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,reqId,req,res,responseTime',
      singleLine: true,
      sync: true,
      messageFormat: (log, messageKey) => requestLine(log) ?? String(log[messageKey] ?? ''),
    })
    return { stream, pretty: true }
  } catch {
    return { stream: jsonLines(), pretty: false }
  }
}

/** The pretty form of a request's line ("GET /about → 200 in 3 ms"); undefined for other lines. */
export function requestLine(log: Record<string, unknown>): string | undefined {
  const request = log.req as { method?: string; url?: string } | undefined
  const response = log.res as { statusCode?: number } | undefined
  const errored = log.msg === 'request errored'
  if ((log.msg === 'request completed' || errored) && request && response) {
    const line = `${request.method} ${request.url} → ${response.statusCode} in ${Math.round(Number(log.responseTime ?? 0))} ms`
    if (!errored) return line
    const error = log.err as { message?: string } | undefined
    return `${line}, the response failed: ${error?.message ?? 'unknown error'}`
  }
  return undefined
}
