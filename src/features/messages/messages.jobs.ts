// Scheduled work of the messages feature: the hourly summaries for members who chose them.
import type { FeatureJobs, JobDeps } from '../../core/jobs/job-registry.ts'
import { mailHourlySummaries } from './messages.service.ts'

export function messageJobs(deps: Pick<JobDeps, 'db'>): FeatureJobs {
  return {
    tasks: {
      mail_message_summaries: async (_payload, helpers) => {
        const mailed = await mailHourlySummaries(deps.db)
        if (mailed > 0) helpers.logger.info(`message summaries queued: ${mailed}`)
      },
    },
    cronItems: [
      {
        task: 'mail_message_summaries',
        match: '0 * * * *',
        identifier: 'mail_message_summaries',
        options: { backfillPeriod: 0, maxAttempts: 3 },
      },
    ],
  }
}
