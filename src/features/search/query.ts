// What a member typed, as search terms: words, "phrases", -exclusions and or/oder between
// terms. Any input is accepted; what cannot be a term is dropped. The database turns each term
// into a tsquery with the index's own folding and stemming (search_*_query in the migration),
// so nothing typed ever reaches the tsquery parser as syntax.
export const queryLimits = {
  /** Longer input is cut at a word boundary (and the page says so). */
  maxLength: 200,
  /** Terms beyond this are ignored (and the page says so). */
  maxTerms: 12,
} as const

export interface SearchTerm {
  kind: 'word' | 'phrase'
  text: string
  /** The last word is also matched as the beginning of a longer word (typing in progress). */
  prefix: boolean
}

export interface ParsedQuery {
  /** Every group must match; a group matches when any of its terms does ("a b oder c" = a and (b or c)). */
  groups: SearchTerm[][]
  excluded: SearchTerm[]
  /** The input was longer than the limits and was cut. */
  shortened: boolean
}

const orWords = new Set(['or', 'oder', '|'])

type Item = { or: true } | { term: SearchTerm; negated: boolean }

function cut(raw: string): { text: string; shortened: boolean } {
  const text = raw.replace(/\s+/g, ' ').trim()
  if (text.length <= queryLimits.maxLength) return { text, shortened: false }
  const head = text.slice(0, queryLimits.maxLength)
  const space = head.lastIndexOf(' ')
  return { text: space > queryLimits.maxLength / 2 ? head.slice(0, space) : head, shortened: true }
}

export function parseQuery(raw: string): ParsedQuery {
  const { text, shortened: cutShort } = cut(raw)
  const items: Item[] = []
  let termCount = 0
  let tooMany = false
  // A phrase in quotes (an unclosed quote runs to the end), or a run of anything else.
  for (const match of text.matchAll(/(-?)"([^"]*)(?:"|$)|([^\s"]+)/g)) {
    const [, minus, phrase, word] = match
    let item: Item | undefined
    if (phrase !== undefined) {
      const words = phrase.trim()
      if (/[\p{L}\p{N}]/u.test(words))
        item = { term: { kind: 'phrase', text: words, prefix: false }, negated: minus === '-' }
    } else if (word !== undefined) {
      if (orWords.has(word.toLowerCase())) item = { or: true }
      else if (word.startsWith('-') && word.length > 1)
        item = { term: { kind: 'word', text: word.slice(1), prefix: false }, negated: true }
      else if (/[\p{L}\p{N}]/u.test(word))
        item = { term: { kind: 'word', text: word, prefix: false }, negated: false }
    }
    if (!item) continue
    if ('term' in item) {
      if (termCount === queryLimits.maxTerms) {
        tooMany = true
        break
      }
      termCount++
    }
    items.push(item)
  }

  const groups: SearchTerm[][] = []
  const excluded: SearchTerm[] = []
  let joinNext = false
  let lastPositive: SearchTerm | undefined
  for (const [index, item] of items.entries()) {
    if ('or' in item) {
      // "or" joins the terms on both sides; at the start or end it means nothing.
      joinNext = groups.length > 0 && !('or' in (items[index - 1] ?? { or: true }))
      continue
    }
    if (item.negated) {
      excluded.push(item.term)
      joinNext = false
      continue
    }
    if (joinNext) groups.at(-1)!.push(item.term)
    else groups.push([item.term])
    joinNext = false
    lastPositive = item.term
  }
  // The last word may still be being typed: it also matches as the start of a longer word.
  const lastItem = items.at(-1)
  if (lastPositive?.kind === 'word' && lastItem && 'term' in lastItem && lastItem.term === lastPositive)
    lastPositive.prefix = true
  return { groups, excluded, shortened: cutShort || tooMany }
}

/** Nothing to search for: no positive term at all (exclusions alone would match everything). */
export function isEmptyQuery(query: ParsedQuery): boolean {
  return query.groups.length === 0
}

/**
 * The terms as the database's search_query() takes them (migrations/sql/search/search-query.v1.sql):
 * parallel arrays of kind ('word', 'prefix' or 'phrase'), text and group (1, 2, … for the
 * groups that must all match, 0 for exclusions).
 */
export interface QueryTerms {
  kinds: string[]
  texts: string[]
  groups: number[]
}

export function queryTerms(query: ParsedQuery): QueryTerms {
  const terms: QueryTerms = { kinds: [], texts: [], groups: [] }
  const add = (term: SearchTerm, group: number) => {
    terms.kinds.push(term.kind === 'phrase' ? 'phrase' : term.prefix ? 'prefix' : 'word')
    terms.texts.push(term.text)
    terms.groups.push(group)
  }
  query.groups.forEach((group, index) => {
    for (const term of group) add(term, index + 1)
  })
  for (const term of query.excluded) add(term, 0)
  return terms
}
