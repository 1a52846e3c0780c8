// What the accounts tests share: signing in through the form, running the accounts feature's
// own jobs (the password-reset job mails through the ordinary queue afterwards).
import type { FastifyInstance } from 'fastify'
import { Logger, runOnce } from 'graphile-worker'
import { accountTasks } from '../../src/features/accounts/accounts.jobs.ts'
import { createAgent } from '../helpers/agent.ts'
import type { TestDatabase } from '../helpers/db.ts'
import { defaultPassword } from '../helpers/factories.ts'

const silent = new Logger(() => () => {})

/** Works off the queued accounts jobs (not the mail: sendQueuedMail does that). */
export async function runAccountJobs(database: TestDatabase): Promise<void> {
  await runOnce({ connectionString: database.url, taskList: accountTasks(database.db), logger: silent })
}

export interface SignInOptions {
  password?: string
  next?: string
  /** The client's address as Fastify sees it (request.ip). */
  ip?: string
  headers?: Record<string, string>
}

/** A fresh browser (or the given one) that submits the sign-in form. */
export async function signIn(
  app: FastifyInstance,
  email: string,
  options: SignInOptions = {},
  agent = createAgent(app),
) {
  const form = {
    email,
    password: options.password ?? defaultPassword,
    ...(options.next !== undefined ? { next: options.next } : {}),
  }
  const response = await agent.submit('/login', '/login', form, options.headers)
  return { agent, response }
}
