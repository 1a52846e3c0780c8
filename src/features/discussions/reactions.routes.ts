// Reactions and follows: small toggles that answer htmx with the new button (focus stays on it)
// and a plain form post with a redirect back to the post or thread.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { ValidationError } from '../../lib/errors.ts'
import { parseForm } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { followForm, idParams } from './discussions.schemas.ts'
import * as service from './discussions.service.ts'
import { fragment, me, permalink } from './discussions.view.ts'

export async function reactionsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  // Guests of the thread react too (access 'guest'; the visibility rule decides which thread).
  const helpfulRoute = { config: { access: 'guest' as const }, schema: { params: idParams } }
  app.post('/p/:id/helpful', helpfulRoute, async (request, reply) => {
    const postId = request.params.id
    const member = me(request)
    const { threadId } = await service.toggleHelpful(db, member, postId)
    if (!wantsFragment(request)) return reply.redirect(permalink(threadId, postId), 303)
    const { post, thread } = await service.loadPost(db, member, postId, request.locale)
    // The button is replaced: focus goes to the new one (keyboard users stay where they were).
    return fragment(reply, 'discussions/_helpful', { ...post, thread, focusHelpful: true })
  })

  app.post('/t/:id/follow', { schema: { params: idParams, body: followForm } }, async (request, reply) => {
    const threadId = request.params.id
    const form = parseForm(request, followForm)
    if (!form.ok) throw new ValidationError(form.errors)
    const follow = form.values.follow === 'true'
    await service.followThread(db, me(request), threadId, follow)
    if (!wantsFragment(request)) return reply.redirect(`/t/${threadId}`, 303)
    return fragment(reply, 'discussions/_follow', {
      thread: { id: threadId, following: follow },
      focusFollow: true,
    })
  })
}
