// The only reader of process.env. Every setting is parsed and checked once, at start;
// a bad value stops the process with one line naming the variable and what it expects.
import { isIP } from 'node:net'
import path from 'node:path'
import { domainToASCII } from 'node:url'

export type Environment = 'development' | 'production' | 'test'

export interface Config {
  readonly env: Environment
  readonly host: string
  readonly port: number
  /** Public address of the forum, used in links in mail and for the cookie's Secure flag. */
  readonly baseUrl: string
  /** Postgres connection string; when absent, server.ts starts an embedded Postgres. */
  readonly databaseUrl: string | undefined
  readonly dataDir: string
  readonly embeddedPostgresPort: number
  /** undefined = generate one and keep it in dataDir (development only). */
  readonly sessionSecret: string | undefined
  readonly sessionIdleMinutes: number
  readonly sessionAbsoluteHours: number
  /** Proxies whose X-Forwarded-For we believe: a list of IPs/CIDRs, never "everything". */
  readonly trustProxy: readonly string[]
  readonly logLevel: string
  /** pretty: readable lines (development on a terminal, the default there); json: one JSON object a line. */
  readonly logFormat: 'json' | 'pretty' | 'auto'
  readonly secureCookies: boolean
  readonly smtpUrl: string | undefined
  readonly mailFrom: string
  readonly mailFromName: string
  readonly runWorker: boolean
  /** The development mailbox page (/dev/mail): only for development on this machine, never with SMTP or a proxy. */
  readonly devMailbox: boolean
  readonly digestHour: number
  readonly digestWeekday: number
  readonly contactEmail: string
  /** Where replies to system mail go (Reply-To) and whom applicants ask: never the accessibility address. */
  readonly supportEmail: string
  /** What the applicant's status page says a review usually takes (working days). */
  readonly reviewDaysTypical: number
  /** How long a guest's invitation and access hold, and how much a renewal adds (features/guests). */
  readonly guestAccessDays: number
  /** The Impressum's defaults (a Markdown file <dataDir>/pages/impressum.md replaces the page). */
  readonly imprint: {
    readonly name: string
    readonly address: readonly string[]
    readonly representative: string
    readonly email: string
    readonly phone: string
  }
  /** A video in German Sign Language about the forum (BITV 2.0), linked from /gebaerdensprache. */
  readonly signLanguageVideoUrl: string | undefined
  /** The operator's additions to the list of public mail providers (never official domains). */
  readonly publicMailDomains: readonly string[]
  /** Retention (days): unconfirmed registrations, rejected applications, records of sent mail. */
  readonly retentionUnconfirmedDays: number
  readonly retentionRejectedDays: number
  readonly retentionMailDays: number
  /** Attachments: bytes a file, files a post, bytes a member may store in all (checked while streaming). */
  readonly attachments: {
    readonly maxFileBytes: number
    readonly maxFiles: number
    readonly quotaBytes: number
  }
  /** Bearer token that may read /metrics from anywhere; without it only loopback may (see README, Metrics). */
  readonly metricsToken: string | undefined
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

function fail(name: string, expected: string, value: string | undefined): never {
  throw new ConfigError(
    `${name}: expected ${expected}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
  )
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) fail(name, `an integer from ${min} to ${max}`, raw)
  return value
}

function oneOf<T extends string>(env: Env, name: string, options: readonly T[], fallback: T): T {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!(options as readonly string[]).includes(raw)) fail(name, `one of ${options.join(', ')}`, raw)
  return raw as T
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  try {
    const parsed = new URL(raw)
    if (!protocols.includes(parsed.protocol)) throw new Error('protocol')
    return raw
  } catch {
    return fail(name, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`, raw)
  }
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  return fail(name, 'true or false', raw)
}

function proxyList(env: Env, name: string): string[] {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return []
  const entries = raw.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    const [address, bits] = entry.split('/')
    const okBits = bits === undefined || /^\d{1,3}$/.test(bits)
    if (!address || isIP(address) === 0 || !okBits) {
      fail(name, 'a comma-separated list of proxy IP addresses or CIDR ranges (never "true")', raw)
    }
  }
  return entries
}

function email(env: Env, name: string, fallback: string): string {
  const raw = env[name] ?? fallback
  if (!/^[^\s@]+@[^\s@]+$/.test(raw)) fail(name, 'an e-mail address', raw)
  return raw
}

function domainList(env: Env, name: string): string[] {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return []
  return raw.split(',').flatMap((entry) => {
    const domain = domainToASCII(entry.trim().toLowerCase().replace(/\.$/, ''))
    if (entry.trim() === '') return []
    if (!/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) {
      fail(name, 'a comma-separated list of mail domains, e.g. "example-mail.de,other-provider.de"', raw)
    }
    return [domain]
  })
}

/** A bearer token (RFC 6750 token68 characters), long enough not to be guessed. */
function bearerToken(env: Env, name: string): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  if (!/^[A-Za-z0-9\-._~+/]{32,}=*$/.test(raw)) {
    fail(
      name,
      'at least 32 characters of A-Z, a-z, 0-9, -._~+/ (e.g. from `openssl rand -hex 32`)',
      '(hidden)',
    )
  }
  return raw
}

const isLoopbackHost = (host: string) =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)

