// Markdown (CommonMark) → safe HTML, once, when a post is written. The HTML is stored beside
// the source and printed unescaped, so everything that makes it safe happens here:
// no raw HTML, links get rel="nofollow noopener noreferrer", images are never loaded (they
// become links: a remote image would tell a third party who reads what).
import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

/** A member handle as written after "@": letters, digits and _ . - (not at the end). */
export const handlePattern = /^@([\p{L}\p{N}](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}])?)/u
const mentionBefore = /[\p{L}\p{N}_@/.]/u

/** Every @handle in a text, lower-cased, without duplicates (code is not skipped: harmless). */
export function mentionedHandles(source: string): string[] {
  const found = new Set<string>()
  const pattern = /(^|[^\p{L}\p{N}_@/.])@([\p{L}\p{N}](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}])?)/gu
  for (const match of source.matchAll(pattern)) {
    if (match[2]) found.add(match[2].toLowerCase())
    if (found.size >= 50) break
  }
  return [...found]
}

type RenderEnv = Record<string, unknown> & { mentions?: ReadonlySet<string> }

// The default preset is CommonMark plus tables and strikethrough; raw HTML stays text.
const md = new MarkdownIt('default', { html: false, linkify: true, typographer: false })

// @handle of a known member → <strong class="mention">@Handle</strong>.
md.inline.ruler.before('emphasis', 'mention', (state, silent) => {
  if (state.src.charCodeAt(state.pos) !== 0x40 /* @ */) return false
  const env = state.env as RenderEnv
  if (!env.mentions || env.mentions.size === 0) return false
  const before = state.pos > 0 ? state.src[state.pos - 1] : ''
  if (before && mentionBefore.test(before)) return false
  const match = handlePattern.exec(state.src.slice(state.pos, state.posMax))
  if (!match?.[1] || !env.mentions.has(match[1].toLowerCase())) return false
  if (!silent) {
    const token = state.push('mention', '', 0)
    token.content = match[1]
  }
  state.pos += match[0].length
  return true
})
// Headings inside a post sit below the page's own: every page that shows a post has an h2
// before it, so a post's headings start at h3 and never skip a level (axe's heading-order).
// A heading goes one level below the nearest earlier heading the author wrote at a higher
// level (an outline, as a stack), so "#"/"##" become h3/h4 and a post that starts at "###"
// starts at h3 too.
export const postHeadingBase = 3
md.core.ruler.push('post_headings', (state) => {
  const outline: { written: number; level: number }[] = []
  let open: { tag: string } | undefined
  for (const token of state.tokens) {
    if (token.type === 'heading_close' && open) token.tag = open.tag
    if (token.type !== 'heading_open') continue
    const written = Number(token.tag.slice(1))
    while (outline.length > 0 && outline[outline.length - 1]!.written >= written) outline.pop()
    const parent = outline[outline.length - 1]
    const level = Math.min(parent ? parent.level + 1 : postHeadingBase, 6)
    outline.push({ written, level })
    token.tag = `h${level}`
    open = token
  }
  return true
})

md.renderer.rules.mention = (tokens, index) =>
  `<strong class="mention">@${md.utils.escapeHtml(tokens[index]?.content ?? '')}</strong>`

// Images are never embedded: a link to the image with its description instead.
md.renderer.rules.image = (tokens, index, options, env, self) => {
  const token = tokens[index]
  if (!token) return ''
  const src = String(token.attrGet('src') ?? '')
  const alt = String(self.renderInlineAsText(token.children ?? [], options, env) || src)
  return `<a href="${md.utils.escapeHtml(src)}" class="image-link">[${md.utils.escapeHtml(alt)}]</a>`
}

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    's',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'rel', 'class'],
    ol: ['start'],
    code: ['class'],
    strong: ['class'],
  },
  allowedClasses: { a: ['image-link'], code: ['language-*'], strong: ['mention'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'nofollow noopener noreferrer' },
    }),
    img: (_tagName, attribs) => ({ tagName: 'a', attribs: { href: attribs.src ?? '' } }),
  },
}

/** Renders Markdown to sanitised HTML; `mentions` are the lower-cased handles to highlight. */
export function renderMarkdown(source: string, mentions: Iterable<string> = []): string {
  const env: RenderEnv = { mentions: new Set(mentions) }
  return sanitizeHtml(md.render(source, env), sanitizeOptions).trim()
}
