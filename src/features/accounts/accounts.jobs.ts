// Scheduled work of the membership feature, run by the job runner (graphile-worker cron).

import type { CronItem, TaskList } from 'graphile-worker'
import { sql } from 'kysely'
import type { FeatureJobs, JobDeps } from '../../core/jobs/job-registry.ts'
import { deleteExpiredSessions } from '../../core/sessions/session-store.ts'
import type { Db } from '../../db/database.ts'
import { type PasswordResetJob, passwordResetTask, sendPasswordResetLink } from './password-reset.ts'
import { runReconfirmation } from './reconfirmation.ts'

export function accountTasks(db: Db): TaskList {
  return {
    reconfirm_memberships: async (_payload, helpers) => {
      const result = await runReconfirmation(db)
      helpers.logger.info(
        `re-confirmation: ${result.reminded} reminded, ${result.sentToReview} sent to review, ${result.expired} expired`,
      )
    },
    [passwordResetTask]: async (payload) => {
      const job = payload as Partial<PasswordResetJob> | null
      if (typeof job?.email !== 'string') return
      await sendPasswordResetLink(db, { email: job.email, locale: job.locale === 'en' ? 'en' : 'de' })
    },
    clean_up_sessions: async () => {
      await deleteExpiredSessions(db)
      await db.deleteFrom('login_failures').where('at', '<', sql<Date>`now() - interval '1 day'`).execute()
      await db.deleteFrom('rate_limits').where('resets_at', '<', sql<Date>`now()`).execute()
    },
  }
}

/** Re-confirmation daily (05:00 UTC), clean-up hourly; missed runs are caught up after a restart. */
export function accountCronItems(): CronItem[] {
  return [
    {
      task: 'reconfirm_memberships',
      match: '0 5 * * *',
      identifier: 'reconfirm_memberships',
      options: { backfillPeriod: 24 * 3600_000, maxAttempts: 3 },
    },
    {
      task: 'clean_up_sessions',
      match: '17 * * * *',
      identifier: 'clean_up_sessions',
      options: { maxAttempts: 1 },
    },
  ]
}

/** The accounts feature's part of the job registry. */
export function accountJobs(deps: Pick<JobDeps, 'db'>): FeatureJobs {
  return { tasks: accountTasks(deps.db), cronItems: accountCronItems() }
}
