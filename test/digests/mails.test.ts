import { describe, expect, it } from 'vitest'
import { excerptOf } from '../../src/features/digests/digests.mails.ts'

describe('excerpts for mail', () => {
  it('turns sanitised post HTML into short plain text', () => {
    expect(excerptOf('<p>Erster &amp; <strong>zweiter</strong></p><ul><li>Punkt</li></ul>')).toBe(
      'Erster & zweiter Punkt',
    )
    expect(excerptOf('<p>a &lt;b&gt; &quot;c&quot; &#39;d&#39;</p>')).toBe('a <b> "c" \'d\'')
    expect(excerptOf(null)).toBe('')
  })

  it('cuts at a word boundary and drops a tag cut off by the length limit', () => {
    const long = `<p>${'Wort '.repeat(100)}</p>`
    const excerpt = excerptOf(long, 50)
    expect(excerpt.length).toBeLessThanOrEqual(52)
    expect(excerpt.endsWith(' …')).toBe(true)
    expect(excerptOf('<p>Text</p><a href="https://example.org/very')).toBe('Text')
  })
})
