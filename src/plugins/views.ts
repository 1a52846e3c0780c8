// One rendering path for every route: reply.page() for a full page, reply.fragment() for
// the part htmx asked for, both from the same templates. Templates are compiled once at start.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import Handlebars from 'handlebars'
import type { SessionColumn } from '../core/sessions/session-store.ts'
import { translate } from '../i18n/index.ts'
import type { FieldErrors } from '../lib/errors.ts'

export const viewsFolder = path.resolve(import.meta.dirname, '../../views')

type Template = Handlebars.TemplateDelegate
export type ViewData = Record<string, unknown> & { title?: string; errors?: FieldErrors }

/**
 * Data the layout shows on every full page of a verified member (the bell's count, later
 * badges), loaded once per page by the feature that owns it. A page that has it already
 * passes it as `layout` in its data, and the loader is skipped.
 */
export interface LayoutData {
  keys: readonly string[]
  load(request: FastifyRequest): Promise<Record<string, unknown>>
  /**
   * The same figures as SQL over the signed-in member, one per key: then they are read in the
   * statement that loads the session (no round trip of their own), and load() only runs when
   * that did not happen. Only for figures a request does not change before it renders.
   */
  columns?: Readonly<Record<string, SessionColumn['value']>>
}

declare module 'fastify' {
  interface FastifyInstance {
    addLayoutData(provider: LayoutData): void
    /** Adds a helper to the templates (see ViewHelper). */
    addViewHelper(name: string, helper: ViewHelper): void
    /** The layout figures the session store reads with the session (see LayoutData.columns). */
    layoutColumns(): readonly SessionColumn[]
  }
  interface FastifyReply {
    page(view: string, data?: ViewData): FastifyReply
    fragment(view: string, data?: ViewData): FastifyReply
    /** The fragment when htmx asked for this region, else the full page. */
    pageOrFragment(view: string, fragment: string, data?: ViewData): FastifyReply
  }
}

/** htmx asked for a region (not a boosted navigation or a history restore). */
export function wantsFragment(request: FastifyRequest): boolean {
  const headers = request.headers
  return (
    headers['hx-request'] === 'true' &&
    headers['hx-boosted'] !== 'true' &&
    headers['hx-history-restore-request'] !== 'true'
  )
}

function listTemplates(folder: string, prefix = ''): [string, string][] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry): [string, string][] => {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) return listTemplates(path.join(folder, entry.name), name)
    if (!entry.name.endsWith('.hbs')) return []
    return [[name.slice(0, -'.hbs'.length), readFileSync(path.join(folder, entry.name), 'utf8')]]
  })
}

const dateFormats = {
  date: { dateStyle: 'medium' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
} as const

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatDate(value: unknown, locale: string, style: keyof typeof dateFormats): string {
  if (value === null || value === undefined || value === '') return ''
  const date = value instanceof Date ? value : new Date(String(value))
  if (Number.isNaN(date.getTime())) return ''
  const key = `${locale}:${style}`
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'de-DE', {
      ...dateFormats[style],
      timeZone: 'Europe/Berlin',
    })
    formatters.set(key, formatter)
  }
  return formatter.format(date)
}

interface HelperData {
  root?: Record<string, unknown>
  /** The bytes of cached parts of the page being rendered with parts (see assemble). */
  parts?: Buffer[]
}

/** What a feature's view helper gets: the page's data and its partials. */
export interface ViewTools {
  root: Record<string, unknown>
  /** A partial's HTML for `context`. */
  partial(name: string, context: unknown): string
  /** A partial's HTML for `context`, cached by `key` as the `cached` helper does. */
  cached(name: string, key: readonly unknown[], context: unknown): string
  escape(text: string): string
}

/**
 * A helper a feature adds ({{{name args…}}}): HTML from its arguments, in code where a template
 * would cost too much per item (e.g. the hundreds of posts of a thread page).
 */
export type ViewHelper = (view: ViewTools, ...args: never[]) => string

/** Entries of the `cached` helper (about 1 KB each for a post). */
const cachedMax = 20_000

