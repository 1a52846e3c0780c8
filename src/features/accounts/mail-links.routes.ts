// Links from mail. Opening a link only shows a button (mail scanners open links); the button's
// POST uses the single-use token.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TokenPurpose } from '../../db/schema.ts'
import type { FeatureDeps } from '../../deps.ts'
import { tokenParams } from './accounts.schemas.ts'
import { confirmEmailChange } from './accounts.service.ts'
import { rememberDevice } from './device-cookie.ts'
import { reconfirmMembership } from './reconfirmation.ts'
import { confirmEmail } from './registration.ts'
import { perClient, publicRoute } from './route-limits.ts'
import { deviceCookieOptions, unlockSignIn } from './sign-in.ts'
import { findValidToken } from './tokens.ts'

export function invalidLinkPage(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(410).page('accounts/message', {
    title: request.t('confirm.invalid.title'),
    heading: 'confirm.invalid.title',
    paragraphs: [request.t('confirm.invalid.text')],
    loginLink: true,
  })
}

interface MailLink {
  path: string
  purpose: TokenPurpose
  title: string
  text: string
  button: string
  /** Uses the token; the message key of the page to show, or undefined when the link is spent. */
  use(token: string, request: FastifyRequest, reply: FastifyReply): Promise<string | undefined>
}

export async function mailLinksRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  function mailLink(link: MailLink) {
    app.get(
      `${link.path}/:token`,
      { config: publicRoute, schema: { params: tokenParams } },
      async (request, reply) => {
        const { token } = request.params
        if (!(await findValidToken(db, token, link.purpose))) return invalidLinkPage(request, reply)
        return reply.page('accounts/confirm', {
          title: request.t(link.title),
          heading: link.title,
          text: link.text,
          button: link.button,
          action: `${link.path}/${token}`,
        })
      },
    )
    app.post(
      `${link.path}/:token`,
      { config: { ...publicRoute, rateLimit: perClient(30, 15) }, schema: { params: tokenParams } },
      async (request, reply) => {
        const doneKey = await link.use(request.params.token, request, reply)
        if (!doneKey) return invalidLinkPage(request, reply)
        return reply.page('accounts/message', {
          title: request.t(link.title),
          heading: link.title,
          paragraphs: [request.t(doneKey)],
          loginLink: !request.member,
        })
      },
    )
  }

  mailLink({
    path: '/confirm',
    purpose: 'confirm_email',
    title: 'confirm.title',
    text: 'confirm.text',
    button: 'confirm.button',
    use: async (token) => {
      const outcome = await confirmEmail(db, token)
      if (outcome === 'invalid') return undefined
      return outcome === 'verified' ? 'confirm.done.verified' : 'confirm.done.review'
    },
  })

  mailLink({
    path: '/email/confirm',
    purpose: 'change_email',
    title: 'emailChange.title',
    text: 'emailChange.text',
    button: 'emailChange.button',
    use: async (token) => {
      const outcome = await confirmEmailChange(db, token)
      if (outcome === 'invalid') return undefined
      return outcome === 'review' ? 'account.emailChangedReview' : 'account.emailChanged'
    },
  })

  mailLink({
    path: '/reconfirm',
    purpose: 'reconfirm',
    title: 'reconfirm.title',
    text: 'reconfirm.text',
    button: 'reconfirm.button',
    use: async (token) => {
      const outcome = await reconfirmMembership(db, token)
      if (outcome === 'invalid') return undefined
      return outcome === 'verified' ? 'reconfirm.done' : 'reconfirm.review'
    },
  })

  // The owner of a locked account: the failures are forgotten and this browser becomes one of
  // their devices, so strangers' failed attempts no longer keep it out.
  mailLink({
    path: '/login/unlock',
    purpose: 'unlock_sign_in',
    title: 'unlock.title',
    text: 'unlock.text',
    button: 'unlock.button',
    use: async (token, request, reply) => {
      const unlocked = await unlockSignIn(db, token)
      if (!unlocked) return undefined
      rememberDevice(request, reply, unlocked.memberId, deviceCookieOptions(deps))
      return 'unlock.done'
    },
  })
}
