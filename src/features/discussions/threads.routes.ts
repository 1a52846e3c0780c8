// Threads: starting one, reading one, its stage and lock. Every route is member-only (the
// trust gate's default) and declares its input.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { field, formSchema, keepTyped, param, parseForm } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { attachFiles, receiveFiles, uploadErrors, uploadStatus } from '../attachments/attachments.service.ts'
import { restoredDraft } from '../drafts/drafts.service.ts'
import { canMarkResult } from '../moderation/moderation.service.ts'
import { similarToDraft } from '../search/search.service.ts'
import { idParams, lockForm, newThreadForm, stageForm } from './discussions.schemas.ts'
import * as service from './discussions.service.ts'
import {
  fragment,
  me,
  newFormKey,
  page,
  permalink,
  postingLimit,
  stageOptions,
  tagLinks,
} from './discussions.view.ts'

/** draft=1: open with the member's draft (after a sign-in carried the text, drafts/carried-text.ts). */
const draftFlag = Type.Optional(Type.String({ maxLength: 1 }))
const newThreadQuery = Type.Object({
  category: Type.Optional(Type.String({ maxLength: 100 })),
  draft: draftFlag,
})
/** Which window of the thread: after a post ("weitere Antworten") or the one holding a post. */
const windowQuery = Type.Object({
  after: Type.Optional(param.id()),
  at: Type.Optional(param.id()),
  draft: draftFlag,
})
/** The new-thread form plus the button "Ähnliche Themen prüfen" (intent=similar, search feature). */
const newThreadWithIntent = formSchema({ ...newThreadForm.properties, intent: field.line({ max: 20 }) })

export async function threadsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = deps

  async function newThreadPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: FieldErrors,
    similar?: Awaited<ReturnType<typeof similarToDraft>>,
  ) {
    const categories = await service.categoriesForForm(db, me(request))
    return page(reply, 'discussions/new-thread', {
      title: request.t('discussions.newThread.title'),
      categories: categories.map((c) => ({ ...c, selected: String(c.id) === values.category })),
      stages: stageOptions(request.locale, values.stage || 'idea'),
      values,
      errors,
      similar,
      similarChecked: similar !== undefined,
    })
  }

  app.get('/t/new', { schema: { querystring: newThreadQuery } }, async (request, reply) => {
    const categories = await service.categoriesForForm(db, me(request))
    const preselected = categories.find((c) => c.slug === request.query.category)
    const draft = request.query.draft ? await restoredDraft(db, me(request).id, '/t|') : undefined
    if (draft) request.session.flash = request.t('drafts.restored')
    return newThreadPage(request, reply, {
      category: preselected ? String(preselected.id) : '',
      stage: 'idea',
      formKey: newFormKey(),
      ...draft,
    })
  })

  const receiveThreadFiles = receiveFiles(deps, newThreadWithIntent)
  app.post(
    '/t',
    { config: postingLimit, schema: { body: newThreadWithIntent }, preValidation: receiveThreadFiles },
    async (request, reply) => {
      const form = parseForm(request, newThreadWithIntent)
      // "Ähnliche Themen prüfen" without JavaScript: the form comes back with similar threads, nothing is saved.
      if (form.values.intent === 'similar') {
        const similar = await similarToDraft(db, me(request), {
          title: form.values.title,
          body: form.values.body,
        })
        return newThreadPage(
          request,
          reply.code(200),
          keepTyped(newThreadForm, form.values),
          undefined,
          similar,
        )
      }
      try {
        const errors = { ...form.errors, ...uploadErrors(request) }
        const written = await service.startThread(db, clock, me(request), form.values, errors)
        if (!written.repeated) await attachFiles(db, request, written.postId)
        return reply.redirect(`/t/${written.threadId}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(uploadStatus(request, 422))
        return newThreadPage(request, reply, keepTyped(newThreadForm, form.values), error.fields)
      }
    },
  )

  // The thread page loads the bell count together with the thread (one round trip less). It
  // shows one window of the replies; htmx asks ?after=… for the next one as a fragment.
  // Guests of this thread too (access 'guest'; the visibility rule decides which thread they see).
  const guestToo = { access: 'guest' as const }
  const threadRoute = { config: guestToo, schema: { params: idParams, querystring: windowQuery } }
  app.get('/t/:id', threadRoute, async (request, reply) => {
    const threadId = request.params.id
    const { after, at } = request.query
    const { thread, tree, window, moderationMarks, documents, unreadNotifications, guests, groupName } =
      await service.openThread(db, clock, me(request), threadId, request.locale, {
        after,
        at: after === undefined ? at : undefined,
      })
    if (after !== undefined && wantsFragment(request)) {
      return fragment(reply, 'discussions/_thread-window', {
        thread,
        replies: tree.replies,
        more: window.more,
      })
    }
    return page(reply, 'discussions/thread', {
      documents,
      title: thread.title,
      marks: moderationMarks,
      groupName,
      canUseTools: canMarkResult(me(request), thread),
      layout: { bellCount: unreadNotifications },
      thread,
      tags: tagLinks(thread.tags),
      opening: tree.opening,
      replies: tree.replies,
      firstUnreadId: tree.firstUnreadId,
      windowStart: window.start,
      more: window.more,
      stages: stageOptions(request.locale, thread.stage),
      replyForm: await threadReplyForm(request, threadId),
      guestBanner: { guests, manageHref: guestsHref(request, threadId) },
    })
  })

  /** The guests page of the thread (guests feature), linked for members only. */
  function guestsHref(request: FastifyRequest, threadId: number) {
    return me(request).status === 'verified' ? `/t/${threadId}/guests` : undefined
  }

  /** The reply form at the end of the thread: empty, or with the member's draft (?draft=1). */
  async function threadReplyForm(
    request: FastifyRequest<{ Querystring: { draft?: string } }>,
    threadId: number,
  ) {
    const draft = request.query.draft
      ? await restoredDraft(db, me(request).id, `/t/${threadId}/posts|`)
      : undefined
    if (draft) request.session.flash = request.t('drafts.restored')
    return {
      formId: 'thread',
      formKey: draft?.formKey || newFormKey(),
      values: draft && { body: draft.body },
    }
  }

  app.get('/t/:id/unread', { config: guestToo, schema: { params: idParams } }, async (request, reply) => {
    const threadId = request.params.id
    const first = await service.firstUnread(db, me(request), threadId)
    return reply.redirect(first ? permalink(threadId, first) : `/t/${threadId}`, 303)
  })

  app.post('/t/:id/stage', { schema: { params: idParams, body: stageForm } }, async (request, reply) => {
    const form = parseForm(request, stageForm)
    if (!form.ok) throw new ValidationError(form.errors)
    await service.changeStage(db, clock, me(request), request.params.id, form.values.stage)
    return reply.redirect(`/t/${request.params.id}`, 303)
  })

  app.post(
    '/t/:id/lock',
    { config: { access: 'moderator' }, schema: { params: idParams, body: lockForm } },
    async (request, reply) => {
      const form = parseForm(request, lockForm)
      if (!form.ok) throw new ValidationError(form.errors)
      await service.setThreadLocked(db, me(request), request.params.id, form.values.locked === 'true')
      return reply.redirect(`/t/${request.params.id}`, 303)
    },
  )
}
