// Scheduled work of the attachments feature: every hour, attachments nobody can reach any more
// (on deleted posts, of deleted accounts, of forms never sent within a day) are removed, and
// then the blobs no attachment references (after an hour's grace, so an upload that has just
// found its blob keeps it).
import type { FeatureJobs, JobDeps } from '../../core/jobs/job-registry.ts'
import { collectGarbage } from './attachments.service.ts'

export function attachmentJobs(deps: Pick<JobDeps, 'db'>): FeatureJobs {
  return {
    tasks: {
      collect_attachment_garbage: async (_payload, helpers) => {
        const removed = await collectGarbage(deps.db, new Date())
        if (removed.attachments > 0 || removed.blobs > 0) {
          helpers.logger.info(
            `attachments collected: ${removed.attachments} attachments, ${removed.blobs} blobs (${removed.bytes} bytes)`,
          )
        }
      },
    },
    cronItems: [
      {
        task: 'collect_attachment_garbage',
        match: '17 * * * *',
        identifier: 'collect_attachment_garbage',
        options: { backfillPeriod: 0, maxAttempts: 3 },
      },
    ],
  }
}
