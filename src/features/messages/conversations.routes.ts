// Conversations: the list, a new conversation (with the recipients picker that works without
// JavaScript), a conversation with its reply form (htmx appends the new message and moves the
// focus to it), adding a person and leaving. Member-only (the trust gate's default); a member
// who takes no part in a conversation gets the same 404 as for one that does not exist.
import { randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { keepTyped, parseForm } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { restoredDraft } from '../drafts/drafts.service.ts'
import {
  addParticipantForm,
  conversationParams,
  conversationQuery,
  limits,
  newConversationForm,
  newConversationQuery,
  recipientQuery,
  replyForm,
} from './messages.schemas.ts'
import * as service from './messages.service.ts'
import { conversationView, messageView } from './messages.view.ts'

const me = (request: FastifyRequest): CurrentMember => request.member!

const perMember = (prefix: string, max: number, timeWindow: number) => ({
  max,
  timeWindow,
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `${prefix}:${request.member?.id ?? request.ip}`,
})

/** Against mass messaging: new conversations per hour, messages per minute, people added per hour. */
export const messageLimits = {
  newConversation: perMember('dm-new', 10, 3600_000),
  message: perMember('dm-send', 20, 60_000),
  addParticipant: perMember('dm-add', 30, 3600_000),
  picker: perMember('dm-pick', 120, 60_000),
}

interface NewFormState {
  status?: number
  values?: Record<string, string>
  errors?: FieldErrors
  chosen?: number[]
  results?: service.MemberChoice[]
  searched?: boolean
  focusSearch?: boolean
}

export async function conversationRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  // The navigation's count: conversations with unread messages, read with the session (columns);
  // load() is the fallback.
  app.addLayoutData({
    keys: ['messageCount'],
    load: async (request) => ({ messageCount: await service.unreadConversations(db, me(request)) }),
    columns: { messageCount: service.unreadConversationsColumn },
  })

  app.get('/messages', async (request, reply) => {
    const conversations = await service.listConversations(db, me(request))
    return reply.page('messages/list', {
      title: request.t('messages.list.title'),
      conversations: conversations.map((line) => ({
        ...line,
        names: line.names.join(', '),
        href: `/messages/${line.id}`,
      })),
    })
  })

  async function renderNewForm(request: FastifyRequest, reply: FastifyReply, state: NewFormState = {}) {
    const chosen = await service.chosenRecipients(db, me(request), state.chosen ?? [])
    const values = { formKey: randomUUID(), ...(state.values ?? {}) }
    return reply.code(state.status ?? 200).page('messages/new', {
      title: request.t('messages.new.title'),
      values,
      toList: chosen.map((m) => m.id).join(','),
      chosen,
      results: state.results ?? [],
      searched: state.searched ?? false,
      focusSearch: state.focusSearch ?? false,
      errors: state.errors,
      limits,
    })
  }

  app.get('/messages/new', { schema: { querystring: newConversationQuery } }, async (request, reply) =>
    renderNewForm(request, reply, { chosen: request.query.to ? [request.query.to] : [] }),
  )

  /** Live results of the picker (htmx); without JavaScript the same search on the form page. */
  app.get(
    '/messages/recipients',
    { config: { rateLimit: messageLimits.picker }, schema: { querystring: recipientQuery } },
    async (request, reply) => {
      const q = (request.query.q ?? '').slice(0, limits.queryMax)
      const chosen = service.parseIdList(request.query.to)
      const results = await service.searchRecipients(db, me(request), q, chosen)
      if (wantsFragment(request))
        return reply.fragment('messages/_picker-results', { results, searched: q.trim() !== '' })
      return renderNewForm(request, reply, { chosen, results, searched: true, values: { q } })
    },
  )

  /** The picker's buttons without JavaScript: search, add, remove; everything typed is kept. */
  app.post(
    '/messages/new',
    { config: { rateLimit: messageLimits.picker }, schema: { body: newConversationForm } },
    async (request, reply) => {
      const form = parseForm(request, newConversationForm)
      const values = keepTyped(newConversationForm, form.values)
      // Only well-formed ids count (a broken one is shown as the form's error).
      const [removed] = service.parseIdList(form.values.remove)
      const chosen = service
        .parseIdList(`${form.values.to ?? ''},${form.values.add ?? ''}`)
        .filter((id) => id !== removed)
      const q = form.values.q ?? ''
      const searching = form.values.action === 'search' || (!form.values.add && !form.values.remove)
      const results = searching ? await service.searchRecipients(db, me(request), q, chosen) : []
      const { body, formKey } = values
      return renderNewForm(request, reply, {
        chosen,
        results,
        searched: searching && q.trim() !== '',
        focusSearch: true,
        values: { body: body ?? '', formKey: formKey || randomUUID(), q: searching ? q : '' },
        ...(form.ok ? {} : { status: 422, errors: form.errors }),
      })
    },
  )

  app.post(
    '/messages',
    { config: { rateLimit: messageLimits.newConversation }, schema: { body: newConversationForm } },
    async (request, reply) => {
      const form = parseForm(request, newConversationForm)
      const values = keepTyped(newConversationForm, form.values)
      const chosen = service.parseIdList(form.values.to)
      const again = (errors: FieldErrors) =>
        renderNewForm(request, reply, { status: 422, errors, chosen, values: { ...values, q: '' } })
      if (!form.ok) return again(form.errors)
      try {
        const id = await service.startConversation(db, me(request), {
          to: chosen,
          body: form.values.body,
          formKey: form.values.formKey,
        })
        return reply.redirect(`/messages/${id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(error.fields)
        throw error
      }
    },
  )

  async function renderConversation(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: { status?: number; values?: Record<string, string>; errors?: FieldErrors; before?: number } = {},
  ) {
    const page = await service.openConversation(db, me(request), id, { before: state.before })
    const view = conversationView(request, id, page)
    const replyBox = { values: { formKey: randomUUID(), ...(state.values ?? {}) }, conversationId: id }
    const data = {
      ...view,
      replyBox,
      older: state.before !== undefined,
      errors: state.errors,
      limits,
      // The page counts this conversation as read now.
      layout: { messageCount: await service.unreadConversations(db, me(request)) },
    }
    if (state.status === 422 && wantsFragment(request)) {
      reply.header('hx-retarget', '#reply-box').header('hx-reswap', 'outerHTML')
      return reply.code(422).fragment('messages/_reply-box', data)
    }
    return reply.code(state.status ?? 200).page('messages/conversation', data)
  }

  app.get(
    '/messages/:id',
    { schema: { params: conversationParams, querystring: conversationQuery } },
    async (request, reply) => {
      const id = request.params.id
      const draft = request.query.draft
        ? await restoredDraft(db, me(request).id, `/messages/${id}|`)
        : undefined
      if (draft) request.session.flash = request.t('drafts.restored')
      const values = draft && { body: draft.body ?? '', ...(draft.formKey ? { formKey: draft.formKey } : {}) }
      return renderConversation(request, reply, id, { before: request.query.before, values })
    },
  )

  app.post(
    '/messages/:id',
    { config: { rateLimit: messageLimits.message }, schema: { params: conversationParams, body: replyForm } },
    async (request, reply) => {
      const id = request.params.id
      const form = parseForm(request, replyForm)
      if (!form.ok)
        return renderConversation(request, reply, id, {
          status: 422,
          errors: form.errors,
          values: keepTyped(replyForm, form.values),
        })
      let messageId: number
      try {
        messageId = await service.sendMessage(db, me(request), id, form.values)
      } catch (error) {
        if (error instanceof ConflictError) return reply.redirect(`/messages/${id}`, 303)
        throw error
      }
      if (!wantsFragment(request)) return reply.redirect(`/messages/${id}#m-${messageId}`, 303)
      const message = await service.shownMessage(db, me(request), id, messageId)
      return reply.fragment('messages/_message-appended', {
        message: { ...messageView(request, me(request), id, message), focus: true },
        replyBox: { values: { formKey: randomUUID() }, conversationId: id, oob: true },
        limits,
      })
    },
  )

  async function renderAddPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: { status?: number; q?: string; errors?: FieldErrors } = {},
  ) {
    const participants = await service.participantsOf(db, me(request), id)
    const q = state.q ?? ''
    const results =
      q.trim() === ''
        ? []
        : await service.searchRecipients(
            db,
            me(request),
            q,
            participants.map((p) => p.id),
          )
    return reply.code(state.status ?? 200).page('messages/participants', {
      title: request.t('messages.participants.title'),
      conversationId: id,
      participants,
      results,
      searched: q.trim() !== '',
      values: { q },
      errors: state.errors,
      full: participants.length >= limits.participantsMax,
      limits,
    })
  }

  app.get(
    '/messages/:id/participants',
    { schema: { params: conversationParams, querystring: recipientQuery } },
    async (request, reply) => renderAddPage(request, reply, request.params.id, { q: request.query.q ?? '' }),
  )

  app.post(
    '/messages/:id/participants',
    {
      config: { rateLimit: messageLimits.addParticipant },
      schema: { params: conversationParams, body: addParticipantForm },
    },
    async (request, reply) => {
      const id = request.params.id
      const form = parseForm(request, addParticipantForm)
      if (!form.ok) return renderAddPage(request, reply, id, { status: 422, errors: form.errors })
      try {
        await service.addParticipant(db, me(request), id, Number(form.values.add))
      } catch (error) {
        if (error instanceof ValidationError)
          return renderAddPage(request, reply, id, { status: 422, errors: error.fields })
        throw error
      }
      request.session.flash = request.t('messages.participants.added')
      return reply.redirect(`/messages/${id}`, 303)
    },
  )

  app.get('/messages/:id/leave', { schema: { params: conversationParams } }, async (request, reply) => {
    await service.participantsOf(db, me(request), request.params.id)
    return reply.page('messages/leave', {
      title: request.t('messages.leave.title'),
      conversationId: request.params.id,
    })
  })

  app.post('/messages/:id/leave', { schema: { params: conversationParams } }, async (request, reply) => {
    await service.leaveConversation(db, me(request), request.params.id)
    request.session.flash = request.t('messages.leave.done')
    return reply.redirect('/messages', 303)
  })
}
