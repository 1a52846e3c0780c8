// The mail feature's jobs: send_mail (every mail queued with enqueueMail) and the daily
// clean-up of old delivery records.

import type { FeatureJobs, JobDeps } from '../../core/jobs/job-registry.ts'
import type { MailJob } from '../../core/mail/mail.queue.ts'
import { deliverMail } from './mail.delivery.ts'
import { pruneSends } from './mail.sends.ts'

const keepRecordsMs = 30 * 86_400_000

export function mailJobs(deps: JobDeps): FeatureJobs {
  return {
    tasks: {
      send_mail: async (payload) => {
        await deliverMail(deps, payload as MailJob)
      },
      clean_up_mail: async () => {
        await pruneSends(deps.db, new Date(Date.now() - keepRecordsMs))
      },
    },
    cronItems: [
      {
        task: 'clean_up_mail',
        match: '41 3 * * *',
        identifier: 'clean_up_mail',
        options: { maxAttempts: 1 },
      },
    ],
  }
}
