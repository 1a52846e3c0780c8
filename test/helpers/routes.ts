// Route-wide tests (the fuzz, the leak crawl) walk every route of an app and every form of its
// pages. The route list comes from the input plugin (app.registeredRoutes), so a new route joins
// these tests without anyone listing it; pages give forms, their fields and real ids.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../../src/db/database.ts'
import type { Agent } from './agent.ts'

export interface Route {
  method: string
  /** The pattern as registered, e.g. /t/:id/posts. */
  url: string
  params: string[]
  /** Query and body fields the route's schemas declare. */
  queryFields: string[]
  bodyFields: string[]
  access: string
}

function schemaFields(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties
  return properties ? Object.keys(properties) : []
}

/** Every route of the app (HEAD routes, which mirror GET, left out), sorted by URL. */
export function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = []
  for (const route of app.registeredRoutes) {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue
      routes.push({
        method,
        url: route.url,
        params: paramsOf(route.url),
        queryFields: schemaFields(route.schema?.querystring),
        bodyFields: schemaFields(route.schema?.body),
        access: (route.config as { access?: string } | undefined)?.access ?? 'member',
      })
    }
  }
  return routes.sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))
}

export function paramsOf(pattern: string): string[] {
  return [...pattern.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*')
}

/** The pattern with each parameter replaced (values are inserted as given: encode them yourself). */
export function fillPath(pattern: string, value: (param: string) => string): string {
  return pattern.replace(/:(\w+)(\([^)]*\))?|\*/g, (_all, name: string | undefined) => value(name ?? '*'))
}

/** The parameters of `url` if it matches `pattern`, else undefined. */
export function matchPath(pattern: string, url: string): Record<string, string> | undefined {
  const path = url.split(/[?#]/)[0]!
  const names = paramsOf(pattern)
  const source = pattern
    .split(/(:\w+(?:\([^)]*\))?|\*)/)
    .map((part, index) => {
      if (index % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      return part === '*' ? '(.*)' : '([^/]+)'
    })
    .join('')
  const match = new RegExp(`^${source}/?$`).exec(path)
  if (!match) return undefined
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]))
}

/** The route of the app a concrete URL belongs to (a static pattern beats one with parameters). */
export function routeFor(routes: Route[], method: string, url: string): Route | undefined {
  const candidates = routes.filter((route) => route.method === method && matchPath(route.url, url))
  return candidates.sort((a, b) => a.params.length - b.params.length)[0]
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&')
}

function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]
  return value === undefined ? undefined : decodeEntities(value)
}

function isLocal(url: string | undefined): url is string {
  return url?.startsWith('/') === true && !url.startsWith('//')
}

/** Same-site links (href, hx-get) of a page, without fragments, static files and the dev mailbox. */
export function linksIn(html: string): string[] {
  const links = new Set<string>()
  for (const match of html.matchAll(/(?:href|hx-get)="([^"]+)"/g)) {
    const raw = decodeEntities(match[1]!)
    if (!isLocal(raw)) continue
    const url = raw.split('#')[0]!
    if (!url || url.startsWith('/static/') || url.startsWith('/dev/')) continue
    links.add(url)
  }
  return [...links]
}

export interface Form {
  method: 'GET' | 'POST'
  action: string
  /** Field name → the value a browser would send without anyone typing (first of each name). */
  fields: Record<string, string>
}

/** The forms of a page and what a browser would send for each, plus bare hx-post targets. */
export function formsIn(html: string, pageUrl: string): Form[] {
  const forms: Form[] = []
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const tag = match[1]!
    const inner = match[2]!
    const action = attribute(tag, 'action') ?? attribute(tag, 'hx-post') ?? pageUrl.split('?')[0]!
    if (!isLocal(action)) continue
    const method = (attribute(tag, 'method') ?? (attribute(tag, 'hx-post') ? 'post' : 'get')).toUpperCase()
    const fields: Record<string, string> = {}
    const add = (name: string | undefined, value: string) => {
      if (name && name !== '_csrf' && !(name in fields)) fields[name] = value
    }
    for (const input of inner.matchAll(/<input\b[^>]*>/g)) {
      const type = attribute(input[0], 'type') ?? 'text'
      if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(input[0])) {
        add(attribute(input[0], 'name'), '')
        continue
      }
      add(attribute(input[0], 'name'), attribute(input[0], 'value') ?? (type === 'checkbox' ? 'on' : ''))
    }
    for (const area of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      add(attribute(area[1]!, 'name'), decodeEntities(area[2]!))
    }
    for (const select of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const options = [...select[2]!.matchAll(/<option\b([^>]*)>([^<]*)/g)]
      const chosen = options.find((o) => /\sselected\b/.test(o[1]!)) ?? options[0]
      add(attribute(select[1]!, 'name'), chosen ? (attribute(chosen[1]!, 'value') ?? chosen[2]!.trim()) : '')
    }
    for (const button of inner.matchAll(/<button\b[^>]*>/g)) {
      const name = attribute(button[0], 'name')
      if (name) add(name, attribute(button[0], 'value') ?? '')
    }
    forms.push({ method: method === 'POST' ? 'POST' : 'GET', action, fields })
  }
  // Buttons and links that post through htmx without a form of their own.
  for (const match of html.matchAll(/<(?!form\b)\w+\b[^>]*\shx-post="([^"]+)"[^>]*>/g)) {
    const action = decodeEntities(match[1]!)
    if (isLocal(action)) forms.push({ method: 'POST', action, fields: {} })
  }
  return forms
}

