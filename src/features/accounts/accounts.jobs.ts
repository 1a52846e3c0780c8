// Scheduled work of the membership feature, run by the job runner (graphile-worker cron).
import { sql } from 'kysely'
import type { TaskList } from 'graphile-worker'
import type { Db } from '../../db/database.ts'
import { deleteExpiredSessions } from '../../plugins/session-store.ts'
import { runReconfirmation } from './reconfirmation.ts'

export function accountTasks(db: Db): TaskList {
  return {
    reconfirm_memberships: async (_payload, helpers) => {
      const result = await runReconfirmation(db)
      helpers.logger.info(`re-confirmation: ${result.reminded} reminded, ${result.expired} expired`)
    },
    clean_up_sessions: async () => {
      await deleteExpiredSessions(db)
      await db.deleteFrom('login_failures').where('at', '<', sql<Date>`now() - interval '1 day'`).execute()
      await db.deleteFrom('rate_limits').where('resets_at', '<', sql<Date>`now()`).execute()
    },
  }
}

/** Re-confirmation daily at 06:00, clean-up hourly. */
export const accountCrontab = ['0 6 * * * reconfirm_memberships', '17 * * * * clean_up_sessions'].join('\n')
