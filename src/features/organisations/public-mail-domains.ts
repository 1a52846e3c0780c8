// Domains where anyone can open a mailbox (free mail, ISPs, disposable addresses) prove
// nothing about a person's employer, so they are never an organisation's official domain.
// The maintained list is the npm package `email-providers` (updated monthly from a public
// source); a few German providers it misses are added here; the operator adds more with
// PUBLIC_MAIL_DOMAINS. Matching is exact: `senatskanzlei.berlin.de` is not `berlin.de`.
import maintained from 'email-providers/all.json' with { type: 'json' }

/** Public providers missing from the package (checked 2026-12). */
const supplement = [
  'aol.de',
  'gmx.ch',
  'mail.de',
  'magenta.de',
  'posteo.de',
  'posteo.net',
  'tuta.com',
  'tuta.io',
  'tutamail.com',
  'tutanota.com',
  'tutanota.de',
  'vodafonemail.de',
]

const publicDomains: ReadonlySet<string> = new Set([...(maintained as string[]), ...supplement])

/** Whether a (normalised) domain belongs to a public mail provider, the operator's list included. */
export function isPublicMailDomain(domain: string, operatorDomains: readonly string[] = []): boolean {
  return publicDomains.has(domain) || operatorDomains.includes(domain)
}
