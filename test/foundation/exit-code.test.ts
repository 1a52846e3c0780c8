import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

describe('the test runner', () => {
  it('exits non-zero when a test fails, even with the embedded Postgres running', () => {
    const root = path.resolve(import.meta.dirname, '../..')
    const result = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        'test/fixtures/vitest.failing.config.ts',
      ],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      },
    )
    expect(result.stdout + result.stderr).toContain('fails on purpose')
    expect(result.status).toBe(1)
  }, 60_000)
})
