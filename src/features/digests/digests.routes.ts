// Digest settings (members), the one-click unsubscribe (public, signed link) and the admin
// "send due digests now" button.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import {
  type SettingsForm,
  sendDueDigestsNow,
  settingsPage,
  unsubscribe,
  unsubscribeTokenValid,
  updateSettings,
} from './digests.service.ts'
import { unsubscribeKeyPurpose } from './unsubscribe.ts'

/** Radio buttons of one group; the first carries the id the error summary links to. */
function radios(name: string, values: string[], current: string) {
  const labelKey = name === 'notifyMode' ? 'notify' : name
  return values.map((value, index) => ({
    value,
    checked: current === value,
    inputId: index === 0 ? `field-${name}` : `${name}-${value}`,
    label: `digestSettings.${labelKey}.${value}`,
  }))
}

export async function digestsRoutes(app: FastifyInstance, deps: FeatureDeps) {
  const { db, config } = deps

  function renderSettings(
    request: FastifyRequest,
    reply: FastifyReply,
    data: {
      form: SettingsForm
      categories: { id: number; name: string }[]
      errors?: FieldErrors
      saved?: boolean
    },
  ) {
    const chosen = new Set(data.form.categoryIds)
    return reply.page('digests/settings', {
      title: request.t('digestSettings.title'),
      form: data.form,
      errors: data.errors,
      saved: data.saved,
      categories: data.categories.map((c, index) => ({
        ...c,
        checked: chosen.has(String(c.id)),
        inputId: index === 0 ? 'field-categories' : `category-${c.id}`,
      })),
      frequencies: radios('frequency', ['daily', 'weekly', 'never'], data.form.frequency),
      scopes: radios('scope', ['all', 'selected'], data.form.scope),
      notifyModes: radios('notifyMode', ['immediately', 'hourly', 'never'], data.form.notifyMode),
      hour: String(config.digestHour).padStart(2, '0'),
      weekday: `digestSettings.weekday.${config.digestWeekday}`,
    })
  }

  app.get('/account/digest', async (request, reply) => {
    const page = await settingsPage(db, request.member!.id)
    const saved = (request.query as Record<string, unknown>).saved === '1'
    return renderSettings(request, reply, { ...page, saved })
  })

  app.post('/account/digest', async (request, reply) => {
    const result = await updateSettings(db, request.member!.id, request.body)
    if (result.ok) return reply.redirect('/account/digest?saved=1', 303)
    reply.code(422)
    return renderSettings(request, reply, result)
  })

  app.post('/admin/digests/send', { config: { access: 'admin' } }, async (_request, reply) => {
    const count = await sendDueDigestsNow(db, config, deps.clock)
    return reply.redirect(`/admin/mail?done=digests&count=${count}`, 303)
  })

  await app.register(unsubscribeRoutes, { key: deps.deriveKey(unsubscribeKeyPurpose), db })
}

/**
 * RFC 8058 one-click unsubscribe. Mail scanners open links, so GET only shows a confirm
 * button; the POST (from that button or from the mail client) needs no session and no CSRF
 * token, does not redirect, is idempotent, and shows the same page whoever it was for.
 */
async function unsubscribeRoutes(app: FastifyInstance, options: { key: Buffer; db: FeatureDeps['db'] }) {
  // Mail clients may post the one-click body as multipart/form-data; we need nothing from it.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 4096 }, (_r, _b, done) =>
    done(null, {}),
  )

  const invalid = (request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(400)
      .page('digests/unsubscribe', { title: request.t('unsubscribe.invalidTitle'), state: 'invalid' })

  app.get('/unsubscribe/:token', { config: { access: 'public' } }, async (request, reply) => {
    const token = (request.params as { token: string }).token
    if (!unsubscribeTokenValid(options.key, token)) return invalid(request, reply)
    return reply.page('digests/unsubscribe', {
      title: request.t('unsubscribe.title'),
      state: 'confirm',
      token,
    })
  })

  app.post('/unsubscribe/:token', { config: { access: 'public', csrf: false } }, async (request, reply) => {
    const done = await unsubscribe(options.db, options.key, (request.params as { token: string }).token)
    if (!done) return invalid(request, reply)
    return reply.page('digests/unsubscribe', { title: request.t('unsubscribe.doneTitle'), state: 'done' })
  })
}
