// The development mailbox (never registered in production) and the admin mail queue.
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { NotFoundError } from '../../lib/errors.ts'
import { parseId } from '../../lib/forms.ts'
import { linkify, listMailbox, mailQueue, readMailboxMessage, retryMail } from './mail.service.ts'
import { mailboxFolder } from './mail.transport.ts'

/** The HTML part of a dev mail is shown on its own, sandboxed, with no script and no remote content. */
const htmlPartPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

export async function mailRoutes(app: FastifyInstance, deps: FeatureDeps) {
  // Only where mail really lands in the local folder: never in production, never with SMTP.
  if (deps.config.env !== 'production' && !deps.config.smtpUrl) await app.register(devMailboxRoutes, deps)

  app.get('/admin/mail', { config: { access: 'admin' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    const notices: Record<string, string> = {
      retried: request.t('mailqueue.retried'),
      notRetried: request.t('mailqueue.notRetried'),
    }
    const count = typeof query.count === 'string' && /^\d{1,7}$/.test(query.count) ? query.count : '0'
    if (query.done === 'digests') notices.digests = request.t('mailqueue.digestsQueued', { count })
    const notice = typeof query.done === 'string' ? notices[query.done] : undefined
    const queue = await mailQueue(deps.db)
    return reply.page('mail/admin-queue', {
      title: request.t('mailqueue.title'),
      notice,
      failed: queue.failed.map((entry) => ({ ...entry, taskLabel: `mailqueue.task.${entry.task}` })),
      pending: queue.pending.map((entry) => ({ ...entry, taskLabel: `mailqueue.task.${entry.task}` })),
    })
  })

  app.post('/admin/mail/:id/retry', { config: { access: 'admin' } }, async (request, reply) => {
    const id = parseId((request.params as { id: string }).id)
    const retried = id !== undefined && (await retryMail(deps.db, id))
    return reply.redirect(`/admin/mail?done=${retried ? 'retried' : 'notRetried'}`, 303)
  })
}

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

/**
 * Public on purpose, and only outside production: a newcomer has to click the confirmation
 * link in their first mail before they can sign in at all. The mailbox holds everyone's links,
 * so it answers only requests from this machine itself.
 */
async function devMailboxRoutes(app: FastifyInstance, deps: FeatureDeps) {
  const folder = mailboxFolder(deps.config)
  const open = { config: { access: 'public' as const } }
  app.addHook('onRequest', async (request) => {
    if (!loopback.has(request.ip)) throw new NotFoundError()
  })

  app.get('/dev/mail', open, async (request, reply) => {
    const messages = await listMailbox(folder)
    return reply.page('mail/dev-mailbox', { title: request.t('devmail.title'), messages, folder })
  })

  app.get('/dev/mail/:file', open, async (request, reply) => {
    const message = await readMailboxMessage(folder, (request.params as { file: string }).file)
    if (!message) throw new NotFoundError()
    return reply.page('mail/dev-message', {
      title: message.subject || request.t('devmail.noSubject'),
      message,
      textPieces: linkify(message.text),
    })
  })

  app.get('/dev/mail/:file/html', open, async (request, reply) => {
    const message = await readMailboxMessage(folder, (request.params as { file: string }).file)
    if (!message?.html) throw new NotFoundError()
    return reply
      .header('content-security-policy', htmlPartPolicy)
      .type('text/html; charset=utf-8')
      .send(message.html)
  })
}
