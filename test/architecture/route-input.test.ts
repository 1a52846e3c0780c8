// Every route declares its input (issue 10 §1): a route with path parameters has a params schema
// naming each of them, and a handler that reads the query or the body has a schema for it. The
// routes come from the app itself, so a new route is checked without being listed here.
import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/app.ts'
import { createTestDatabase } from '../helpers/db.ts'

interface Undeclared {
  route: string
  missing: string
}

/** What a route reads without declaring it; `source` is the handler's code. */
function undeclaredInput(
  route: { method: string; url: string; schema?: Record<string, unknown> },
  source: string,
): string[] {
  const missing: string[] = []
  const schema = route.schema ?? {}
  const declaredParams = Object.keys((schema.params as { properties?: object } | undefined)?.properties ?? {})
  for (const name of [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!)) {
    if (!declaredParams.includes(name)) missing.push(`params.${name}`)
  }
  if (/\brequest\.query\b/.test(source) && !schema.querystring) missing.push('querystring')
  if (/\brequest\.body\b/.test(source) && !schema.body) missing.push('body')
  return missing
}

describe('route input', () => {
  it('recognises what a handler reads without a schema (the test can fail)', () => {
    const route = { method: 'POST', url: '/t/:id/posts' }
    expect(undeclaredInput(route, 'async (request) => request.body.text + request.query.x')).toEqual([
      'params.id',
      'querystring',
      'body',
    ])
    expect(
      undeclaredInput(
        { ...route, schema: { params: { properties: { id: {} } }, body: {}, querystring: {} } },
        'request.body request.query',
      ),
    ).toEqual([])
  })

  it('is declared on every route', async () => {
    const database = await createTestDatabase()
    const app = await buildTestApp(database.db)
    try {
      const undeclared: Undeclared[] = []
      for (const route of app.registeredRoutes) {
        if ([route.method].flat().every((method) => method === 'HEAD')) continue
        if (route.url.startsWith('/static/')) continue
        const missing = undeclaredInput(
          { method: String(route.method), url: route.url, schema: route.schema as Record<string, unknown> },
          String(route.handler),
        )
        for (const part of missing) undeclared.push({ route: `${route.method} ${route.url}`, missing: part })
      }
      const lines = undeclared.map((u) => `${u.route}: ${u.missing}`)
      if (lines.length > 0) console.info(`routes without declared input:\n${lines.join('\n')}`)
      expect(lines).toEqual([])
    } finally {
      await app.close()
      await database.drop()
    }
  })
})
