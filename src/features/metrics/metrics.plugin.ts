// /metrics for Prometheus, outside the site scope (no session, no CSRF, no trust gate), and
// the request timing for it. Not public: it answers a caller on this machine (a direct
// loopback peer, not forwarded by a proxy) or one sending the configured METRICS_TOKEN as
// a bearer token. Everybody else gets the site's 404, exactly as for an unknown URL: /metrics
// is deliberately no route, so a refused request simply goes on to the not-found handler.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Db } from '../../db/database.ts'
import { createAppMetrics } from './metrics.ts'

export interface MetricsOptions {
  db: Db
  /** Bearer token that may read the metrics from anywhere (config METRICS_TOKEN). */
  token: string | undefined
}

export const metricsPath = '/metrics'

const forwardingHeaders = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const

function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  return address === '::1' || /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)
}

/** The TCP peer is this machine and no proxy on it says it forwards someone else. */
function isDirectLoopback(request: FastifyRequest): boolean {
  if (!isLoopbackAddress(request.raw.socket.remoteAddress)) return false
  return forwardingHeaders.every((name) => request.headers[name] === undefined)
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** Compares hashes of equal length, so neither the token's content nor its length leaks by timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const match = header ? /^Bearer ([^\s]+)$/i.exec(header) : null
  if (!match?.[1]) return false
  return timingSafeEqual(digest(match[1]), digest(token))
}

function mayReadMetrics(request: FastifyRequest, token: string | undefined): boolean {
  const header = request.headers.authorization
  if (header !== undefined) return token !== undefined && tokenMatches(header, token)
  return isDirectLoopback(request)
}

function isMetricsRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false
  const pathname = request.url.split('?')[0]
  return pathname === metricsPath || pathname === `${metricsPath}/`
}

export const metricsPlugin = fp(
  async (app, options: MetricsOptions) => {
    const metrics = createAppMetrics(options.db)
    const scrapes = new WeakSet<FastifyRequest>()

    app.addHook('onRequest', async (request, reply) => {
      if (!isMetricsRequest(request) || !mayReadMetrics(request, options.token)) return
      scrapes.add(request)
      const body = await metrics.text()
      return reply.code(200).header('cache-control', 'no-store').type(metrics.contentType).send(body)
    })

    app.addHook('onResponse', async (request, reply) => {
      let route = request.routeOptions.url
      if (scrapes.has(request)) route = metricsPath
      else if (request.is404 || !route) route = 'unmatched'
      metrics.observeRequest({
        method: request.method,
        route,
        status: reply.statusCode,
        seconds: reply.elapsedTime / 1000,
      })
    })
  },
  { name: 'metrics' },
)
