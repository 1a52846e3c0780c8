// Every field of every accounts form has a label (and the error summary can name it).
import { describe, expect, it } from 'vitest'
import { issueToken } from '../../src/features/accounts/tokens.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

const setup = useTestApp()

/** The ids of visible fields that no <label for> names. */
function unlabelledFields(html: string): string[] {
  const labels = new Set([...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]))
  const fields = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].filter(
    ([, , attributes]) =>
      !/type="(hidden|submit)"/.test(attributes!) && !/\shidden[\s>]/.test(`${attributes} `),
  )
  return fields
    .map(([, , attributes]) => attributes!.match(/\bid="([^"]+)"/)?.[1] ?? `(no id: ${attributes})`)
    .filter((id) => !labels.has(id))
}

describe('accounts forms', () => {
  it('label every field', async () => {
    const member = await createMember(setup.database.db)
    const signedIn = createAgent(setup.app)
    await signInAs(setup.database.db, signedIn, member.id)
    const resetToken = await issueToken(setup.database.db, member.id, 'reset_password')
    const pages = {
      '/login': await setup.app.inject('/login'),
      '/register': await setup.app.inject('/register'),
      '/password/forgot': await setup.app.inject('/password/forgot'),
      '/password/reset': await setup.app.inject(`/password/reset/${resetToken}`),
      '/account': await signedIn.get('/account'),
      '/invite': await signedIn.get('/invite'),
    }
    for (const [path, response] of Object.entries(pages)) {
      expect(response.statusCode, path).toBe(200)
      expect(response.body, path).toMatch(/<(input|select|textarea)\b/)
      expect(unlabelledFields(response.body), path).toEqual([])
    }
  })
})
