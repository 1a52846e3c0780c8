// Thread tools (a page per thread for moderators and the thread's author) and muting members.
// Every form works without JavaScript: a command redirects back with a confirmation; a form
// with errors comes back (422) with every problem named and everything typed kept.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { TObject } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { permalink } from '../discussions/discussions.service.ts'
import { findMutable, listMuted, mute, unmute } from './mutes.ts'
import {
  editHeadForm,
  moveForm,
  muteForm,
  pinForm,
  resultForm,
  threadParams,
  unhideForm,
} from './thread-tools.schemas.ts'
import * as tools from './thread-tools.service.ts'

const me = (request: FastifyRequest): CurrentMember => request.member!

interface ToolsState {
  status?: number
  errors?: FieldErrors
  values?: Record<string, string>
}

export async function threadToolsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  async function renderTools(
    request: FastifyRequest,
    reply: FastifyReply,
    threadId: number,
    state: ToolsState = {},
  ) {
    const loaded = await tools.loadThreadTools(db, me(request), threadId)
    const { thread } = loaded
    const values = {
      title: thread.title,
      tags: thread.tags.join(', '),
      note: '',
      moveNote: '',
      category: String(thread.categoryId),
      ...state.values,
    }
    return reply.code(state.status ?? 200).page('moderation/thread-tools', {
      title: request.t('threadTools.title', { title: thread.title }),
      thread,
      moderator: loaded.moderator,
      categories: loaded.categories.map((c) => ({
        id: c.id,
        name: c.name,
        selected: String(c.id) === values.category,
      })),
      choices: loaded.choices.map((choice) => ({ ...choice, checked: choice.id === thread.resultPostId })),
      noResult: thread.resultPostId === null,
      hidden: loaded.hidden,
      values,
      errors: state.errors,
    })
  }

  app.get('/t/:id/moderation', { schema: { params: threadParams } }, async (request, reply) =>
    renderTools(request, reply, request.params.id),
  )

  /** A tools command: parse, run, confirm and go back; validation problems re-render the page. */
  function done(request: FastifyRequest, reply: FastifyReply, message: string, to: string) {
    request.session.flash = request.t(message)
    return reply.redirect(to, 303)
  }

  async function orErrors(
    request: FastifyRequest,
    reply: FastifyReply,
    form: TObject,
    threadId: number,
    values: Record<string, string>,
    run: () => Promise<FastifyReply>,
  ) {
    try {
      return await run()
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const errors = labelErrors(form, error.fields)
      return renderTools(request, reply, threadId, { status: 422, errors, values })
    }
  }

  app.post('/t/:id/pin', { schema: { params: threadParams, body: pinForm } }, async (request, reply) => {
    const form = parseForm(request, pinForm)
    if (!form.ok) throw new ValidationError(form.errors)
    const pinned = form.values.pinned === 'true'
    await tools.setThreadPinned(db, me(request), request.params.id, pinned)
    return done(
      request,
      reply,
      pinned ? 'threadTools.pin.done' : 'threadTools.unpin.done',
      `/t/${request.params.id}`,
    )
  })

  app.post('/t/:id/move', { schema: { params: threadParams, body: moveForm } }, async (request, reply) => {
    const id = request.params.id
    const form = parseForm(request, moveForm)
    const values = keepTyped(moveForm, form.values)
    return orErrors(request, reply, moveForm, id, values, async () => {
      await tools.moveThread(db, me(request), id, form.values, form.errors)
      return done(request, reply, 'threadTools.move.done', `/t/${id}`)
    })
  })

  app.post(
    '/t/:id/head',
    { schema: { params: threadParams, body: editHeadForm } },
    async (request, reply) => {
      const id = request.params.id
      const form = parseForm(request, editHeadForm)
      const values = keepTyped(editHeadForm, form.values)
      return orErrors(request, reply, editHeadForm, id, values, async () => {
        await tools.editThreadHead(db, me(request), id, form.values, form.errors)
        return done(request, reply, 'threadTools.edit.done', `/t/${id}`)
      })
    },
  )

  app.post(
    '/t/:id/result',
    { schema: { params: threadParams, body: resultForm } },
    async (request, reply) => {
      const id = request.params.id
      const form = parseForm(request, resultForm)
      const values = keepTyped(resultForm, form.values)
      if (!form.ok) return renderTools(request, reply, id, { status: 422, errors: form.errors, values })
      return orErrors(request, reply, resultForm, id, values, async () => {
        const postId = form.values.post === '' ? null : Number(form.values.post)
        await tools.markResult(db, me(request), id, postId)
        return done(
          request,
          reply,
          postId === null ? 'threadTools.result.cleared' : 'threadTools.result.done',
          `/t/${id}`,
        )
      })
    },
  )

  app.post(
    '/p/:id/unhide',
    { schema: { params: threadParams, body: unhideForm } },
    async (request, reply) => {
      const form = parseForm(request, unhideForm)
      const postId = request.params.id
      if (!form.ok) {
        const post = await tools.postFacts(db, me(request), postId)
        return renderTools(request, reply, post.threadId, {
          status: 422,
          errors: form.errors,
          values: keepTyped(unhideForm, form.values),
        })
      }
      const post = await tools.unhide(db, me(request), postId, form.values.reason)
      return done(request, reply, 'threadTools.unhide.done', permalink(post.threadId, postId))
    },
  )

  // Muting another member: a page of its own (linked from profiles and muted posts).
  app.get('/m/:id/mute', { schema: { params: threadParams } }, async (request, reply) => {
    const other = await findMutable(db, me(request), request.params.id)
    return reply.page('moderation/mute', { title: request.t('mutes.title', { name: other.name }), other })
  })

  app.post('/m/:id/mute', { schema: { params: threadParams, body: muteForm } }, async (request, reply) => {
    const form = parseForm(request, muteForm)
    if (!form.ok) throw new ValidationError(form.errors)
    const id = request.params.id
    if (form.values.muted === 'true') await mute(db, me(request), id)
    else await unmute(db, me(request), id)
    return done(
      request,
      reply,
      form.values.muted === 'true' ? 'mutes.done' : 'mutes.undone',
      '/account/mutes',
    )
  })

  app.get('/account/mutes', async (request, reply) =>
    reply.page('moderation/mutes', {
      title: request.t('mutes.list.title'),
      muted: await listMuted(db, me(request).id),
    }),
  )
}
