// Factories insert real rows into the test database.
import { randomBytes } from 'node:crypto'
import { Signer } from '@fastify/cookie'
import { sql } from 'kysely'
import { hashSessionId } from '../../src/core/sessions/session-store.ts'
import type { Db } from '../../src/db/database.ts'
import type { MemberStatus, OrganisationKind, Role } from '../../src/db/schema.ts'
import { hashPassword } from '../../src/features/accounts/passwords.ts'
import type { Agent } from './agent.ts'
import { testConfig } from './app.ts'

export const defaultPassword = 'ein-sehr-sicheres-Passwort-42'
let defaultHash: Promise<string> | undefined

let counter = 0
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`

export async function createOrganisation(
  db: Db,
  values: {
    name?: string
    kind?: OrganisationKind
    officialKey?: string | null
    domains?: string[]
    autoApprove?: boolean
  } = {},
) {
  const id = unique()
  const org = await db
    .insertInto('organisations')
    .values({
      name: values.name ?? `Stadt Teststadt ${id}`,
      kind: values.kind ?? 'gemeinde',
      official_key: values.officialKey ?? null,
      land: '05',
      auto_approve: values.autoApprove ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  for (const domain of values.domains ?? [`teststadt-${id}.de`]) {
    await db.insertInto('organisation_domains').values({ domain, organisation_id: org.id }).execute()
  }
  return org
}

export async function createMember(
  db: Db,
  values: {
    name?: string
    email?: string
    role?: Role
    status?: MemberStatus
    organisationId?: number
    password?: string
    jobTitle?: string
  } = {},
) {
  const id = unique()
  const organisationId = values.organisationId ?? (await createOrganisation(db)).id
  defaultHash ??= hashPassword(defaultPassword)
  const passwordHash = values.password ? await hashPassword(values.password) : await defaultHash
  const status = values.status ?? 'verified'
  return db
    .insertInto('members')
    .values({
      name: values.name ?? `Erika Mustermann ${id}`,
      email: values.email ?? `erika.${id}@teststadt.de`,
      job_title: values.jobTitle ?? 'Digitalisierungsbeauftragte',
      organisation_id: organisationId,
      statement: 'Ich koordiniere die Digitalisierung.',
      password_hash: passwordHash,
      role: values.role ?? 'member',
      status,
      email_confirmed_at: status === 'pending_email' ? null : sql`now()`,
      verified_at: ['verified', 'suspended', 'expired'].includes(status) ? sql`now()` : null,
      verified_until: status === 'verified' ? sql`now() + interval '1 year'` : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Signs an agent in as a member by creating a session row directly, the way the login route
 * would. Login itself is tested through the form in test/accounts.
 */
export async function signInAs(db: Db, agent: Agent, memberId: number): Promise<void> {
  const sessionId = randomBytes(24).toString('base64url')
  await db
    .insertInto('sessions')
    .values({
      sid_hash: hashSessionId(sessionId),
      member_id: memberId,
      data: JSON.stringify({
        cookie: { originalMaxAge: 3_600_000, path: '/', httpOnly: true, sameSite: 'lax' },
        // As if the second factor had just been given (staff must have given it).
        secondFactorAt: Date.now(),
      }),
      idle_expires_at: sql`now() + interval '2 hours'`,
      absolute_expires_at: sql`now() + interval '1 day'`,
    })
    .execute()
  const signer = new Signer(testConfig().sessionSecret!, 'sha256')
  agent.cookies.set('vr_session', signer.sign(sessionId))
}

/**
 * A member whose address is at an official domain of their own organisation (the default
 * member's address is not): for e-mail changes and the yearly re-confirmation.
 */
export async function createOfficialMember(db: Db, values: Parameters<typeof createMember>[1] = {}) {
  const domain = `amt-${unique()}.de`
  const organisation = await createOrganisation(db, { domains: [domain] })
  const member = await createMember(db, {
    organisationId: organisation.id,
    email: `person.${unique()}@${domain}`,
    ...values,
  })
  return { member, organisation, domain }
}
