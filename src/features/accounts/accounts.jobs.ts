// Scheduled work of the membership feature, run by the job runner (graphile-worker cron).

import type { CronItem, TaskList } from 'graphile-worker'
import { sql } from 'kysely'
import type { Config } from '../../config.ts'
import type { FeatureJobs, JobDeps } from '../../core/jobs/job-registry.ts'
import { deleteExpiredSessions } from '../../core/sessions/session-store.ts'
import type { Db } from '../../db/database.ts'
import { composeDataExport, exportTask } from './data-export.ts'
import { type PasswordResetJob, passwordResetTask, sendPasswordResetLink } from './password-reset.ts'
import { runReconfirmation } from './reconfirmation.ts'
import { applyRetention } from './retention.ts'

export function accountTasks(db: Db, config: Config): TaskList {
  return {
    [exportTask]: async (payload) => {
      const exportId = (payload as { exportId?: unknown } | null)?.exportId
      if (typeof exportId === 'number') await composeDataExport(db, exportId)
    },
    apply_retention: async (_payload, helpers) => {
      const result = await applyRetention(
        db,
        {
          unconfirmedDays: config.retentionUnconfirmedDays,
          rejectedDays: config.retentionRejectedDays,
          mailDays: config.retentionMailDays,
        },
        new Date(),
      )
      helpers.logger.info(
        `retention: ${result.unconfirmed} unconfirmed registrations, ${result.rejected} rejected applications, ${result.mailRecords} mail records, ${result.failedMail} undeliverable mails, ${result.exports} exports, ${result.drafts} drafts removed`,
      )
    },
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

/** Re-confirmation and retention daily (05:00 and 04:23 UTC), clean-up hourly; missed runs are caught up after a restart. */
export function accountCronItems(): CronItem[] {
  return [
    {
      task: 'reconfirm_memberships',
      match: '0 5 * * *',
      identifier: 'reconfirm_memberships',
      options: { backfillPeriod: 24 * 3600_000, maxAttempts: 3 },
    },
    {
      task: 'apply_retention',
      match: '23 4 * * *',
      identifier: 'apply_retention',
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
export function accountJobs(deps: Pick<JobDeps, 'db' | 'config'>): FeatureJobs {
  return { tasks: accountTasks(deps.db, deps.config), cronItems: accountCronItems() }
}
