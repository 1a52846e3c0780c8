// The query parser: what a member types becomes terms, never tsquery syntax.
import { describe, expect, it } from 'vitest'
import { isEmptyQuery, parseQuery, queryLimits } from '../../src/features/search/query.ts'

const words = (raw: string) => parseQuery(raw).groups.map((group) => group.map((term) => term.text))

describe('parseQuery', () => {
  it('and-s words, or-s across oder/or, keeps phrases and exclusions apart', () => {
    expect(words('chatbot bürgeranfragen')).toEqual([['chatbot'], ['bürgeranfragen']])
    expect(words('chatbot kontakt oder formular')).toEqual([['chatbot'], ['kontakt', 'formular']])
    expect(words('a OR b or c')).toEqual([['a', 'b', 'c']])
    const parsed = parseQuery('"digitale verwaltung" -papier -"alte akten" ki')
    expect(parsed.groups).toEqual([
      [{ kind: 'phrase', text: 'digitale verwaltung', prefix: false }],
      [{ kind: 'word', text: 'ki', prefix: true }],
    ])
    expect(parsed.excluded.map((term) => term.text)).toEqual(['papier', 'alte akten'])
  })

  it('matches only the last word as a beginning, not a closed phrase or an exclusion', () => {
    expect(parseQuery('chat bot').groups.map((g) => g[0]!.prefix)).toEqual([false, true])
    expect(parseQuery('chat "bot"').groups.map((g) => g[0]!.prefix)).toEqual([false, false])
    // The word being typed is the exclusion: "chat" is complete.
    expect(parseQuery('chat -bot').groups.map((g) => g[0]!.prefix)).toEqual([false])
  })

  it('ignores or at either end, lone operators and punctuation', () => {
    expect(words('or chatbot or')).toEqual([['chatbot']])
    expect(words('- & | " ( )')).toEqual([])
    expect(isEmptyQuery(parseQuery('-nur -ausschluss'))).toBe(true)
    expect(words('"unclosed phrase')).toEqual([['unclosed phrase']])
  })

  it('cuts very long input and many terms, and says so', () => {
    const long = parseQuery('wort '.repeat(300))
    expect(long.shortened).toBe(true)
    expect(long.groups.length).toBe(queryLimits.maxTerms)
    expect(parseQuery('x'.repeat(1024)).shortened).toBe(true)
    expect(parseQuery('kurz').shortened).toBe(false)
  })
})
