import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The journeys first (they are what a reader looks at first), the digest last: a digest only
 * covers threads older than a minute, and by then the demo threads are.
 */
const order = ['journeys', 'discuss', 'keyboard', 'pages', 'digest']
class JourneysFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = order.findIndex((name) => file.moduleId.endsWith(`/${name}.test.ts`))
      return index === -1 ? order.length - 1 : index
    }
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId))
  }
}

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
    sequence: { sequencer: JourneysFirst },
  },
})
