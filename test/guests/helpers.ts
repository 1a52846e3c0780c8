// Shared set-up of the guests tests: a guest proposed, approved and accepted through the real
// forms and the real mail queue.
import type { FastifyInstance } from 'fastify'
import { type Agent, createAgent } from '../helpers/agent.ts'
import type { TestDatabase } from '../helpers/db.ts'
import { linkIn, sendQueuedMail } from '../helpers/mail.ts'

let counter = 0

export const guestPassword = 'Gast-Passwort-sehr-lang-7'

export function guestValues(
  values: Partial<Record<'email' | 'name' | 'organisation' | 'reason', string>> = {},
) {
  counter += 1
  const id = `${Date.now().toString(36)}${counter}`
  return {
    email: values.email ?? `prof.${id}@uni-muenster.example`,
    name: values.name ?? `Prof. Dr. Ada Forscherin ${id}`,
    organisation: values.organisation ?? 'Universität Münster',
    reason: values.reason ?? 'Sie forscht zu Registermodernisierung.',
  }
}

export async function propose(agent: Agent, threadId: number, values: ReturnType<typeof guestValues>) {
  return agent.submit(`/t/${threadId}/guests`, `/t/${threadId}/guests`, values)
}

/** The id of the newest proposal for this address. */
export async function proposalId(database: TestDatabase, email: string): Promise<number> {
  const row = await database.db
    .selectFrom('thread_guests')
    .select('id')
    .where('email', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function decide(moderator: Agent, guestId: number, decision: 'approve' | 'decline') {
  return moderator.submit('/moderation/guests', `/moderation/guests/${guestId}`, { decision })
}

/** Proposed by `proposer`, approved by `moderator`, accepted via the mail's link, signed in on /login. */
export async function invitedGuest(
  app: FastifyInstance,
  database: TestDatabase,
  proposer: Agent,
  moderator: Agent,
  threadId: number,
  values = guestValues(),
) {
  const proposed = await propose(proposer, threadId, values)
  if (proposed.statusCode !== 303) throw new Error(`proposal refused: ${proposed.statusCode}`)
  const id = await proposalId(database, values.email)
  await decide(moderator, id, 'approve')
  const mails = await sendQueuedMail(database)
  const mail = mails.find((m) => m.to === values.email)
  if (!mail) throw new Error('no invitation mail')
  const link = linkIn(mail, '/guest/accept/')
  const agent = createAgent(app)
  const accepted = await agent.submit(link, link, { password: guestPassword })
  if (accepted.statusCode !== 303) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`)
  const signedIn = await agent.submit('/login', '/login', {
    email: values.email,
    password: guestPassword,
    next: '/',
  })
  const member = await database.db
    .selectFrom('members')
    .select(['id', 'status'])
    .where('email', '=', values.email)
    .executeTakeFirstOrThrow()
  return { agent, values, mail, link, guestId: id, memberId: member.id, signedIn }
}
