// The development mailbox (only with DEV_MAILBOX, see config.ts) and the admin mail queue.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { mailboxFilePattern, mailboxFolder } from '../../core/mail/mail.transport.ts'
import type { FeatureDeps } from '../../deps.ts'
import { NotFoundError } from '../../lib/errors.ts'
import { field, formSchema, param, parseForm } from '../../lib/form-schema.ts'
import { linkify, listMailbox, mailQueue, readMailboxMessage, retryMail } from './mail.service.ts'
import { decideUncertain, uncertainMails } from './uncertain.ts'

/** The HTML part of a dev mail is shown on its own, sandboxed, with no script and no remote content. */
const htmlPartPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

/** What the queue page says after a button: lenient, an unknown value shows no notice. */
const queueQuery = Type.Object({
  done: Type.Optional(Type.String({ maxLength: 40 })),
  count: Type.Optional(Type.String({ maxLength: 40 })),
})

const uncertainForm = formSchema({
  mail: field.line({ required: true, max: 200 }),
  decision: field.choice(['resend', 'discard'] as const),
})

export async function mailRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  if (deps.config.devMailbox) await app.register(devMailboxRoutes, deps)

  app.get(
    '/admin/mail',
    { config: { access: 'admin' }, schema: { querystring: queueQuery } },
    async (request, reply) => {
      const { done, count } = request.query
      const queued = count !== undefined && /^\d{1,7}$/.test(count) ? Number(count) : 0
      const notices: Record<string, string> = {
        retried: request.t('mailqueue.retried'),
        notRetried: request.t('mailqueue.notRetried'),
        digests: request.t('mailqueue.digestsQueued', { count: queued }),
        resent: request.t('mailqueue.resent'),
        discarded: request.t('mailqueue.discarded'),
        notDecided: request.t('mailqueue.notDecided'),
      }
      const queue = await mailQueue(deps.db)
      const uncertain = await uncertainMails(deps.db)
      return reply.page('mail/admin-queue', {
        title: request.t('mailqueue.title'),
        notice: done !== undefined && Object.hasOwn(notices, done) ? notices[done] : undefined,
        failed: queue.failed.map((entry) => ({ ...entry, taskLabel: `mailqueue.task.${entry.task}` })),
        pending: queue.pending.map((entry) => ({ ...entry, taskLabel: `mailqueue.task.${entry.task}` })),
        uncertain,
      })
    },
  )

  app.post(
    '/admin/mail/:id/retry',
    // No body schema: the body carries only the CSRF token (a form schema would attach a
    // failing id to the request instead of answering 404).
    { config: { access: 'admin' }, schema: { params: Type.Object({ id: param.id() }) } },
    async (request, reply) => {
      const retried = await retryMail(deps.db, request.params.id)
      return reply.redirect(`/admin/mail?done=${retried ? 'retried' : 'notRetried'}`, 303)
    },
  )

  // "Erneut senden" / "verwerfen" for a mail whose sending is uncertain (uncertain.ts).
  app.post(
    '/admin/mail/uncertain',
    { config: { access: 'admin' }, schema: { body: uncertainForm } },
    async (request, reply) => {
      const form = parseForm(request, uncertainForm)
      const decided =
        form.ok &&
        (await decideUncertain(deps.db, request.member!.id, form.values.mail, form.values.decision))
      const done = decided ? (form.values.decision === 'resend' ? 'resent' : 'discarded') : 'notDecided'
      return reply.redirect(`/admin/mail?done=${done}#uncertain`, 303)
    },
  )
}

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const mailboxFile = Type.Object({ file: Type.String({ pattern: mailboxFilePattern.source }) })

/**
 * Public on purpose, and only in development: a newcomer has to click the confirmation link
 * in their first mail before they can sign in at all. The mailbox holds everyone's links, so
 * config.ts switches it off whenever others could reach the server (production, SMTP, a
 * proxy, a non-loopback address), and it answers only requests from this machine itself.
 */
async function devMailboxRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const folder = mailboxFolder(deps.config)
  app.addHook('onRequest', async (request) => {
    if (!loopback.has(request.ip)) throw new NotFoundError()
  })

  app.get('/dev/mail', { config: { access: 'public' } }, async (request, reply) => {
    const messages = await listMailbox(folder)
    return reply.page('mail/dev-mailbox', { title: request.t('devmail.title'), messages, folder })
  })

  app.get(
    '/dev/mail/:file',
    { config: { access: 'public' }, schema: { params: mailboxFile } },
    async (request, reply) => {
      const message = await readMailboxMessage(folder, request.params.file)
      if (!message) throw new NotFoundError()
      return reply.page('mail/dev-message', {
        title: message.subject || request.t('devmail.noSubject'),
        message,
        textPieces: linkify(message.text),
      })
    },
  )

  app.get(
    '/dev/mail/:file/html',
    { config: { access: 'public' }, schema: { params: mailboxFile } },
    async (request, reply) => {
      const message = await readMailboxMessage(folder, request.params.file)
      if (!message?.html) throw new NotFoundError()
      return reply
        .header('content-security-policy', htmlPartPolicy)
        .type('text/html; charset=utf-8')
        .send(message.html)
    },
  )
}
