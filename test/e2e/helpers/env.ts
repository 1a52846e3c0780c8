// What the browser tests share: the accounts the harness creates and the mail the sink received.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { inject } from 'vitest'

export interface SinkMail {
  sequence: number
  /** Envelope recipients, lower case. */
  to: string[]
  subject: string
  text: string
  html: string
  headers: Record<string, string>
}

export interface Account {
  email: string
  password: string
  name: string
}

/** Created by `node src/cli.ts create-admin` in the global setup. */
export const adminAccount: Account = {
  email: 'e2e.admin@stadt-koeln.de',
  password: 'E2e-Admin-Passwort-2026!',
  name: 'Erika Admin',
}

/** From `node src/cli.ts demo-data` (see src/features/accounts/operator.ts). */
const demoPassword = 'Demo-Passwort-2026'
export const demo = {
  anna: { email: 'anna.becker@stadt-koeln.de', password: demoPassword, name: 'Anna Becker' },
  jonas: { email: 'jonas.wagner@muenchen.de', password: demoPassword, name: 'Jonas Wagner' },
  fatma: { email: 'fatma.yilmaz@demohausen.de', password: demoPassword, name: 'Fatma Yılmaz' },
  peter: { email: 'peter.schulz@stadtwerke-demohausen.de', password: demoPassword, name: 'Peter Schulz' },
  mona: { email: 'mona.moderation@stadt-koeln.de', password: demoPassword, name: 'Mona Moderation' },
  tobias: { email: 'tobias.richter@muenchen.de', password: demoPassword, name: 'Tobias Richter' },
} satisfies Record<string, Account>

export function baseUrl(): string {
  return inject('e2eBaseUrl')
}

export function stateDir(): string {
  return inject('e2eStateDir')
}

export function allMail(): SinkMail[] {
  const folder = inject('e2eMailDir')
  if (!existsSync(folder)) return []
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as SinkMail)
}

/** Waits for a message to `to` (and matching `where`) that arrived after `after` (a sequence). */
export async function waitForMail(
  to: string,
  options: { where?: (mail: SinkMail) => boolean; after?: number; timeout?: number } = {},
): Promise<SinkMail> {
  const deadline = Date.now() + (options.timeout ?? 20_000)
  const address = to.toLowerCase()
  for (;;) {
    const found = allMail().find(
      (mail) =>
        mail.sequence > (options.after ?? 0) &&
        mail.to.includes(address) &&
        (options.where ? options.where(mail) : true),
    )
    if (found) return found
    if (Date.now() > deadline) {
      const seen = allMail()
        .map((mail) => `  #${mail.sequence} to ${mail.to.join(', ')}: ${mail.subject}`)
        .join('\n')
      throw new Error(`no mail to ${to} within the time limit; the sink holds:\n${seen || '  (nothing)'}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}

/** The highest sequence number so far: pass it as `after` to wait only for newer mail. */
export function lastMailSequence(): number {
  return allMail().at(-1)?.sequence ?? 0
}

/** Links into the forum found in a mail's text part (same origin as the server under test). */
export function forumLinks(mail: SinkMail): string[] {
  const origin = baseUrl()
  const links = mail.text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? []
  return [...new Set(links.filter((link) => link.startsWith(origin)))]
}
