// A member's settings for messages (mail or not) and the people they blocked.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { parseForm } from '../../lib/form-schema.ts'
import { memberForm, settingsForm } from './messages.schemas.ts'
import * as service from './messages.service.ts'

const me = (request: FastifyRequest): CurrentMember => request.member!
const mailModes = ['immediately', 'hourly', 'never'] as const

/** Only a path of this site (a conversation, the settings) is a place to go back to. */
function backTo(value: string | undefined): string {
  return value && /^\/messages\/\d{1,10}$/.test(value) ? value : '/messages/settings'
}

export async function messageSettingsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  async function renderSettings(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { status?: number; errors?: FieldErrors; mode?: string; saved?: boolean } = {},
  ) {
    const mode = state.mode ?? (await service.mailModeOf(db, me(request)))
    return reply.code(state.status ?? 200).page('messages/settings', {
      title: request.t('messages.settings.title'),
      modes: mailModes.map((value, index) => ({
        value,
        label: `messages.settings.mail.${value}`,
        checked: value === mode,
        inputId: index === 0 ? 'field-mailMode' : `mailMode-${value}`,
      })),
      blocked: await service.blockedMembers(db, me(request)),
      errors: state.errors,
      saved: state.saved,
    })
  }

  app.get('/messages/settings', async (request, reply) => renderSettings(request, reply))

  app.post('/messages/settings', { schema: { body: settingsForm } }, async (request, reply) => {
    const form = parseForm(request, settingsForm)
    if (!form.ok) return renderSettings(request, reply, { status: 422, errors: form.errors, mode: '' })
    await service.setMailMode(db, me(request), form.values.mailMode)
    return renderSettings(request, reply, { saved: true })
  })

  for (const [path, action] of [
    ['/messages/blocks', 'block'],
    ['/messages/blocks/remove', 'unblock'],
  ] as const) {
    app.post(path, { schema: { body: memberForm } }, async (request, reply) => {
      const form = parseForm(request, memberForm)
      if (!form.ok) return renderSettings(request, reply, { status: 422, errors: form.errors })
      const memberId = Number(form.values.member)
      try {
        if (action === 'block') await service.blockMember(db, me(request), memberId)
        else await service.unblockMember(db, me(request), memberId)
      } catch (error) {
        if (error instanceof ValidationError)
          return renderSettings(request, reply, { status: 422, errors: error.fields })
        throw error
      }
      request.session.flash = request.t(action === 'block' ? 'messages.block.done' : 'messages.block.undone')
      return reply.redirect(backTo(form.values.back), 303)
    })
  }
}
