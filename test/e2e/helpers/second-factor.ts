// Staff sign in with a second factor: the first sign-in enrols (the key is read from the
// enrolment page, as a person would type it into an app, and kept in the run's state folder),
// later ones give the code. Codes are computed here like an authenticator app does.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Secret, TOTP } from 'otpauth'
import type { BrowserContext } from 'playwright-core'
import { type Account, stateDir } from './env.ts'

const keyFile = (account: Account) => path.join(stateDir(), `${account.email}.totp-key`)

export function codeFor(key: string, at = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(key), digits: 6, period: 30 }).generate({ timestamp: at })
}

function tokenIn(html: string): string {
  const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1]
  if (!token) throw new Error('no CSRF token on the second-factor page')
  return token
}

/** Finishes a sign-in that the password step sent to `location` (/login/second-factor?…). */
export async function completeSecondFactor(context: BrowserContext, account: Account, location: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const html = await (await context.request.get(location)).text()
    const shown = html.match(/<code id="second-factor-key">([^<]+)<\/code>/)?.[1]?.replace(/\s/g, '')
    if (shown) writeFileSync(keyFile(account), shown)
    if (!shown && !existsSync(keyFile(account)))
      throw new Error(`no second-factor key known for ${account.email}`)
    const key = shown ?? readFileSync(keyFile(account), 'utf8')
    const response = await context.request.post(
      shown ? '/login/second-factor/enrol' : '/login/second-factor',
      {
        form: { _csrf: tokenIn(html), code: codeFor(key), next: '/' },
        maxRedirects: 0,
      },
    )
    if (response.status() === 200 || response.status() === 303) return
    // A code is good once: the same account signed in within these 30 seconds. Wait for the next.
    await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 500))
  }
  throw new Error(`second factor of ${account.email} not accepted`)
}