export function createViewEngine(folder = viewsFolder) {
  const hbs = Handlebars.create()
  const localeOf = (options: Handlebars.HelperOptions): 'de' | 'en' => options.data?.root?.locale ?? 'de'
  hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    return translate(localeOf(options), key, options.hash)
  })
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''))
  hbs.registerHelper('not', (a: unknown) => !a)
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean))
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean))
  hbs.registerHelper('date', (value: unknown, options: Handlebars.HelperOptions) =>
    formatDate(value, localeOf(options), 'date'),
  )
  hbs.registerHelper('datetime', (value: unknown, options: Handlebars.HelperOptions) =>
    formatDate(value, localeOf(options), 'datetime'),
  )
  /** The current value of a form field: what the person typed, else the given default. */
  hbs.registerHelper(
    'field',
    (values: Record<string, unknown> | undefined, name: string) => values?.[name] ?? '',
  )

  // {{{cached "partial" key…}}}: the partial's HTML for this context, rendered once per locale and
  // key, then reused (for what is the same for every reader, e.g. an ordinary post; the key must
  // name everything the partial shows). A cache, not state: bounded, and any instance may miss.
  // It keeps the HTML as UTF-8 bytes: a page rendered with parts (page(), fragment()) gets a
  // marker in its text instead, and the bytes go out as they are, never copied into the page's
  // string and encoded again (on a thread page they are most of its bytes).
  const cache = new Map<string, Buffer>()
  function cached(name: string, key: readonly unknown[], context: unknown, data: HelperData): string {
    const fullKey = `${name}\u0000${data.root?.locale ?? 'de'}\u0000${key.join('\u0000')}`
    let bytes = cache.get(fullKey)
    if (bytes === undefined) {
      // Rendered without parts: what is kept must be whole HTML, never markers of this page.
      bytes = Buffer.from((hbs.partials[name] as Template)(context, { data: { ...data, parts: undefined } }))
      if (cache.size >= cachedMax) cache.clear()
      cache.set(fullKey, bytes)
    }
    if (!data.parts) return bytes.toString()
    data.parts.push(bytes)
    return `${partMarker}${data.parts.length - 1}\u0000`
  }
  hbs.registerHelper('cached', function (this: unknown, name: string, ...args: unknown[]) {
    const options = args.pop() as Handlebars.HelperOptions
    return new hbs.SafeString(cached(name, args, this, options.data))
  })

  /** What a feature's helper may print: partials (cached or not) in the page being rendered. */
  function toolsFor(data: HelperData): ViewTools {
    return {
      root: data.root ?? {},
      partial: (name, context) => (hbs.partials[name] as Template)(context, { data }),
      cached: (name, key, context) => cached(name, key, context, data),
      escape: (text) => hbs.escapeExpression(text),
    }
  }
  /** A helper of a feature, for what a template would print at too high a cost (see ViewHelper). */
  function addHelper(name: string, helper: ViewHelper): void {
    hbs.registerHelper(name, (...args: unknown[]) => {
      const options = args.pop() as Handlebars.HelperOptions
      return new hbs.SafeString(helper(toolsFor(options.data), ...(args as never[])))
    })
  }

  const templates = new Map<string, Template>()
  for (const [name, source] of listTemplates(folder)) {
    const template = hbs.compile(source, { strict: false, preventIndent: true })
    templates.set(name, template)
    if (path.basename(name).startsWith('_')) hbs.registerPartial(name, template)
  }
  // Compile everything now rather than on first request.
  for (const template of templates.values()) {
    try {
      template({}, { data: { root: { locale: 'de' } } })
    } catch {
      // rendering with empty data may fail; compilation has happened by then
    }
  }

  function template(name: string): Template {
    const found = templates.get(name)
    if (!found) throw new Error(`unknown view: ${name}`)
    return found
  }
  /** A view's complete HTML. */
  function render(name: string, data: Record<string, unknown>): string {
    return template(name)(data, { data: { root: data } })
  }
  /** A view's HTML with markers where cached parts go; the parts are added to `parts`. */
  function renderWithParts(name: string, data: Record<string, unknown>, parts: Buffer[]): string {
    return template(name)(data, { data: { root: data, parts } })
  }
  return Object.assign(render, { withParts: renderWithParts, addHelper })
}

/**
 * Marks a cached part in a view's text: the marker, the part's index, NUL. Random per process, so
 * that no text in a page (member text is stored without NUL anyway) can look like one.
 */
const partMarker = `\u0000${randomBytes(8).toString('hex')}:`

/** The bytes of a page rendered with parts: its text around the markers, and the parts in their places. */
export function assemble(html: string, parts: readonly Buffer[]): Buffer {
  if (parts.length === 0) return Buffer.from(html)
  const pieces = html.split(partMarker)
  const chunks: Buffer[] = [Buffer.from(pieces[0]!)]
  for (let i = 1; i < pieces.length; i++) {
    const piece = pieces[i]!
    const end = piece.indexOf('\u0000')
    chunks.push(parts[Number(piece.slice(0, end))]!, Buffer.from(piece.slice(end + 1)))
  }
  return Buffer.concat(chunks)
}

