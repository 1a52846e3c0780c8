import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import type { Db } from '../../src/db/database.ts'
import { createViewEngine, type RenderView } from '../../src/plugins/views.ts'

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

export async function buildTestApp(db: Db, overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  sharedRender ??= createViewEngine()
  const config = testConfig(overrides)
  const app = await buildApp({
    config,
    db,
    sessionSecret: config.sessionSecret!,
    render: sharedRender,
    logger: false,
  })
  await app.ready()
  return app
}
