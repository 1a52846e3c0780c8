// The edge for request input. Before any schema validates: query values and form fields lose
// NUL and other control characters (PostgreSQL refuses NUL; a line break in a name could forge
// lines in mail), form fields are cleaned by their kind (see lib/form-schema.ts), and routes
// whose body is a form keep their schema errors for the handler to show (attachValidation).
import type { RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { finiteKeyword, formMarker, type InputKind } from '../lib/form-schema.ts'

/**
 * Query strings and form bodies decoded the way the URL standard says (and browsers do): `+` is
 * a space, and bytes that are not UTF-8 (`%C3%28`, `%FF`) become U+FFFD, instead of the whole
 * value staying undecoded. A name given more than once gives an array.
 */
export function parseUrlEncoded(text: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of new URLSearchParams(text)) {
    const earlier = result[name]
    if (earlier === undefined) result[name] = value
    else if (Array.isArray(earlier)) earlier.push(value)
    else result[name] = [earlier, value]
  }
  return result
}

// Control characters (C0, DEL, C1) but tab and line feed.
const controlCharacters = /(?![\t\n])\p{Cc}/gu
const lineBreaks = /[\t\n\u2028\u2029]+/g
// Whitespace and the invisible characters that make a value look filled or different when it is
// not (zero-width, bidi controls, soft hyphen, Hangul and Braille blanks). Variation selectors and
// tag characters stay: at the end of an emoji they are part of it.
const invisible =
  '\\s\\u00AD\\u034F\\u061C\\u115F\\u1160\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u2800\\u3164\\uFEFF\\uFFA0'
const edgeSpace = new RegExp(`^[${invisible}]+|[${invisible}]+$`, 'gu')
// Free text keeps the indentation of its first line (in Markdown, four spaces start code).
const blankLinesAndEnd = new RegExp(`^(?:[^\\S\\n]*\\n)+|[${invisible}]+$`, 'gu')
const nothingVisible = new RegExp(`^[${invisible}\\p{Default_Ignorable_Code_Point}\\p{Cf}]*$`, 'u')

/** A form field as the schema sees it. Secrets (passwords) are never changed. */
export function cleanText(value: string, kind: InputKind): string {
  if (kind === 'secret') return value
  const text = value.replace(/\r\n?/g, '\n').replace(controlCharacters, '').normalize('NFC')
  if (nothingVisible.test(text)) return ''
  if (kind === 'text') return text.replace(blankLinesAndEnd, '')
  return text.replace(lineBreaks, ' ').replace(edgeSpace, '')
}

function firstString(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  return ''
}

/** Every string in a value, cleaned of control characters (for queries and non-form bodies). */
function stripControls(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(controlCharacters, '')
  if (Array.isArray(value)) return value.map(stripControls)
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value))
      (value as Record<string, unknown>)[key] = stripControls(inner)
  }
  return value
}

interface ObjectSchema {
  [formMarker]?: boolean
  properties?: Record<string, { type?: unknown; 'x-input'?: InputKind }>
}

/** A form body as the schema sees it (also for multipart forms, whose fields arrive later). */
export function cleanForm(body: unknown, schema: ObjectSchema): Record<string, unknown> {
  const source =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
  // The CSRF check (a preHandler) reads the token from the body after validation.
  const cleaned: Record<string, unknown> = typeof source._csrf === 'string' ? { _csrf: source._csrf } : {}
  for (const [name, fieldSchema] of Object.entries(schema.properties ?? {})) {
    cleaned[name] = cleanText(firstString(source[name]), fieldSchema['x-input'] ?? 'line')
  }
  return cleaned
}

/** A query parameter given twice counts once (the first) where the schema wants a single value. */
function foldRepeated(query: Record<string, unknown>, schema: ObjectSchema) {
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const value = query[name]
    if (Array.isArray(value) && property.type !== 'array') query[name] = value[0]
  }
}

/** Marks every number schema inside `schema` with the finite check (see finiteKeyword). */
function requireFinite(schema: unknown) {
  if (!schema || typeof schema !== 'object') return
  if (Array.isArray(schema)) return schema.forEach(requireFinite)
  const node = schema as Record<string, unknown>
  const types = [node.type].flat()
  if (types.includes('number') || types.includes('integer')) node[finiteKeyword.keyword] = true
  for (const [key, inner] of Object.entries(node)) if (key !== 'enum' && key !== 'const') requireFinite(inner)
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, with its schema and config (route-wide tests and checks walk it). */
    readonly registeredRoutes: readonly RouteOptions[]
  }
}

export const inputPlugin = fp(
  async (app) => {
    const routes: RouteOptions[] = []
    app.decorate('registeredRoutes', { getter: () => routes })
    app.addHook('onRoute', (route) => {
      routes.push(route)
      for (const part of ['params', 'querystring', 'body'] as const) requireFinite(route.schema?.[part])
      const body = route.schema?.body as ObjectSchema | undefined
      if (body?.[formMarker]) route.attachValidation = true
    })

    app.addHook('preValidation', async (request) => {
      const schema = request.routeOptions.schema
      if (request.query && typeof request.query === 'object') {
        stripControls(request.query)
        if (schema?.querystring) foldRepeated(request.query as Record<string, unknown>, schema.querystring)
      }
      const body = schema?.body as ObjectSchema | undefined
      if (body?.[formMarker]) request.body = cleanForm(request.body, body)
      else if (request.body !== undefined) stripControls(request.body)
    })

    // A route that keeps its validation errors for the handler (attachValidation: forms, filter
    // pages that show a bad query value at its field) must still answer a malformed path
    // parameter with the 404 page, even when the handler reads the parameter before the form.
    app.addHook('preHandler', async (request) => {
      const failure = request.validationError as (Error & { validationContext?: string }) | undefined
      if (failure && failure.validationContext === 'params') throw failure
    })
  },
  { name: 'input' },
)
