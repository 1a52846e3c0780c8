// What the operator CLI does: the first admin, role changes, and demo data for newcomers.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { verificationMonths } from '../../core/members/membership.ts'
import type { Db } from '../../db/database.ts'
import type { MemberStatus, OrganisationKind, Role } from '../../db/schema.ts'
import { isEmail } from '../../lib/form-schema.ts'
import { seedDemoDiscussions } from '../discussions/discussions.service.ts'
import { findMemberByEmail } from './accounts.repository.ts'
import { hashPassword, passwordProblems } from './passwords.ts'
import { resetSecondFactorByOperator } from './second-factor.ts'

async function findOrganisation(db: Db, keyOrId: string) {
  const byKey = await db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('official_key', '=', keyOrId)
    .executeTakeFirst()
  if (byKey) return byKey
  if (/^\d{1,9}$/.test(keyOrId)) {
    return db
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('id', '=', Number(keyOrId))
      .executeTakeFirst()
  }
  return undefined
}

export async function createAdmin(
  db: Db,
  input: { email: string; name: string; organisation: string; jobTitle: string; password: string },
) {
  if (!isEmail(input.email)) throw new Error(`Keine gültige E-Mail-Adresse: ${input.email}`)
  const problems = passwordProblems(input.password)
  if (problems.password)
    throw new Error('Das Passwort ist zu kurz (mindestens 12 Zeichen) oder zu verbreitet.')
  const organisation = await findOrganisation(db, input.organisation)
  if (!organisation)
    throw new Error(`Organisation nicht gefunden (AGS/Regionalschlüssel oder Nr.): ${input.organisation}`)
  if (await findMemberByEmail(db, input.email)) throw new Error(`Es gibt schon ein Konto für ${input.email}.`)
  const passwordHash = await hashPassword(input.password)
  return db.transaction().execute(async (trx) => {
    const member = await trx
      .insertInto('members')
      .values({
        email: input.email,
        name: input.name,
        job_title: input.jobTitle,
        organisation_id: organisation.id,
        password_hash: passwordHash,
        role: 'admin',
        status: 'verified',
        email_confirmed_at: sql`now()`,
        verified_at: sql`now()`,
        verification_evidence: 'created with the operator CLI',
        verified_until: sql`now() + make_interval(months => ${verificationMonths})`,
      })
      .returning(['id', 'email'])
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      action: 'member.role_changed',
      subjectId: member.id,
      details: { to: 'admin', via: 'cli' },
    })
    return member
  })
}

export async function setRole(db: Db, email: string, role: Role): Promise<void> {
  const member = await findMemberByEmail(db, email)
  if (!member) throw new Error(`Kein Konto für ${email}.`)
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('members')
      .set({ role, updated_at: sql`now()` })
      .where('id', '=', member.id)
      .execute()
    await recordAudit(trx, {
      action: 'member.role_changed',
      subjectId: member.id,
      details: { from: member.role, to: role, via: 'cli' },
    })
  })
}

/**
 * Removes a member's second factor when no admin is left who could (the only admin lost the
 * phone and the recovery codes, or SESSION_SECRET changed): they enrol again at the next sign-in.
 */
export async function resetSecondFactorOf(db: Db, email: string): Promise<boolean> {
  const member = await findMemberByEmail(db, email)
  if (!member) throw new Error(`Kein Konto für ${email}.`)
  return resetSecondFactorByOperator(db, member.id)
}

export const demoPassword = 'Demo-Passwort-2026'

interface DemoOrganisation {
  key: string | null
  name: string
  kind: OrganisationKind
  land: string
  domain: string
}

const demoOrganisations: DemoOrganisation[] = [
  { key: '05315', name: 'Köln', kind: 'kreisfreie_stadt', land: '05', domain: 'stadt-koeln.de' },
  { key: '09162', name: 'München', kind: 'kreisfreie_stadt', land: '09', domain: 'muenchen.de' },
  {
    key: null,
    name: 'Gemeinde Demohausen (Beispiel)',
    kind: 'gemeinde',
    land: '05',
    domain: 'demohausen.de',
  },
  {
    key: null,
    name: 'Stadtwerke Demohausen GmbH',
    kind: 'kommunales_unternehmen',
    land: '05',
    domain: 'stadtwerke-demohausen.de',
  },
]

