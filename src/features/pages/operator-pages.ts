// The operator's own pages: Impressum and Datenschutzerklärung may be written as Markdown files
// in the data folder (<dataDir>/pages/impressum.md, datenschutz.md, leichte-sprache.md); without
// a file, the page is built from the configuration. A file is read when it changed (its mtime),
// rendered and sanitised like a post, and kept in memory (per app instance, nothing that matters).
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Db } from '../../db/database.ts'
import { previewPost } from '../discussions/discussions.service.ts'

export const operatorPageNames = ['impressum', 'datenschutz', 'leichte-sprache'] as const
export type OperatorPageName = (typeof operatorPageNames)[number]

/** Largest Markdown file read (an operator's page, not a book). */
const maxBytes = 200_000

interface Cached {
  mtimeMs: number
  html: string
}

export function operatorPages(db: Db, dataDir: string) {
  const cache = new Map<OperatorPageName, Cached>()

  /** The page's HTML from its Markdown file, or undefined when there is no (readable) file. */
  async function html(name: OperatorPageName): Promise<string | undefined> {
    const file = path.join(dataDir, 'pages', `${name}.md`)
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile() || info.size > maxBytes) {
      cache.delete(name)
      return undefined
    }
    const cached = cache.get(name)
    if (cached && cached.mtimeMs === info.mtimeMs) return cached.html
    const source = await readFile(file, 'utf8').catch(() => undefined)
    if (source === undefined) return undefined
    const rendered = await previewPost(db, source)
    cache.set(name, { mtimeMs: info.mtimeMs, html: rendered })
    return rendered
  }

  return { html }
}
