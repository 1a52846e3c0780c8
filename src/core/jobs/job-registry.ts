// The job registry: every feature contributes its tasks and cron items (and, through the
// composition root src/jobs.ts, its mail templates); core runs them.
import type { CronItem, TaskList } from 'graphile-worker'
import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import type { MailTemplates } from '../mail/mail.templates.ts'
import type { MailTransport } from '../mail/mail.transport.ts'

/** What every feature's tasks receive from the composition root. */
export interface JobDeps {
  config: Config
  db: Db
  transport: MailTransport
  /** Every mail template of the app (src/jobs.ts lists them). */
  templates: MailTemplates
  logger?: Logger
  /** A key for one purpose, derived from the session secret (the web process derives the same). */
  deriveKey(purpose: string): Buffer
}

export interface FeatureJobs {
  tasks: TaskList
  cronItems?: CronItem[]
}

export interface JobRegistry {
  tasks: TaskList
  cronItems: CronItem[]
}

/** One task list and one cron table from the features'; a name used twice is a bug. */
export function jobRegistry(features: FeatureJobs[]): JobRegistry {
  const tasks: TaskList = {}
  const cronItems: CronItem[] = []
  for (const feature of features) {
    for (const [name, task] of Object.entries(feature.tasks)) {
      if (Object.hasOwn(tasks, name)) throw new Error(`job task defined twice: ${name}`)
      tasks[name] = task
    }
    cronItems.push(...(feature.cronItems ?? []))
  }
  for (const item of cronItems) {
    if (!Object.hasOwn(tasks, item.task)) throw new Error(`cron item for an unknown task: ${item.task}`)
  }
  return { tasks, cronItems }
}
