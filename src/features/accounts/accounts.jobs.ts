// Scheduled work of the membership feature, run by the job runner (graphile-worker cron).
import type { TaskList } from 'graphile-worker'
import type { Db } from '../../db/database.ts'
import { runReconfirmation } from './reconfirmation.ts'

export function accountTasks(db: Db): TaskList {
  return {
    reconfirm_memberships: async (_payload, helpers) => {
      const result = await runReconfirmation(db)
      helpers.logger.info(`re-confirmation: ${result.reminded} reminded, ${result.expired} expired`)
    },
  }
}

/** Daily at 06:00 (Europe/Berlin is the server's job time zone; once a day is what matters). */
export const accountCrontab = '0 6 * * * reconfirm_memberships'
