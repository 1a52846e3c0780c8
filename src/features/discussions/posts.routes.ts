// Posts: the permalink, replying, editing, deleting, earlier versions and the preview. Each
// htmx action also works as a plain form post answered with 303; a fragment is sent only when
// htmx asked for one. Every post shown comes from thread-page.ts, for pages and fragments alike.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import { maxId, parseForm } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { attachFiles, receiveFiles, uploadErrors, uploadStatus } from '../attachments/attachments.service.ts'
import { restoredDraft } from '../drafts/drafts.service.ts'
import { editForm, idParams, limits, previewForm, replyForm } from './discussions.schemas.ts'
import * as service from './discussions.service.ts'
import { fragment, me, newFormKey, page, permalink, postingLimit } from './discussions.view.ts'
import type { ThreadView } from './thread-page.ts'

/** draft=1: open with the member's draft (after a sign-in carried the text, drafts/carried-text.ts). */
const draftQuery = Type.Object({ draft: Type.Optional(Type.String({ maxLength: 1 })) })

export async function postsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = deps

  /** The member's draft of a form opened with ?draft=1, announced by the page's notice. */
  async function openedDraft(request: FastifyRequest<{ Querystring: { draft?: string } }>, key: string) {
    if (!request.query.draft) return undefined
    const draft = await restoredDraft(db, me(request).id, key)
    if (draft) request.session.flash = request.t('drafts.restored')
    return draft
  }

  // Reading, replying and editing or deleting one's own posts are open to guests of the thread too
  // (the visibility rule decides which thread; the permissions, whose post).
  const guestToo = { access: 'guest' as const }

  /** A post's permalink; htmx asks it for the post's article (e.g. to cancel an edit). */
  app.get('/p/:id', { config: guestToo, schema: { params: idParams } }, async (request, reply) => {
    const postId = request.params.id
    if (wantsFragment(request)) {
      const { post, thread } = await service.loadPost(db, me(request), postId, request.locale)
      return fragment(reply, 'discussions/_article', { ...post, thread })
    }
    const threadId = await service.threadOfPost(db, me(request), postId)
    return reply.redirect(permalink(threadId, postId), 303)
  })

  // ---------------------------------------------------------------------------------------
  // Replying

  app.get(
    '/p/:id/reply',
    { config: guestToo, schema: { params: idParams, querystring: draftQuery } },
    async (request, reply) => {
      const postId = request.params.id
      const { thread, parent } = await service.loadReplyTarget(db, me(request), postId, request.locale)
      const draft = await openedDraft(request, `/t/${thread.id}/posts|${parent.id}`)
      const box = {
        formId: `reply-${parent.id}`,
        parentId: parent.id,
        inline: wantsFragment(request),
        cancelUrl: permalink(thread.id, parent.id),
        formKey: draft?.formKey || newFormKey(),
        values: draft && { body: draft.body },
      }
      if (wantsFragment(request)) return fragment(reply, 'discussions/_reply-box', { thread, box })
      return page(reply, 'discussions/reply', {
        title: request.t('discussions.reply.title', { title: thread.title }),
        postHref: `/t/${thread.id}`,
        thread,
        parent,
        box,
      })
    },
  )

  app.post(
    '/t/:id/posts',
    {
      config: { ...postingLimit, ...guestToo },
      schema: { params: idParams, body: replyForm },
      preValidation: receiveFiles(deps, replyForm),
    },
    async (request, reply) => {
      const threadId = request.params.id
      const member = me(request)
      const form = parseForm(request, replyForm)
      let result: service.ReplyResult
      try {
        const errors = { ...form.errors, ...uploadErrors(request) }
        result = await service.replyToPost(db, clock, member, threadId, form.values, errors)
      } catch (error) {
        if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error
        return showFailedReply(request, reply, threadId, form.values, error)
      }
      if (!result.repeated) await attachFiles(db, request, result.postId)
      if (!wantsFragment(request)) return reply.redirect(permalink(threadId, result.postId), 303)
      const placed = await service.loadReplyPlacement(db, member, result, request.locale)
      const toThread = form.values.parent === ''
      // Only the new post goes out, into its list (out of band: the counts above it, the form).
      const target = {
        top: ['#replies', 'beforeend'],
        list: [`#post-${placed.ownerId}>details>ol`, 'beforeend'],
        first: [`#post-${placed.ownerId}`, 'beforeend'],
      }[placed.place]
      reply.header('hx-retarget', target[0]).header('hx-reswap', target[1])
      return fragment(reply, 'discussions/_reply-appended', {
        thread: placed.thread,
        node: placed.post,
        startsList: placed.place === 'first',
        counts: placed.counts,
        freshForm: toThread ? { formId: 'thread', formKey: newFormKey() } : undefined,
        closeBox: toThread ? undefined : `reply-${form.values.parent}`,
      })
    },
  )

  /**
   * What to show after a reply was refused (errors in the form, a locked or busy thread): the
   * same form again with the text kept, as a fragment for htmx or on the reply page without.
   */
  async function showFailedReply(
    request: FastifyRequest,
    reply: FastifyReply,
    threadId: number,
    values: service.ReplyInput,
    error: ValidationError | ConflictError,
  ) {
    const member = me(request)
    const htmx = wantsFragment(request)
    const errors = error instanceof ValidationError ? error.fields : undefined
    const conflict = error instanceof ConflictError ? request.t(error.messageKey) : undefined
    reply.code(uploadStatus(request, error.statusCode))
    if (error instanceof service.ThreadBusyError) reply.header('retry-after', '5')
    const thread = await service.loadThreadHead(db, member, threadId, request.locale)
    const kept = { body: values.body }
    // The same key again: nothing was written, so sending the form again is still one post.
    const formKey = values.formKey || newFormKey()
    // A parent that cannot be a post (malformed, beyond integer) is shown as no parent.
    const parentId =
      /^[1-9]\d{0,9}$/.test(values.parent) && Number(values.parent) <= maxId ? values.parent : ''
    if (htmx && parentId === '') {
      return fragment(reply, 'discussions/_thread-reply', {
        thread,
        replyForm: { formId: 'thread', values: kept, conflict, focusBody: false, formKey },
        errors,
      })
    }
    const box = {
      formId: `reply-${parentId || 'x'}`,
      parentId,
      inline: htmx,
      values: kept,
      conflict,
      formKey,
      cancelUrl: parentId ? permalink(threadId, Number(parentId)) : `/t/${threadId}`,
    }
    if (htmx) return fragment(reply, 'discussions/_reply-box', { thread, box, errors })
    return page(reply, 'discussions/reply', {
      title: request.t('discussions.reply.title', { title: thread.title }),
      postHref: `/t/${thread.id}`,
      thread,
      parent: await parentForPage(request, parentId, thread),
      box,
      errors,
    })
  }

  /** The post shown above the no-JavaScript reply form, if it is one of this thread's. */
  async function parentForPage(request: FastifyRequest, parentId: string, thread: ThreadView) {
    const id = parentId ? Number(parentId) : thread.openingPostId
    if (!id) return undefined
    try {
      const target = await service.loadReplyTarget(db, me(request), id, request.locale)
      return target.thread.id === thread.id ? target.parent : undefined
    } catch (error) {
      if (error instanceof NotFoundError) return undefined
      throw error
    }
  }

  // ---------------------------------------------------------------------------------------
  // Editing and deleting

  function editBox(postId: number, threadId: number, inline: boolean, extra: Record<string, unknown>) {
    return {
      formId: `edit-${postId}`,
      inline,
      cancelUrl: permalink(threadId, postId),
      cancelGet: inline ? `/p/${postId}` : undefined,
      ...extra,
    }
  }

  function showEditForm(
    request: FastifyRequest,
    reply: FastifyReply,
    data: { thread: ThreadView; post: { id: number }; box: Record<string, unknown>; errors?: FieldErrors },
  ) {
    if (wantsFragment(request)) return fragment(reply, 'discussions/_edit-box', data)
    return page(reply, 'discussions/edit', { title: request.t('discussions.edit.title'), ...data })
  }

  app.get(
    '/p/:id/edit',
    { config: guestToo, schema: { params: idParams, querystring: draftQuery } },
    async (request, reply) => {
      const { post, thread, source } = await service.loadForEdit(
        db,
        me(request),
        request.params.id,
        request.locale,
      )
      // A draft keeps the version it was written against: a change since then is a conflict on sending.
      const draft = await openedDraft(request, `/p/${post.id}/edit|`)
      return showEditForm(request, reply, {
        thread,
        post,
        box: editBox(post.id, thread.id, wantsFragment(request), {
          values: { body: draft?.body ?? source },
          version: draft?.version ? Number(draft.version) : post.version,
        }),
      })
    },
  )

  app.post(
    '/p/:id/edit',
    {
      config: { ...postingLimit, ...guestToo },
      schema: { params: idParams, body: editForm },
      preValidation: receiveFiles(deps, editForm),
    },
    async (request, reply) => {
      const postId = request.params.id
      const member = me(request)
      const form = parseForm(request, editForm)
      try {
        const errors = { ...form.errors, ...uploadErrors(request) }
        const { threadId } = await service.editPost(db, clock, member, postId, form.values, errors)
        await attachFiles(db, request, postId)
        if (!wantsFragment(request)) return reply.redirect(permalink(threadId, postId), 303)
        const { post, thread } = await service.loadPost(db, member, postId, request.locale, { focus: true })
        return fragment(reply, 'discussions/_article', { ...post, thread })
      } catch (error) {
        if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error
        const { post, thread } = await service.loadPost(db, member, postId, request.locale)
        const conflict = error instanceof service.EditConflictError ? error : undefined
        reply.code(uploadStatus(request, error.statusCode))
        return showEditForm(request, reply, {
          thread,
          post,
          errors: error instanceof ValidationError ? error.fields : undefined,
          box: editBox(post.id, thread.id, wantsFragment(request), {
            values: { body: form.values.body },
            version: conflict ? conflict.currentVersion : form.values.version,
            conflict: error instanceof ConflictError ? request.t(error.messageKey) : undefined,
            currentHtml: conflict?.currentHtml,
          }),
        })
      }
    },
  )

  app.get('/p/:id/delete', { config: guestToo, schema: { params: idParams } }, async (request, reply) => {
    const { post, thread } = await service.loadForDelete(db, me(request), request.params.id, request.locale)
    return page(reply, 'discussions/delete', {
      title: request.t('discussions.delete.title'),
      postHref: `/t/${thread.id}`,
      thread,
      post,
    })
  })

  app.post('/p/:id/delete', { config: guestToo, schema: { params: idParams } }, async (request, reply) => {
    const postId = request.params.id
    const member = me(request)
    const { threadId } = await service.deletePost(db, clock, member, postId)
    if (!wantsFragment(request)) return reply.redirect(permalink(threadId, postId), 303)
    const { post, thread } = await service.loadPost(db, member, postId, request.locale, { focus: true })
    return fragment(reply, 'discussions/_article', { ...post, thread })
  })

  app.get(
    '/p/:id/revisions',
    { config: { access: 'moderator' }, schema: { params: idParams } },
    async (request, reply) => {
      const data = await service.postRevisions(db, me(request), request.params.id, request.locale)
      return page(reply, 'discussions/revisions', {
        title: request.t('discussions.revisions.title'),
        postHref: `/t/${data.thread.id}`,
        ...data,
      })
    },
  )

  // ---------------------------------------------------------------------------------------
  // Preview

  app.post('/preview', { schema: { body: previewForm } }, async (request, reply) => {
    const form = parseForm(request, previewForm)
    const data = form.ok
      ? { html: await service.previewPost(db, form.values.body) }
      : { message: request.t('validation.tooLong', { max: limits.bodyMax }) }
    if (!form.ok) reply.code(422)
    if (wantsFragment(request)) return fragment(reply, 'discussions/_preview', data)
    return page(reply, 'discussions/preview', { title: request.t('discussions.preview.title'), ...data })
  })
}
