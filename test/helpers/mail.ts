// Runs the real mail job queue against a test database and collects what was sent.
import { runOnce } from 'graphile-worker'
import type Mail from 'nodemailer/lib/mailer'
import { memoryTransport } from '../../src/features/mail/mail.transport.ts'
import { quietLogger, taskList } from '../../src/features/mail/mail.worker.ts'
import '../../src/features/accounts/accounts.mails.ts'
import { testConfig } from './app.ts'
import type { TestDatabase } from './db.ts'

/** Works off every queued job once and returns the messages that went out. */
export async function sendQueuedMail(database: TestDatabase): Promise<Mail.Options[]> {
  const transport = memoryTransport()
  await runOnce({
    connectionString: database.url,
    taskList: taskList({ config: testConfig(), db: database.db, transport }),
    logger: quietLogger(),
  })
  return transport.messages
}

/** The first link in a message's text part that starts with the test base URL. */
export function linkIn(message: Mail.Options, pathPrefix: string): string {
  const text = String(message.text ?? '')
  const match = text.match(new RegExp(`http://forum\\.test(${pathPrefix.replace(/[/?]/g, '\\$&')}[^\\s]*)`))
  if (!match?.[1]) throw new Error(`no ${pathPrefix} link in: ${text}`)
  return match[1]
}
