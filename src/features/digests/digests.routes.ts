// Digest settings (members), the one-click unsubscribe (public, signed link) and the admin
// "send due digests now" button. Every route declares its input.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { field, maxId, parseForm } from '../../lib/form-schema.ts'
import {
  type SettingsForm,
  sendDueDigestsNow,
  settingsPage,
  unsubscribe,
  unsubscribeTokenValid,
  updateSettings,
} from './digests.service.ts'
import { digestFrequencies, notifyModes } from './digests.tables.ts'
import { acceptOneClickMultipart, unsubscribeKeyPurpose } from './unsubscribe.ts'

const choose = 'digestSettings.error.choose'

/**
 * The settings form. Not a formSchema: the Themenräume are a list of ticked boxes, which the
 * edge would fold to their first value; Ajv turns a single value into a list of one.
 */
const settingsBody = Type.Object({
  frequency: field.choice(digestFrequencies, { label: 'digestSettings.frequency', message: choose }),
  scope: field.choice(['all', 'selected'] as const, { label: 'digestSettings.scope', message: choose }),
  notifyMode: field.choice(notifyModes, { label: 'digestSettings.notify', message: choose }),
  categories: Type.Optional(
    Type.Array(Type.Integer({ minimum: 1, maximum: maxId }), {
      maxItems: 200,
      'x-label': 'digestSettings.categories',
      'x-message': 'digestSettings.error.categories',
    }),
  ),
})
const radioFields = ['frequency', 'scope', 'notifyMode']

/** A radio group left empty asks the member to choose, not to "fill in" a field. */
function settingsErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([name, error]) => [
      name,
      radioFields.includes(name) && error.key === 'validation.required' ? { ...error, key: choose } : error,
    ]),
  )
}

/** What the member sent, shown again in the form after an error (display only, never saved). */
function sentBack(body: unknown): SettingsForm {
  const sent = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  const list = Array.isArray(sent.categories)
    ? sent.categories
    : sent.categories === undefined
      ? []
      : [sent.categories]
  return {
    frequency: text(sent.frequency),
    scope: text(sent.scope),
    notifyMode: text(sent.notifyMode),
    categoryIds: list.map(String),
  }
}

/** Radio buttons of one group; the first carries the id the error summary links to. */
function radios(name: string, values: readonly string[], current: string) {
  const labelKey = name === 'notifyMode' ? 'notify' : name
  return values.map((value, index) => ({
    value,
    checked: current === value,
    inputId: index === 0 ? `field-${name}` : `${name}-${value}`,
    label: `digestSettings.${labelKey}.${value}`,
  }))
}

export async function digestsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
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
      frequencies: radios('frequency', digestFrequencies, data.form.frequency),
      scopes: radios('scope', ['all', 'selected'], data.form.scope),
      notifyModes: radios('notifyMode', notifyModes, data.form.notifyMode),
      hour: String(config.digestHour).padStart(2, '0'),
      weekday: `digestSettings.weekday.${config.digestWeekday}`,
    })
  }

  app.get(
    '/account/digest',
    { schema: { querystring: Type.Object({ saved: Type.Optional(Type.String({ maxLength: 10 })) }) } },
    async (request, reply) => {
      const page = await settingsPage(db, request.member!.id)
      return renderSettings(request, reply, { ...page, saved: request.query.saved === '1' })
    },
  )

  app.post(
    '/account/digest',
    { schema: { body: settingsBody }, attachValidation: true },
    async (request, reply) => {
      const form = parseForm(request, settingsBody)
      try {
        if (!form.ok) throw new ValidationError(form.errors)
        const { frequency, scope, notifyMode, categories = [] } = form.values
        await updateSettings(db, request.member!.id, { frequency, scope, notifyMode, categories })
        return reply.redirect('/account/digest?saved=1', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const { categories } = await settingsPage(db, request.member!.id)
        reply.code(422)
        return renderSettings(request, reply, {
          form: sentBack(request.body),
          categories,
          errors: settingsErrors(error.fields),
        })
      }
    },
  )

  app.post(
    '/admin/digests/send',
    { config: { access: 'admin' } }, // no input but the CSRF token
    async (_request, reply) => {
      const count = await sendDueDigestsNow(db, config, deps.clock)
      return reply.redirect(`/admin/mail?done=digests&count=${count}`, 303)
    },
  )

  await app.register(unsubscribeRoutes, { key: deps.deriveKey(unsubscribeKeyPurpose), db })
}

/**
 * RFC 8058 one-click unsubscribe. Mail scanners open links, so GET only shows a confirm
 * button; the POST (from that button or from the mail client) needs no session and no CSRF
 * token, does not redirect, is idempotent, and shows the same page whoever it was for.
 */
const unsubscribeParams = Type.Object({ token: Type.String({ maxLength: 100 }) })
/** RFC 8058's one-click body; nothing in it is needed. */
const oneClickBody = Type.Optional(
  Type.Object({ 'List-Unsubscribe': Type.Optional(Type.String({ maxLength: 100 })) }),
)

async function unsubscribeRoutes(fastify: FastifyInstance, options: { key: Buffer; db: FeatureDeps['db'] }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  acceptOneClickMultipart(app) // this scope only (see unsubscribe.ts)

  const invalid = (request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(400)
      .page('digests/unsubscribe', { title: request.t('unsubscribe.invalidTitle'), state: 'invalid' })

  app.get(
    '/unsubscribe/:token',
    { config: { access: 'public' }, schema: { params: unsubscribeParams } },
    async (request, reply) => {
      const { token } = request.params
      if (!unsubscribeTokenValid(options.key, token)) return invalid(request, reply)
      return reply.page('digests/unsubscribe', {
        title: request.t('unsubscribe.title'),
        state: 'confirm',
        token,
      })
    },
  )

  app.post(
    '/unsubscribe/:token',
    { config: { access: 'public', csrf: false }, schema: { params: unsubscribeParams, body: oneClickBody } },
    async (request, reply) => {
      const done = await unsubscribe(options.db, options.key, request.params.token)
      if (!done) return invalid(request, reply)
      return reply.page('digests/unsubscribe', { title: request.t('unsubscribe.doneTitle'), state: 'done' })
    },
  )
}
