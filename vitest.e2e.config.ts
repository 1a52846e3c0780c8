import { defineConfig } from 'vitest/config'

// Browser tests: one real server for the run (test/e2e/global-setup.ts), one Chromium per file.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    pool: 'forks',
    // The server, its Postgres and Chromium already share the two cores: one file at a time.
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A failing journey leaves the next one with a changed forum; no retries that hide that.
    retry: 0,
  },
})
