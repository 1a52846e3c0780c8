// Threads and posts: parse, validate, call one service function, render. Every route here
// is member-only (the trust gate's default). Each htmx action also works as a plain form
// post answered with 303; a fragment is sent only when htmx asked for one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { categoriesRoutes } from './categories.routes.ts'
import type { ThreadHeader } from './discussions.repository.ts'
import * as service from './discussions.service.ts'
import { common, stageOptions, tagLinks } from './discussions.view.ts'
import { formOf, idParam, text } from './forms.ts'
import { countUnread } from './notifications.repository.ts'
import { notificationsRoutes } from './notifications.routes.ts'

type Params = { id: string }

function me(request: FastifyRequest): CurrentMember {
  // The trust gate has run: every route here has a verified member.
  return request.member!
}

function permalink(threadId: number, postId: number): string {
  return `/t/${threadId}#post-${postId}`
}

export async function discussionsRoutes(app: FastifyInstance, deps: FeatureDeps) {
  const { db, clock } = deps
  // Posting is limited per member (not per address: a town hall's staff share one), checked
  // after the trust gate has loaded the member.
  const postingLimit = {
    config: {
      rateLimit: {
        max: 60,
        timeWindow: 15 * 60 * 1000,
        hook: 'preHandler' as const,
        keyGenerator: (request: FastifyRequest) => `member:${request.member?.id ?? request.ip}`,
      },
    },
  }
  app.decorateRequest('bellCount', null)

  // Full pages of this feature show the bell with its count without an extra request.
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'GET' || wantsFragment(request) || request.routeOptions.config.ownBell) return
    if (request.member?.status !== 'verified') return
    request.bellCount = await countUnread(db, request.member.id)
  })

  const page = (request: FastifyRequest, reply: FastifyReply, view: string, data: Record<string, unknown>) =>
    reply.page(view, { ...common(request), ...data })
  const fragment = (
    request: FastifyRequest,
    reply: FastifyReply,
    view: string,
    data: Record<string, unknown>,
  ) => reply.fragment(view, { ...common(request), ...data })

  // ---------------------------------------------------------------------------------------
  // Starting a thread

  async function newThreadPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string | boolean>,
    errors?: FieldErrors,
  ) {
    const categories = await service.categoriesForForm(db)
    return page(request, reply, 'discussions/new-thread', {
      title: request.t('discussions.newThread.title'),
      categories: categories.map((c) => ({ ...c, selected: String(c.id) === values.category })),
      stages: stageOptions(request.locale, String(values.stage ?? 'idea')),
      values,
      errors,
    })
  }

  app.get('/t/new', async (request, reply) => {
    const { category } = request.query as { category?: unknown }
    const categories = await service.categoriesForForm(db)
    const preselected = categories.find((c) => c.slug === category)
    return newThreadPage(request, reply, {
      category: preselected ? String(preselected.id) : '',
      stage: 'idea',
    })
  })

  app.post('/t', postingLimit, async (request, reply) => {
    const form = formOf(request.body)
    const input = {
      title: text(form, 'title'),
      category: text(form, 'category'),
      stage: text(form, 'stage'),
      tags: text(form, 'tags'),
      confidential: ['on', 'true', '1'].includes(text(form, 'confidential')),
      body: text(form, 'body'),
    }
    try {
      const threadId = await service.startThread(db, clock, me(request), input)
      return reply.redirect(`/t/${threadId}`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      reply.code(422)
      return newThreadPage(request, reply, input, error.fields)
    }
  })

  // ---------------------------------------------------------------------------------------
  // Reading

  // The thread page loads its bell count together with the thread (one round trip less).
  app.get<{ Params: Params }>('/t/:id', { config: { ownBell: true } }, async (request, reply) => {
    const threadId = idParam(request.params.id)
    const { thread, tree, unreadNotifications } = await service.openThread(
      db,
      clock,
      me(request),
      threadId,
      request.locale,
    )
    request.bellCount = unreadNotifications
    return page(request, reply, 'discussions/thread', {
      title: thread.title,
      thread,
      tags: tagLinks(thread.tags),
      opening: tree.opening,
      replies: tree.replies,
      firstUnreadId: tree.firstUnreadId,
      stages: stageOptions(request.locale, thread.stage),
      replyForm: { formId: 'thread' },
    })
  })

  app.get<{ Params: Params }>('/t/:id/unread', async (request, reply) => {
    const threadId = idParam(request.params.id)
    const first = await service.firstUnread(db, me(request), threadId)
    return reply.redirect(first ? permalink(threadId, first) : `/t/${threadId}`, 303)
  })

  /** A post's permalink; htmx asks it for the post's article (e.g. to cancel an edit). */
  app.get<{ Params: Params }>('/p/:id', async (request, reply) => {
    const postId = idParam(request.params.id)
    if (wantsFragment(request)) {
      const { post, thread } = await service.loadPost(db, me(request), postId, request.locale)
      return fragment(request, reply, 'discussions/_article', { ...post, thread })
    }
    const threadId = await service.threadOfPost(db, postId)
    return reply.redirect(permalink(threadId, postId), 303)
  })

  // ---------------------------------------------------------------------------------------
  // Replying

  app.get<{ Params: Params }>('/p/:id/reply', async (request, reply) => {
    const postId = idParam(request.params.id)
    const { post, thread } = await service.loadPost(db, me(request), postId, request.locale)
    if (post.deleted) return reply.callNotFound()
    const box = {
      formId: `reply-${post.id}`,
      parentId: post.id,
      inline: wantsFragment(request),
      cancelUrl: permalink(thread.id, post.id),
    }
    if (wantsFragment(request)) return fragment(request, reply, 'discussions/_reply-box', { thread, box })
    return page(request, reply, 'discussions/reply', {
      title: request.t('discussions.reply.title', { title: thread.title }),
      thread,
      parent: { ...post, canReply: false, canEdit: false, canDelete: false, canReact: false },
      box,
    })
  })

  app.post<{ Params: Params }>('/t/:id/posts', postingLimit, async (request, reply) => {
    const threadId = idParam(request.params.id)
    const member = me(request)
    const form = formOf(request.body)
    const input = { parent: text(form, 'parent'), body: text(form, 'body') }
    const htmx = wantsFragment(request)
    try {
      const result = await service.replyToPost(db, clock, member, threadId, input)
      if (!htmx) return reply.redirect(permalink(threadId, result.postId), 303)
      const { tree, thread } = await service.loadThreadTree(
        db,
        member,
        threadId,
        result.postId,
        request.locale,
      )
      if (result.ownerIsOpening) {
        reply.header('hx-retarget', '#replies').header('hx-reswap', 'beforeend')
        return fragment(request, reply, 'discussions/_reply-appended', {
          thread,
          node: tree.byId.get(result.postId),
          freshForm: input.parent === '' ? { formId: 'thread' } : undefined,
          closeBox: input.parent === '' ? undefined : `reply-${input.parent}`,
        })
      }
      reply.header('hx-retarget', `#post-${result.ownerId}`).header('hx-reswap', 'outerHTML')
      // The owner post with its new reply, plus the replies heading with the new count (out of band).
      return fragment(request, reply, 'discussions/_reply-appended', {
        thread,
        node: tree.byId.get(result.ownerId),
      })
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error
      const errors = error instanceof ValidationError ? error.fields : undefined
      const conflict = error instanceof ConflictError ? request.t(error.messageKey) : undefined
      reply.code(error instanceof ValidationError ? 422 : 409)
      const thread = await service.loadThreadHead(db, member, threadId, request.locale)
      const values = { body: input.body }
      const parentId = /^\d{1,10}$/.test(input.parent) ? input.parent : ''
      if (htmx && parentId === '') {
        return fragment(request, reply, 'discussions/_thread-reply', {
          thread,
          replyForm: { formId: 'thread', values, conflict, focusBody: false },
          errors,
        })
      }
      const box = {
        formId: `reply-${parentId || 'x'}`,
        parentId,
        inline: htmx,
        values,
        conflict,
        cancelUrl: parentId ? permalink(threadId, Number(parentId)) : `/t/${threadId}`,
      }
      if (htmx) return fragment(request, reply, 'discussions/_reply-box', { thread, box, errors })
      const parent = await parentForPage(member, parentId, thread, request)
      return page(request, reply, 'discussions/reply', {
        title: request.t('discussions.reply.title', { title: thread.title }),
        thread,
        parent,
        box: { ...box, parentId: parentId || '' },
        errors,
      })
    }
  })

  /** The post shown above the no-JavaScript reply form, if it is one of this thread's. */
  async function parentForPage(
    member: CurrentMember,
    parentId: string,
    thread: ThreadHeader,
    request: FastifyRequest,
  ) {
    const id = parentId ? Number(parentId) : thread.openingPostId
    if (!id) return undefined
    try {
      const { post, thread: parentThread } = await service.loadPost(db, member, id, request.locale)
      if (parentThread.id !== thread.id) return undefined
      return { ...post, canReply: false, canEdit: false, canDelete: false, canReact: false }
    } catch {
      return undefined
    }
  }

  // ---------------------------------------------------------------------------------------
  // Editing and deleting

  app.get<{ Params: Params }>('/p/:id/edit', async (request, reply) => {
    const postId = idParam(request.params.id)
    const { post, thread } = await service.loadPost(db, me(request), postId, request.locale)
    if (post.deleted) return reply.callNotFound()
    if (!post.canEdit) return forbidden(request, reply)
    const source = await service.postSource(db, postId)
    const data = {
      thread,
      post,
      box: editBox(post.id, thread.id, wantsFragment(request), {
        values: { body: source },
        version: post.version,
      }),
    }
    if (wantsFragment(request)) return fragment(request, reply, 'discussions/_edit-box', data)
    return page(request, reply, 'discussions/edit', { title: request.t('discussions.edit.title'), ...data })
  })

  app.post<{ Params: Params }>('/p/:id/edit', postingLimit, async (request, reply) => {
    const postId = idParam(request.params.id)
    const member = me(request)
    const form = formOf(request.body)
    const input = { body: text(form, 'body'), version: text(form, 'version') }
    const htmx = wantsFragment(request)
    try {
      const { threadId } = await service.editPost(db, clock, member, postId, input)
      if (!htmx) return reply.redirect(permalink(threadId, postId), 303)
      const { post, thread } = await service.loadPost(db, member, postId, request.locale, { focus: true })
      return fragment(request, reply, 'discussions/_article', { ...post, thread })
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error
      const { post, thread } = await service.loadPost(db, member, postId, request.locale)
      const conflict = error instanceof service.EditConflictError ? error : undefined
      reply.code(error instanceof ValidationError ? 422 : 409)
      const data = {
        thread,
        post,
        errors: error instanceof ValidationError ? error.fields : undefined,
        box: editBox(post.id, thread.id, htmx, {
          values: { body: input.body },
          version: conflict ? conflict.currentVersion : input.version,
          conflict: conflict ? request.t(conflict.messageKey) : undefined,
          currentHtml: conflict?.currentHtml,
        }),
      }
      if (htmx) return fragment(request, reply, 'discussions/_edit-box', data)
      return page(request, reply, 'discussions/edit', { title: request.t('discussions.edit.title'), ...data })
    }
  })

  app.get<{ Params: Params }>('/p/:id/delete', async (request, reply) => {
    const postId = idParam(request.params.id)
    const { post, thread } = await service.loadPost(db, me(request), postId, request.locale)
    if (post.deleted) return reply.callNotFound()
    if (!post.canDelete) return forbidden(request, reply)
    return page(request, reply, 'discussions/delete', {
      title: request.t('discussions.delete.title'),
      thread,
      post: { ...post, canReply: false, canEdit: false, canDelete: false, canReact: false },
    })
  })

  app.post<{ Params: Params }>('/p/:id/delete', async (request, reply) => {
    const postId = idParam(request.params.id)
    const member = me(request)
    const { threadId } = await service.deletePost(db, clock, member, postId)
    if (!wantsFragment(request)) return reply.redirect(permalink(threadId, postId), 303)
    const { post, thread } = await service.loadPost(db, member, postId, request.locale, { focus: true })
    return fragment(request, reply, 'discussions/_article', { ...post, thread })
  })

  app.get<{ Params: Params }>(
    '/p/:id/revisions',
    { config: { access: 'moderator' } },
    async (request, reply) => {
      const postId = idParam(request.params.id)
      const data = await service.postRevisions(db, me(request), postId, request.locale)
      return page(request, reply, 'discussions/revisions', {
        title: request.t('discussions.revisions.title'),
        ...data,
        post: { ...data.post, canReply: false, canEdit: false, canDelete: false, canReact: false },
      })
    },
  )

  // ---------------------------------------------------------------------------------------
  // Reactions, follows, stage, lock, preview

  app.post<{ Params: Params }>('/p/:id/helpful', async (request, reply) => {
    const postId = idParam(request.params.id)
    const member = me(request)
    const { threadId } = await service.toggleHelpful(db, member, postId)
    if (!wantsFragment(request)) return reply.redirect(permalink(threadId, postId), 303)
    const { post, thread } = await service.loadPost(db, member, postId, request.locale)
    // The button is replaced: focus goes to the new one (keyboard users stay where they were).
    return fragment(request, reply, 'discussions/_helpful', { ...post, thread, focusHelpful: true })
  })

  app.post<{ Params: Params }>('/t/:id/follow', async (request, reply) => {
    const threadId = idParam(request.params.id)
    const member = me(request)
    const follow = text(formOf(request.body), 'follow') === 'true'
    await service.followThread(db, member, threadId, follow)
    if (!wantsFragment(request)) return reply.redirect(`/t/${threadId}`, 303)
    return fragment(request, reply, 'discussions/_follow', {
      thread: { id: threadId, following: follow },
      focusFollow: true,
    })
  })

  app.post<{ Params: Params }>('/t/:id/stage', async (request, reply) => {
    const threadId = idParam(request.params.id)
    await service.changeStage(db, clock, me(request), threadId, text(formOf(request.body), 'stage'))
    return reply.redirect(`/t/${threadId}`, 303)
  })

  app.post<{ Params: Params }>('/t/:id/lock', { config: { access: 'moderator' } }, async (request, reply) => {
    const threadId = idParam(request.params.id)
    await service.setThreadLocked(db, me(request), threadId, text(formOf(request.body), 'locked') === 'true')
    return reply.redirect(`/t/${threadId}`, 303)
  })

  app.post('/preview', async (request, reply) => {
    const body = text(formOf(request.body), 'body')
    try {
      const html = await service.previewPost(db, body)
      if (wantsFragment(request)) return fragment(request, reply, 'discussions/_preview', { html })
      return page(request, reply, 'discussions/preview', {
        title: request.t('discussions.preview.title'),
        html,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      reply.code(422)
      const message = request.t('validation.tooLong', { max: 20_000 })
      if (wantsFragment(request)) return fragment(request, reply, 'discussions/_preview', { message })
      return page(request, reply, 'discussions/preview', {
        title: request.t('discussions.preview.title'),
        message,
      })
    }
  })

  function editBox(postId: number, threadId: number, inline: boolean, extra: Record<string, unknown>) {
    return {
      formId: `edit-${postId}`,
      inline,
      cancelUrl: permalink(threadId, postId),
      cancelGet: inline ? `/p/${postId}` : undefined,
      ...extra,
    }
  }

  function forbidden(request: FastifyRequest, reply: FastifyReply) {
    return reply.code(403).page('errors/error', {
      title: request.t('error.forbidden.title'),
      heading: 'error.forbidden.title',
      text: 'error.forbidden.text',
    })
  }

  await categoriesRoutes(app, deps, { page, fragment })
  await notificationsRoutes(app, deps, { page, fragment })
}
