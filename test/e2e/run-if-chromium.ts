// `npm test` runs the browser tests too when Debian's Chromium is installed, and says clearly
// when it is not (exit code 0 then: the unit and integration tests decided the outcome).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const chromium = '/usr/bin/chromium'
if (!existsSync(chromium)) {
  console.log(`Browser tests skipped: ${chromium} not found (apt-get install chromium)`)
  process.exit(0)
}

const root = path.resolve(import.meta.dirname, '../..')
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs')
const child = spawn(
  process.execPath,
  [vitest, 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
)
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
