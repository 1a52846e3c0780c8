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

export function snippetParts(headline: string | null | undefined): SnippetPart[] {
  if (!headline) return []
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
