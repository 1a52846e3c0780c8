// `npm test`: the unit and integration tests, then the browser tests when Debian's Chromium is
// installed (and a clear line when it is not). Arguments (`npm test -- test/digests`) go to the
// first run only; the browser tests then stay out (`npm run test:e2e -- <filter>` runs those).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const chromium = '/usr/bin/chromium'
const root = path.resolve(import.meta.dirname, '../..')
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs')

function run(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', ...args], { cwd: root, stdio: 'inherit' })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

const args = process.argv.slice(2)
const unit = await run(args)
if (unit !== 0) process.exit(unit)
if (args.length > 0) {
  console.log('Browser tests not run: arguments were given (npm run test:e2e -- <filter> runs them).')
  process.exit(0)
}
if (!existsSync(chromium)) {
  console.log(`Browser tests skipped: ${chromium} not found (apt-get install chromium)`)
  process.exit(0)
}
process.exit(await run(['--config', 'vitest.e2e.config.ts']))
