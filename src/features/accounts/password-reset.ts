// A forgotten password: a link by mail, valid 2 hours, used by the button on its page.
// Asking for one does the same work for every address (one job in the queue), so neither the
// answer nor its timing tells whether an address is registered; the job finds out.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import { addJob } from '../../core/jobs/job-queue.ts'
import { mailMember } from '../../core/mail/mail.queue.ts'
import { endAllSessions } from '../../core/sessions/session-store.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import { ValidationError } from '../../lib/errors.ts'
import { findMemberByEmail } from './accounts.repository.ts'
import { hashPassword, passwordProblems } from './passwords.ts'
import { forgetFailures } from './sign-in.ts'
import { consumeToken, issueToken } from './tokens.ts'

export const passwordResetTask = 'accounts_password_reset'

export interface PasswordResetJob {
  email: string
  locale: Locale
}

/** One job per address at a time: asking again before it ran replaces it (one mail, not five). */
export async function requestPasswordReset(db: Db, email: string, locale: Locale): Promise<void> {
  const job: PasswordResetJob = { email, locale }
  await addJob(db, {
    task: passwordResetTask,
    payload: { ...job },
    key: `password-reset:${email.toLowerCase()}`,
    maxAttempts: 5,
  })
}

/** The job: mails a link only to an existing account that may still sign in. */
export async function sendPasswordResetLink(db: Db, job: PasswordResetJob): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const member = await findMemberByEmail(trx, job.email)
    if (!member || member.status === 'rejected') return
    const token = await issueToken(trx, member.id, 'reset_password')
    await mailMember(trx, member, 'account.reset_password', { token }, job.locale)
  })
}

/** The reset page's button. Returns false when the link is used or expired. */
export async function resetPassword(db: Db, token: string, password: string): Promise<boolean> {
  const problems = passwordProblems(password)
  if (Object.keys(problems).length > 0) throw new ValidationError(problems)
  const passwordHash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'reset_password')
    if (!used) return false
    const member = await trx
      .updateTable('members')
      .set({ password_hash: passwordHash, updated_at: sql`now()` })
      .where('id', '=', used.member_id)
      .returning(['id', 'email'])
      .executeTakeFirstOrThrow()
    await endAllSessions(trx, member.id)
    await forgetFailures(trx, member.email)
    await recordAudit(trx, { action: 'password.reset', actorId: member.id, subjectId: member.id })
    return true
  })
}