const demoMembers: {
  name: string
  job: string
  org: number
  status: MemberStatus
  role?: Role
  local: string
}[] = [
  {
    name: 'Mona Moderation',
    job: 'Community-Management',
    org: 0,
    status: 'verified',
    role: 'moderator',
    local: 'mona.moderation',
  },
  { name: 'Anna Becker', job: 'Chief Digital Officer', org: 0, status: 'verified', local: 'anna.becker' },
  { name: 'Jonas Wagner', job: 'IT-Leitung', org: 1, status: 'verified', local: 'jonas.wagner' },
  {
    name: 'Fatma Yılmaz',
    job: 'Digitalisierungsbeauftragte',
    org: 2,
    status: 'verified',
    local: 'fatma.yilmaz',
  },
  { name: 'Peter Schulz', job: 'Leiter Netze', org: 3, status: 'verified', local: 'peter.schulz' },
  { name: 'Lea Neumann', job: 'Sachbearbeitung OZG', org: 2, status: 'pending_email', local: 'lea.neumann' },
  {
    name: 'Tobias Richter',
    job: 'Referent Smart City',
    org: 1,
    status: 'pending_review',
    local: 'tobias.richter',
  },
  { name: 'Sven Krause', job: 'Berater', org: 2, status: 'rejected', local: 'sven.krause' },
  {
    name: 'Nina Hoffmann',
    job: 'Datenschutzbeauftragte',
    org: 0,
    status: 'suspended',
    local: 'nina.hoffmann',
  },
  { name: 'Uwe Lange', job: 'Projektleitung E-Akte', org: 1, status: 'expired', local: 'uwe.lange' },
]

async function ensureDemoOrganisation(db: Db, org: DemoOrganisation): Promise<number> {
  const existing = org.key
    ? await db.selectFrom('organisations').select('id').where('official_key', '=', org.key).executeTakeFirst()
    : await db.selectFrom('organisations').select('id').where('name', '=', org.name).executeTakeFirst()
  const id =
    existing?.id ??
    (
      await db
        .insertInto('organisations')
        .values({ name: org.name, kind: org.kind, official_key: org.key, land: org.land })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  await db
    .insertInto('organisation_domains')
    .values({ domain: org.domain, organisation_id: id })
    .onConflict((oc) => oc.column('domain').doNothing())
    .execute()
  return id
}

/** Idempotent: members that exist already are kept; threads are added each time. */
export async function loadDemoData(db: Db, options: { marker?: string } = {}): Promise<string> {
  const suffix = options.marker ? ` ${options.marker}` : ''
  const passwordHash = await hashPassword(demoPassword)
  const orgIds: number[] = []
  for (const org of demoOrganisations) orgIds.push(await ensureDemoOrganisation(db, org))
  const verifiedIds: number[] = []
  for (const person of demoMembers) {
    const org = demoOrganisations[person.org]!
    const email = `${person.local}@${org.domain}`
    const verifiedOnce = ['verified', 'suspended', 'expired'].includes(person.status)
    const row = await db
      .insertInto('members')
      .values({
        email,
        name: `${person.name}${suffix}`,
        job_title: person.job,
        organisation_id: orgIds[person.org]!,
        statement: `Ich arbeite als ${person.job} und möchte mich austauschen.${suffix}`,
        password_hash: passwordHash,
        role: person.role ?? 'member',
        status: person.status,
        status_reason: person.status === 'rejected' || person.status === 'suspended' ? 'Demo' : null,
        email_confirmed_at: person.status === 'pending_email' ? null : sql`now()`,
        verified_at: verifiedOnce ? sql`now() - interval '100 days'` : null,
        verification_evidence: verifiedOnce ? 'demo data' : null,
        verified_until: verifiedOnce ? sql`now() + interval '265 days'` : null,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst()
    const id = row?.id ?? (await findMemberByEmail(db, email))!.id
    if (person.status === 'verified') verifiedIds.push(id)
  }
  const threads = await seedDemoDiscussions(db, { authorIds: verifiedIds, marker: options.marker })
  return [
    `Demo-Daten geladen: ${demoOrganisations.length} Organisationen, ${demoMembers.length} Mitglieder in jedem Status, ${threads} Themen.`,
    `Anmelden z. B. als anna.becker@stadt-koeln.de (Mitglied) oder mona.moderation@stadt-koeln.de (Moderation), Passwort: ${demoPassword}`,
  ].join('\n')
}
