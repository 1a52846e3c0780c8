// What the second-factor tests share: an app whose clock the test moves, TOTP codes computed
// the way an authenticator app does, and enrolment through the pages.
import type { FastifyInstance } from 'fastify'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, expect } from 'vitest'
import { buildApp } from '../../src/app.ts'
import type { Clock } from '../../src/deps.ts'
import { createViewEngine } from '../../src/plugins/views.ts'
import type { Agent } from '../helpers/agent.ts'
import { testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

export interface MovableClock extends Clock {
  set(at: Date | number): void
  advance(ms: number): void
}

export function movableClock(start = Date.now()): MovableClock {
  let now = start
  return {
    now: () => new Date(now),
    set: (at) => {
      now = typeof at === 'number' ? at : at.getTime()
    },
    advance: (ms) => {
      now += ms
    },
  }
}

export interface ClockedApp {
  database: TestDatabase
  app: FastifyInstance
  clock: MovableClock
}

/** Like useTestApp, with a clock the test moves (the TOTP window, the 15 minutes of step-up). */
export function useClockedApp(): ClockedApp {
  const context = { clock: movableClock() } as ClockedApp
  beforeAll(async () => {
    context.database = await createTestDatabase()
    const config = testConfig()
    context.app = await buildApp({
      config,
      db: context.database.db,
      sessionSecret: config.sessionSecret!,
      clock: context.clock,
      render: createViewEngine(),
      logger: false,
    })
    await context.app.ready()
  })
  afterAll(async () => {
    await context.app?.close()
    await context.database?.drop()
  })
  return context
}

/** The code an authenticator app shows at `at` for the key from the enrolment page. */
export function codeAt(secretText: string, at: number): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secretText.replace(/\s/g, '')), digits: 6, period: 30 })
  return totp.generate({ timestamp: at })
}

/** The key the enrolment page shows for typing in by hand. */
export function keyOnPage(html: string): string {
  const key = html.match(/<code id="second-factor-key">([^<]+)<\/code>/)?.[1]
  if (!key) throw new Error('no key on the page')
  return key.replace(/\s/g, '')
}

export function recoveryCodesOnPage(html: string): string[] {
  return [...html.matchAll(/<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})<\/code><\/li>/g)].map(
    (m) => m[1]!,
  )
}

/** Enrols through the page at `page` (sign-in step or account page); returns key and recovery codes. */
export async function enrolThroughPage(
  agent: Agent,
  clock: Clock,
  page: string,
  action: string,
): Promise<{ key: string; codes: string[] }> {
  const form = await agent.get(page)
  expect(form.statusCode).toBe(200)
  const key = keyOnPage(form.body)
  const response = await agent.submit(page, action, { code: codeAt(key, clock.now().getTime()) })
  expect(response.statusCode).toBe(200)
  const codes = recoveryCodesOnPage(response.body)
  expect(codes).toHaveLength(10)
  return { key, codes }
}
