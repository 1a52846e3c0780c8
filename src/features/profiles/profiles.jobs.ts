// Scheduled work of the profiles feature: completing successions whose successor has been
// verified (by a moderator, or by the organisation's automatic approval) since the last run.
import type { FeatureJobs, JobDeps } from '../../core/jobs/job-registry.ts'
import { completeDueSuccessions } from './succession.ts'

export function profileJobs(deps: Pick<JobDeps, 'db'>): FeatureJobs {
  return {
    tasks: {
      complete_successions: async (_payload, helpers) => {
        const completed = await completeDueSuccessions(deps.db)
        if (completed > 0) helpers.logger.info(`successions completed: ${completed}`)
      },
    },
    cronItems: [
      {
        task: 'complete_successions',
        match: '* * * * *',
        identifier: 'complete_successions',
        options: { backfillPeriod: 0, maxAttempts: 3 },
      },
    ],
  }
}
