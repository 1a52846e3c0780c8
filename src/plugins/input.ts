// The edge for request input. Before any schema validates: query values and form fields lose
// NUL and other control characters (PostgreSQL refuses NUL; a line break in a name could forge
// lines in mail), form fields are cleaned by their kind (see lib/form-schema.ts), and routes
// whose body is a form keep their schema errors for the handler to show (attachValidation).
import type { RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { formMarker, type InputKind } from '../lib/form-schema.ts'

// Control characters (C0, DEL, C1) but tab and line feed.
const controlCharacters = /(?![\t\n])\p{Cc}/gu
const lineBreaks = /[\t\n\u2028\u2029]+/g
// Whitespace plus the invisible characters that make a value look filled when it is not.
const edgeSpace =
  /^[\s\u200B-\u200F\u2060\uFEFF\u202A-\u202E\u2066-\u2069]+|[\s\u200B-\u200F\u2060\uFEFF\u202A-\u202E\u2066-\u2069]+$/g

export function cleanText(value: string, kind: InputKind): string {
  const normalised = value.replace(/\r\n?/g, '\n').replace(controlCharacters, '')
  if (kind === 'secret') return normalised
  const text = kind === 'line' ? normalised.replace(lineBreaks, ' ') : normalised
  return text.replace(edgeSpace, '')
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

interface FormSchema {
  [formMarker]?: boolean
  properties?: Record<string, { 'x-input'?: InputKind }>
}

function cleanForm(body: unknown, schema: FormSchema): Record<string, unknown> {
  const source =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
  // The CSRF check (a preHandler) reads the token from the body after validation.
  const cleaned: Record<string, unknown> = typeof source._csrf === 'string' ? { _csrf: source._csrf } : {}
  for (const [name, fieldSchema] of Object.entries(schema.properties ?? {})) {
    cleaned[name] = cleanText(firstString(source[name]), fieldSchema['x-input'] ?? 'line')
  }
  return cleaned
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
      const body = route.schema?.body as FormSchema | undefined
      if (body?.[formMarker]) route.attachValidation = true
    })

    app.addHook('preValidation', async (request) => {
      if (request.query && typeof request.query === 'object') stripControls(request.query)
      const body = request.routeOptions.schema?.body as FormSchema | undefined
      if (body?.[formMarker]) request.body = cleanForm(request.body, body)
      else if (request.body !== undefined) stripControls(request.body)
    })
  },
  { name: 'input' },
)
