// A tiny browser over app.inject: keeps cookies, finds the CSRF token on the last page,
// and submits forms the way a browser without JavaScript would.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export interface Agent {
  cookies: Map<string, string>
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  post(
    url: string,
    form?: Record<string, string | string[]>,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>
  /** Fetches `page` and returns the CSRF token of its first form (or the htmx meta tag). */
  csrf(page?: string): Promise<string>
  /** GETs `page`, then POSTs the form with its CSRF token. */
  submit(
    page: string,
    action: string,
    form: Record<string, string | string[]>,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>
}

export function csrfTokenIn(html: string): string | undefined {
  return (
    html.match(/name="_csrf" value="([^"]+)"/)?.[1] ??
    html.match(/<meta name="csrf-token" content="([^"]+)"/)?.[1]
  )
}

export function encodeForm(form: Record<string, string | string[]>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(form)) {
    for (const item of [value].flat()) params.append(key, item)
  }
  return params.toString()
}

export function createAgent(app: FastifyInstance): Agent {
  const cookies = new Map<string, string>()
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const remember = (response: LightMyRequestResponse) => {
    for (const cookie of response.cookies) {
      if (cookie.expires && new Date(cookie.expires).getTime() <= Date.now()) cookies.delete(cookie.name)
      else if (cookie.value === '') cookies.delete(cookie.name)
      else cookies.set(cookie.name, cookie.value)
    }
    return response
  }
  const agent: Agent = {
    cookies,
    get: async (url, headers = {}) =>
      remember(await app.inject({ method: 'GET', url, headers: { cookie: cookieHeader(), ...headers } })),
    post: async (url, form = {}, headers = {}) =>
      remember(
        await app.inject({
          method: 'POST',
          url,
          payload: encodeForm(form),
          headers: {
            cookie: cookieHeader(),
            'content-type': 'application/x-www-form-urlencoded',
            ...headers,
          },
        }),
      ),
    csrf: async (page = '/account') => {
      const response = await agent.get(page)
      const token = csrfTokenIn(response.body)
      if (!token) throw new Error(`no CSRF token on ${page} (status ${response.statusCode})`)
      return token
    },
    submit: async (page, action, form, headers) => {
      const token = await agent.csrf(page)
      return agent.post(action, { _csrf: token, ...form }, headers)
    },
  }
  return agent
}
