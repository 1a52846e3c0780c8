// The import rule (STYLE.md, "The next shape"): a feature may use what no feature owns
// (src/core, src/lib, src/db, src/i18n, src/plugins, deps.ts, config.ts) and, of another feature,
// only its public API, `<feature>.service.ts`: never its repository, routes or other internals.
// src/core imports no feature, and only src/server.ts builds the app (nothing imports app.ts).
// Type imports count: a type import ties modules together just the same.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')

interface Import {
  /** The specifier as written. */
  specifier: string
  line: number
}

/** Every static import, re-export, side-effect import and dynamic import() of a module. */
function importsOf(source: string): Import[] {
  const found: Import[] = []
  const patterns = [
    // import x from '…', import type { A } from '…', export { a } from '…', export * from '…' (any line breaks)
    /(?<![\w$.])(?:import|export)\s+(?:type\s+)?[\w$*{}\s,]*?\bfrom\s*(['"])([^'"]+)\1/g,
    // import '…' (for its side effects)
    /(?<![\w$.])import\s*(['"])([^'"]+)\1/g,
    // import('…'), await import('…')
    /(?<![\w$.])import\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  ]
  const code = withoutComments(source)
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const at = match.index + match[0].lastIndexOf(match[2]!)
      found.push({ specifier: match[2]!, line: code.slice(0, at).split('\n').length })
    }
  }
  return found.sort((a, b) => a.line - b.line)
}

/** Comments blanked out (line breaks kept, so line numbers stay right); strings left alone. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|(?<![:'"\w])\/\/[^\n]*/g, (comment) =>
    comment.replace(/[^\n]/g, ' '),
  )
}

const shared = ['src/core/', 'src/lib/', 'src/db/', 'src/i18n/', 'src/plugins/']
const sharedFiles = ['src/deps.ts', 'src/config.ts']

function featureOf(file: string): string | undefined {
  return /^src\/features\/([^/]+)\//.exec(file)?.[1]
}

/**
 * Why `from` may not import `to` (both paths relative to the repository, with /), or undefined
 * when it may.
 */
function ruleBroken(from: string, to: string): string | undefined {
  if (to === 'src/app.ts' && from !== 'src/server.ts') return 'only src/server.ts builds the app'
  const target = featureOf(to)
  if (from.startsWith('src/core/') && target) return 'core imports no feature'
  const feature = featureOf(from)
  if (!feature || !to.startsWith('src/')) return undefined
  if (target === feature) return undefined
  if (target) {
    return to === `src/features/${target}/${target}.service.ts`
      ? undefined
      : `a feature uses another only through its ${target}.service.ts`
  }
  if (shared.some((folder) => to.startsWith(folder)) || sharedFiles.includes(to)) return undefined
  return 'a feature imports only core, lib, db, i18n, plugins, deps.ts and config.ts'
}

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mts)$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}

/** Offending imports of the tree, as "file:line imports target (rule)". */
function offendingImports(): string[] {
  const offences: string[] = []
  for (const file of sourceFiles('src')) {
    for (const { specifier, line } of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))
      const broken = ruleBroken(file, target)
      if (broken) offences.push(`${file}:${line} imports ${target} (${broken})`)
    }
  }
  return offences
}

describe('the import rule', () => {
  it('finds imports of every form, on the right line, but none in comments', () => {
    const source = [
      "import { a } from './a.ts'",
      'import type {',
      '  B,',
      '  C,',
      "} from '../b/b.repository.ts'",
      "export { d } from './d.ts'",
      "export * from './e.ts'",
      "import './side-effect.ts'",
      "const f = await import('./f.ts')",
      "// import { g } from './g.ts'",
      "/* import { h } from './h.ts' */",
      "import x, { type Y } from 'package'",
      "const text = 'we import from here'",
    ].join('\n')
    expect(importsOf(source)).toEqual([
      { specifier: './a.ts', line: 1 },
      { specifier: '../b/b.repository.ts', line: 5 },
      { specifier: './d.ts', line: 6 },
      { specifier: './e.ts', line: 7 },
      { specifier: './side-effect.ts', line: 8 },
      { specifier: './f.ts', line: 9 },
      { specifier: 'package', line: 12 },
    ])
  })

  it('allows what the rule allows and names what it forbids', () => {
    const from = 'src/features/moderation/moderation.service.ts'
    for (const allowed of [
      'src/features/moderation/moderation.repository.ts',
      'src/features/accounts/accounts.service.ts',
      'src/core/audit/audit.ts',
      'src/lib/errors.ts',
      'src/db/database.ts',
      'src/i18n/index.ts',
      'src/plugins/views.ts',
      'src/deps.ts',
      'src/config.ts',
    ]) {
      expect(ruleBroken(from, allowed), allowed).toBeUndefined()
    }
    expect(ruleBroken(from, 'src/features/accounts/accounts.repository.ts')).toMatch(/accounts\.service\.ts/)
    expect(ruleBroken(from, 'src/features/accounts/passwords.ts')).toMatch(/accounts\.service\.ts/)
    expect(ruleBroken(from, 'src/features/accounts/sub/accounts.service.ts')).toBeDefined()
    expect(ruleBroken(from, 'src/app.ts')).toBe('only src/server.ts builds the app')
    expect(ruleBroken(from, 'src/logger.ts')).toBeDefined()
    expect(ruleBroken('src/core/audit/audit.ts', 'src/features/moderation/moderation.service.ts')).toBe(
      'core imports no feature',
    )
    expect(ruleBroken('src/cli.ts', 'src/app.ts')).toBeDefined()
    expect(ruleBroken('src/server.ts', 'src/app.ts')).toBeUndefined()
  })

  it('holds for every file in src/', () => {
    const offences = offendingImports()
    if (offences.length > 0)
      console.info(`import rule broken ${offences.length} times:\n${offences.join('\n')}`)
    expect(offences).toEqual([])
  })
})
