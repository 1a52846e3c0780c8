import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { mentionedHandles, renderMarkdown } from '../../src/features/discussions/markdown.ts'
import { useTestApp } from '../helpers/app.ts'

describe('rendering posts', () => {
  it('renders CommonMark and keeps raw HTML as text', () => {
    const html = renderMarkdown('Hallo **Welt** <script>alert(1)</script> <b onclick="x()">b</b>')
    expect(html).toContain('<strong>Welt</strong>')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<b ')
    expect(html).toContain('&lt;script&gt;')
  })

  it('gives links rel="nofollow noopener noreferrer" and drops dangerous targets', () => {
    const html = renderMarkdown(
      '[a](https://example.org) https://linkify.example [x](javascript:alert(1)) [y](//evil.example)',
    )
    expect(html).toContain('<a href="https://example.org" rel="nofollow noopener noreferrer">a</a>')
    expect(html).toContain('href="https://linkify.example"')
    expect(html).not.toMatch(/href="javascript/)
    expect(html).not.toContain('//evil.example"')
  })

  it('never loads images: they become links', () => {
    const html = renderMarkdown(
      '![Zähler](https://tracker.example/pixel.png) <img src="https://x.example/a.png">',
    )
    expect(html).not.toContain('<img')
    expect(html).toContain(
      '<a href="https://tracker.example/pixel.png" class="image-link" rel="nofollow noopener noreferrer">[Zähler]</a>',
    )
  })

  it('keeps headings below the page headings and strips inline styles', () => {
    const html = renderMarkdown('# Eins\n\n## Zwei\n\n| a |\n|--:|\n| 1 |')
    expect(html).toContain('<h3>Eins</h3>')
    expect(html).toContain('<h4>Zwei</h4>')
    expect(html).not.toContain('style=')
  })

  it('never skips a heading level, whatever levels the author wrote', () => {
    const levels = (source: string) =>
      [...renderMarkdown(source).matchAll(/<h(\d)>/g)].map((m) => Number(m[1]))
    // A post starting at "###" starts at h3 (the page's posts sit under an h2).
    expect(levels('### Drei\n\n#### Vier')).toEqual([3, 4])
    // A jump down by two is closed up; going back up is always fine.
    expect(levels('# Eins\n\n### Drei\n\n## Zwei\n\n###### Sechs')).toEqual([3, 4, 4, 5])
    expect(levels('## A\n\n###### B\n\n###### C\n\n# D')).toEqual([3, 4, 4, 3])
    expect(renderMarkdown('#### Nur\n\nText')).toBe('<h3>Nur</h3>\n<p>Text</p>')
  })

  it('highlights only the mentions of known members, not e-mail addresses', () => {
    const html = renderMarkdown('Hallo @Erika_Muster und @Niemand, schreib an erika@stadt.de', [
      'erika_muster',
    ])
    expect(html).toContain('<strong class="mention">@Erika_Muster</strong>')
    expect(html).toContain('@Niemand')
    expect(html).not.toContain('<strong class="mention">@Niemand')
    expect(html).toContain('mailto:erika@stadt.de')
  })

  it('finds handles in the source', () => {
    expect(mentionedHandles('Hi @Erika_Muster, @bob. mail a@b.de @Erika_muster')).toEqual([
      'erika_muster',
      'bob',
    ])
  })
})

describe('posts stored before headings were mapped', () => {
  const setup = useTestApp()

  it('are re-levelled by the migration the way new posts are rendered', async () => {
    const relevel = async (html: string) =>
      (
        await sql<{ html: string }>`select discussions_relevel_headings(${html}) as html`.execute(
          setup.database.db,
        )
      ).rows[0]!.html
    // "##" was stored as h4 right below the page's h2.
    expect(await relevel('<h4>Zwei</h4>\n<p>a &lt;h4&gt; b</p>')).toBe('<h3>Zwei</h3>\n<p>a &lt;h4&gt; b</p>')
    expect(await relevel('<h3>Eins</h3><h5>Drei</h5><h4>Zwei</h4><h6>Sechs</h6>')).toBe(
      '<h3>Eins</h3><h4>Drei</h4><h4>Zwei</h4><h5>Sechs</h5>',
    )
    expect(await relevel('<p>ohne</p>')).toBe('<p>ohne</p>')
    // What the renderer makes now is left as it is.
    const rendered = renderMarkdown('# A\n\n## B\n\n#### C\n\n# D')
    expect(await relevel(rendered)).toBe(rendered)
  })
})