export interface CrawlResult {
  /** Every URL the crawl requested. */
  pages: string[]
  /** Every form found, once per action and method. */
  forms: Form[]
  /** URLs that answered with a server error (the crawl goes on without their links). */
  failed: string[]
}

/** Follows the same-site links from `start` breadth first. */
export async function crawl(agent: Agent, start = '/', maxPages = 400): Promise<CrawlResult> {
  const seen = new Set<string>([start])
  const queue = [start]
  const pages: string[] = []
  const forms = new Map<string, Form>()
  const failed: string[] = []
  while (queue.length > 0 && pages.length < maxPages) {
    const url = queue.shift()!
    const response = await agent.get(url)
    pages.push(url)
    if (response.statusCode >= 500) failed.push(`${url} → ${response.statusCode}`)
    if (!String(response.headers['content-type']).includes('text/html')) continue
    for (const form of formsIn(response.body, url)) {
      const key = `${form.method} ${form.action}`
      if (!forms.has(key)) forms.set(key, form)
    }
    for (const link of linksIn(response.body)) {
      if (!seen.has(link)) {
        seen.add(link)
        queue.push(link)
      }
    }
  }
  return { pages, forms: [...forms.values()], failed }
}

/**
 * Real values for route parameters, learned from concrete URLs: for each pattern prefix up to a
 * parameter (`/t/:id`) the values seen there, so `/t/:id/posts` gets an id that `/t/123` showed.
 */
export class ParamValues {
  private readonly byPrefix = new Map<string, string[]>()
  private readonly byName = new Map<string, string[]>()

  learn(routes: Route[], urls: string[]): this {
    for (const url of urls) {
      const path = url.split('?')[0]!
      for (const route of routes) {
        if (route.params.length === 0) continue
        const params = matchPath(route.url, path)
        if (!params) continue
        for (const [prefix, name] of this.prefixes(route.url)) this.remember(prefix, name, params[name]!)
      }
    }
    return this
  }

  /** Extra candidates for a parameter name wherever no URL showed one (e.g. ids from the database). */
  add(name: string, values: string[]): this {
    for (const value of values) this.remember(undefined, name, value)
    return this
  }

  /** The values to try for each parameter of the pattern; empty when nothing is known. */
  candidates(pattern: string, name: string): string[] {
    for (const [prefix, param] of this.prefixes(pattern)) {
      if (param === name && this.byPrefix.has(prefix)) return this.byPrefix.get(prefix)!
    }
    return this.byName.get(name) ?? []
  }

  private prefixes(pattern: string): [string, string][] {
    const result: [string, string][] = []
    for (const match of pattern.matchAll(/:(\w+)(\([^)]*\))?|\*/g)) {
      result.push([pattern.slice(0, match.index + match[0].length), match[1] ?? '*'])
    }
    return result
  }

  private remember(prefix: string | undefined, name: string, value: string) {
    const lists = prefix === undefined ? [this.list(this.byName, name)] : [this.list(this.byPrefix, prefix)]
    if (prefix !== undefined) lists.push(this.list(this.byName, name))
    for (const list of lists) if (!list.includes(value)) list.push(value)
  }

  private list(map: Map<string, string[]>, key: string): string[] {
    if (!map.has(key)) map.set(key, [])
    return map.get(key)!
  }
}

/** The first ids of every table with an integer id: candidates for parameters no page links to. */
export async function idsOfEveryTable(db: Db, perTable = 2): Promise<string[]> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'id' and data_type in ('integer', 'bigint')
    order by table_name`.execute(db)
  const ids = new Set<string>()
  for (const { table_name } of tables.rows) {
    const rows = await sql<{
      id: number
    }>`select id from ${sql.table(table_name)} order by id limit ${perTable}`.execute(db)
    for (const row of rows.rows) ids.add(String(row.id))
  }
  return [...ids]
}

/**
 * Up to `max` URLs of a GET route that the agent can open (status below 400): those a crawl
 * found, else the route filled with the known values of its parameters, tried in turn.
 */
export async function openableUrls(
  agent: Agent,
  route: Route,
  params: ParamValues,
  crawled: string[],
  max = 3,
): Promise<string[]> {
  if (route.params.length === 0) return [route.url]
  const known = crawled.filter((url) => matchPath(route.url, url))
  if (known.length > 0) return known.slice(0, max)
  const nth = (index: number) =>
    fillPath(route.url, (name) => encodeURIComponent(params.candidates(route.url, name)[index] ?? ''))
  const tries = Math.max(0, ...route.params.map((name) => params.candidates(route.url, name).length))
  const found: string[] = []
  for (let index = 0; index < tries && found.length < max; index++) {
    if ((await agent.get(nth(index))).statusCode < 400) found.push(nth(index))
  }
  return found
}