/** On by default only in development; never when anything suggests others can reach the server. */
function devMailbox(env: Env, nodeEnv: Environment, host: string): boolean {
  const blockers = [
    nodeEnv === 'production' ? 'NODE_ENV=production' : '',
    env.SMTP_URL ? 'SMTP_URL' : '',
    env.TRUST_PROXY?.trim() ? 'TRUST_PROXY' : '',
    isLoopbackHost(host) ? '' : `HOST=${host}`,
  ].filter(Boolean)
  const explicit = env.DEV_MAILBOX !== undefined && env.DEV_MAILBOX !== ''
  const wanted = flag(env, 'DEV_MAILBOX', nodeEnv === 'development')
  if (wanted && explicit && blockers.length > 0)
    fail('DEV_MAILBOX', `false with ${blockers.join(', ')}`, env.DEV_MAILBOX)
  return wanted && blockers.length === 0
}

/** SUPPORT_EMAIL (default: MAIL_FROM); the accessibility address (CONTACT_EMAIL) is refused. */
function supportEmail(env: Env): string {
  const support = email(env, 'SUPPORT_EMAIL', email(env, 'MAIL_FROM', 'vertrauensraum@localhost'))
  const accessibility = email(env, 'CONTACT_EMAIL', 'barrierefreiheit@localhost')
  if (support.toLowerCase() === accessibility.toLowerCase())
    fail('SUPPORT_EMAIL', 'an address other than CONTACT_EMAIL (the accessibility contact)', support)
  return support
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development')
  const port = integer(env, 'PORT', 3000, 0, 65535)
  const baseUrl = (url(env, 'BASE_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/$/, '')
  const sessionSecret = env.SESSION_SECRET || undefined
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    fail('SESSION_SECRET', 'at least 32 characters', '(hidden)')
  }
  if (nodeEnv === 'production' && sessionSecret === undefined) {
    fail('SESSION_SECRET', 'a random secret of at least 32 characters in production', undefined)
  }
  const host = env.HOST || 'localhost'
  const config: Config = {
    env: nodeEnv,
    host,
    port,
    baseUrl,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    embeddedPostgresPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    sessionSecret,
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 120, 1, 60 * 24 * 30),
    sessionAbsoluteHours: integer(env, 'SESSION_ABSOLUTE_HOURS', 24 * 7, 1, 24 * 90),
    trustProxy: proxyList(env, 'TRUST_PROXY'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty', 'auto'] as const, 'auto'),
    secureCookies: baseUrl.startsWith('https:'),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: email(env, 'MAIL_FROM', 'vertrauensraum@localhost'),
    mailFromName: env.MAIL_FROM_NAME || 'Vertrauensraum',
    runWorker: flag(env, 'RUN_WORKER', true),
    devMailbox: devMailbox(env, nodeEnv, host),
    digestHour: integer(env, 'DIGEST_HOUR', 7, 0, 23),
    digestWeekday: integer(env, 'DIGEST_WEEKDAY', 1, 0, 6),
    contactEmail: email(env, 'CONTACT_EMAIL', 'barrierefreiheit@localhost'),
    supportEmail: supportEmail(env),
    reviewDaysTypical: integer(env, 'REVIEW_DAYS_TYPICAL', 2, 1, 60),
    guestAccessDays: integer(env, 'GUEST_ACCESS_DAYS', 90, 1, 365),
    imprint: Object.freeze({
      name: env.IMPRINT_NAME || '',
      // Lines of the postal address, separated by "|" (e.g. "Rathausplatz 1|12345 Musterstadt").
      address: Object.freeze(
        (env.IMPRINT_ADDRESS ?? '')
          .split('|')
          .map((line) => line.trim())
          .filter(Boolean),
      ),
      representative: env.IMPRINT_REPRESENTATIVE || '',
      email: email(env, 'IMPRINT_EMAIL', supportEmail(env)),
      phone: env.IMPRINT_PHONE || '',
    }),
    signLanguageVideoUrl: url(env, 'SIGN_LANGUAGE_VIDEO_URL', ['https:']),
    publicMailDomains: Object.freeze(domainList(env, 'PUBLIC_MAIL_DOMAINS')),
    retentionUnconfirmedDays: integer(env, 'RETENTION_UNCONFIRMED_DAYS', 30, 2, 3650),
    retentionRejectedDays: integer(env, 'RETENTION_REJECTED_DAYS', 180, 1, 3650),
    // At least 8 days: a weekly digest's record is needed until the next one is composed.
    retentionMailDays: integer(env, 'RETENTION_MAIL_DAYS', 30, 8, 3650),
    attachments: Object.freeze({
      maxFileBytes: integer(env, 'ATTACHMENT_MAX_MB', 20, 1, 1024) * 1024 * 1024,
      maxFiles: integer(env, 'ATTACHMENT_MAX_FILES', 10, 1, 50),
      quotaBytes: integer(env, 'ATTACHMENT_QUOTA_MB', 500, 1, 1024 * 1024) * 1024 * 1024,
    }),
    metricsToken: bearerToken(env, 'METRICS_TOKEN'),
  }
  return Object.freeze(config)
}

/** For the process entries (server, worker, CLIs): a bad setting ends the process with one line. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(`Configuration error: ${error.message}`)
    process.exit(1)
  }
}
