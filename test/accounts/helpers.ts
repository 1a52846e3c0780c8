// What the accounts tests share: signing in through the form, from a chosen client address.
import type { FastifyInstance } from 'fastify'
import { createAgent } from '../helpers/agent.ts'
import { defaultPassword } from '../helpers/factories.ts'

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
