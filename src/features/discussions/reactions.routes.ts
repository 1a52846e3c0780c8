// Reactions and follows: small toggles that answer htmx with the new button (focus stays on it)
// and a plain form post with a redirect back to the post or thread.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { ValidationError } from '../../lib/errors.ts'
import { parseForm } from '../../lib/form-schema.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { followForm, helpfulButtonForm, idParams } from './discussions.schemas.ts'
import * as service from './discussions.service.ts'
import { fragment, me, permalink } from './discussions.view.ts'

export async function reactionsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  // Guests of the thread react too (access 'guest'; the visibility rule decides which thread).
  // htmx posts to the post's own address; the page's form #pf (no JavaScript) names the post.
  const toggleHelpful = async (request: FastifyRequest, reply: FastifyReply, postId: number) => {
    const member = me(request)
    const { threadId } = await service.toggleHelpful(db, member, postId)
    if (!wantsFragment(request)) return reply.redirect(permalink(threadId, postId), 303)
    const { post, thread } = await service.loadPost(db, member, postId, request.locale)
    // The button is replaced: focus goes to the new one (keyboard users stay where they were).
    return fragment(reply, 'discussions/_helpful', { ...post, thread, focusHelpful: true })
  }
  const guests = { access: 'guest' as const }
  app.post('/p/:id/helpful', { config: guests, schema: { params: idParams } }, (request, reply) =>
    toggleHelpful(request, reply, request.params.id),
  )
  app.post('/p/helpful', { config: guests, schema: { body: helpfulButtonForm } }, (request, reply) => {
    const name = Object.keys(request.body).find((key) => key !== '_csrf')!
    return toggleHelpful(request, reply, Number(name))
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