export type RenderView = ReturnType<typeof createViewEngine>

function takeFlash(request: FastifyRequest): string | undefined {
  const message = request.session?.flash
  if (message) delete request.session.flash
  return message
}

function translateErrors(locale: 'de' | 'en', errors: FieldErrors | undefined) {
  if (!errors || Object.keys(errors).length === 0) return undefined
  const messages: Record<string, string> = {}
  const list: { field: string; message: string }[] = []
  for (const [field, error] of Object.entries(errors)) {
    const message = translate(locale, error.key, error.params)
    messages[field] = message
    // The summary names the field, so that a list of links says where each problem is.
    list.push({ field, message: error.label ? `${translate(locale, error.label)}: ${message}` : message })
  }
  return { messages, list }
}

export const viewsPlugin = fp(
  async (app, options: { render: RenderView }) => {
    const { render } = options
    const layoutProviders: LayoutData[] = []
    const sessionColumns: SessionColumn[] = []
    app.decorate('addLayoutData', (provider: LayoutData) => {
      layoutProviders.push(provider)
      for (const [key, value] of Object.entries(provider.columns ?? {})) sessionColumns.push({ key, value })
    })
    app.decorate('layoutColumns', () => sessionColumns)
    app.decorate('addViewHelper', (name: string, helper: ViewHelper) => render.addHelper(name, helper))

    /**
     * The layout data of this page: what the page passed, over what was read with the session;
     * a promise when a provider still has to load some, undefined when there is no layout.
     */
    function layoutFor(
      reply: FastifyReply,
      data: ViewData,
    ): Record<string, unknown> | Promise<Record<string, unknown>> | undefined {
      if (data.errorPage || reply.request.member?.status !== 'verified') return data.layout as undefined
      const given = {
        ...(reply.request.session?.loadedLayout ?? {}),
        ...((data.layout ?? {}) as Record<string, unknown>),
      }
      const missing = layoutProviders.filter((p) => p.keys.some((key) => !(key in given)))
      if (missing.length === 0) return given
      return Promise.all(missing.map((p) => p.load(reply.request))).then((parts) =>
        Object.assign({}, ...parts, given),
      )
    }

    function viewData(reply: FastifyReply, data: ViewData): Record<string, unknown> {
      const request = reply.request
      const errors = translateErrors(request.locale, data.errors)
      const title =
        errors && data.title
          ? translate(request.locale, 'form.errorTitle', { title: data.title })
          : data.title
      const context: Record<string, unknown> = {
        ...data,
        title,
        errors: errors?.messages,
        errorList: errors?.list,
        locale: request.locale,
        member: request.member,
        path: request.url.split('?')[0],
      }
      // Only pages that show a form ask for a token: readers of public pages get no CSRF cookie.
      // One token per page, made on first use (each costs an HMAC; a thread page has many forms).
      let token: string | undefined
      Object.defineProperty(context, 'csrfToken', {
        enumerable: true,
        get: () => {
          token ??= reply.generateCsrf()
          return token
        },
      })
      return context
    }

    app.decorateReply('page', function (this: FastifyReply, view: string, data: ViewData = {}) {
      const context = viewData(this, data)
      // A message left by the previous request (e.g. before a redirect) is shown once, here.
      if (context.flash === undefined) context.flash = takeFlash(this.request)
      const send = () => {
        const parts: Buffer[] = []
        context.body = render.withParts(view, context, parts)
        this.header('vary', 'HX-Request')
        this.type('text/html; charset=utf-8')
        return this.send(assemble(render.withParts('layouts/main', context, parts), parts))
      }
      const layout = layoutFor(this, data)
      if (!(layout instanceof Promise)) {
        context.layout = layout
        return send()
      }
      // Sent once the layout data is there; returning the reply makes Fastify wait for it.
      layout.then(
        (loaded) => {
          context.layout = loaded
          try {
            send()
          } catch (error) {
            this.send(error as Error)
          }
        },
        (error) => this.send(error),
      )
      return this
    })

    app.decorateReply('fragment', function (this: FastifyReply, view: string, data: ViewData = {}) {
      this.header('vary', 'HX-Request')
      this.type('text/html; charset=utf-8')
      const parts: Buffer[] = []
      return this.send(assemble(render.withParts(view, viewData(this, data), parts), parts))
    })

    app.decorateReply(
      'pageOrFragment',
      function (this: FastifyReply, view: string, fragment: string, data: ViewData = {}) {
        return wantsFragment(this.request) ? this.fragment(fragment, data) : this.page(view, data)
      },
    )
  },
  { name: 'views', dependencies: ['i18n'] },
)
