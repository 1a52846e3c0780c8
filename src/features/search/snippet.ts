// Snippets: ts_headline marks the matching words of the stored plain text with two private-use
// characters (which are removed from the text before, so no post can fake them); here the
// text is cut into parts, and the template prints each part escaped, the marked ones in <mark>.
// No snippet is ever HTML from the database.

export const markStart = '\uE001'
export const markEnd = '\uE002'

export interface SnippetPart {
  text: string
  mark: boolean
}

/** Markdown's marks and link targets are left out of a passage; the words stay. */
function plain(text: string): string {
  return text
    .replace(/\]\([^)\s]*\)/g, ']')
    .replace(/[*_`#>~|[\]]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

export function snippetParts(headline: string | null | undefined): SnippetPart[] {
  if (!headline) return []
  headline = plain(headline)
  const parts: SnippetPart[] = []
  let marked = false
  let current = ''
  const flush = () => {
    if (current) parts.push({ text: current, mark: marked })
    current = ''
  }
  for (const character of headline) {
    if (character === markStart || character === markEnd) {
      flush()
      marked = character === markStart
    } else {
      current += character
    }
  }
  flush()
  return parts
}
