import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll } from 'vitest'
import { type AppDeps, buildApp } from '../../src/app.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import type { Db } from '../../src/db/database.ts'
import { createViewEngine, type RenderView } from '../../src/plugins/views.ts'
import { createTestDatabase, type TestDatabase } from './db.ts'

let sharedRender: RenderView | undefined

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BASE_URL: 'http://forum.test',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    RUN_WORKER: 'false',
    ...overrides,
  })
}

export interface TestAppOptions {
  /** Test-only routes, registered inside the site scope (sessions, CSRF, views, errors, trust gate). */
  extraRoutes?: AppDeps['extraRoutes']
  /** Capture the log (set LOG_LEVEL in the overrides; the default is silent). */
  loggerStream?: AppDeps['loggerStream']
}

export async function buildTestApp(
  db: Db,
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<FastifyInstance> {
  sharedRender ??= createViewEngine()
  const config = testConfig(overrides)
  const app = await buildApp({
    config,
    db,
    sessionSecret: config.sessionSecret!,
    render: sharedRender,
    logger: options.loggerStream !== undefined,
    loggerStream: options.loggerStream,
    extraRoutes: options.extraRoutes,
  })
  await app.ready()
  return app
}

export interface TestAppContext {
  database: TestDatabase
  app: FastifyInstance
}

/**
 * The usual set-up of a test file: its own database and an app on it, both gone after the
 * file. The returned object is filled in beforeAll.
 */
export function useTestApp(
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): TestAppContext {
  const context = {} as TestAppContext
  beforeAll(async () => {
    context.database = await createTestDatabase()
    context.app = await buildTestApp(context.database.db, overrides, options)
  })
  afterAll(async () => {
    await context.app?.close()
    await context.database?.drop()
  })
  return context
}
