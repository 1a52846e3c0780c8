// The mail feature's job: send_mail (every mail queued with enqueueMail). Old delivery records
// (mail_sends) are removed by the accounts feature's retention job (RETENTION_MAIL_DAYS).
import type { FeatureJobs, JobDeps } from '../../core/jobs/job-registry.ts'
import type { MailJob } from '../../core/mail/mail.queue.ts'
import { deliverMail } from './mail.delivery.ts'

export function mailJobs(deps: JobDeps): FeatureJobs {
  return {
    tasks: {
      send_mail: async (payload) => {
        await deliverMail(deps, payload as MailJob)
      },
    },
  }
}
