import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { recordAudit } from '../../core/audit/audit.ts'
import { findMemberById } from '../../core/members/members.repository.ts'
import { endAllSessions, hashSessionId } from '../../core/sessions/session-store.ts'
import type { Locale, TokenPurpose } from '../../db/schema.ts'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { field, formSchema, keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { type FieldRule, keepTyped as keepTypedLegacy, readForm } from '../../lib/forms.ts'
import { findOrganisationById } from '../organisations/organisations.repository.ts'
import { loadOrganisationPicker } from '../organisations/organisations.service.ts'
import { deleteSession, listSessions } from './accounts.repository.ts'
import {
  changePassword,
  confirmEmail,
  confirmEmailChange,
  logIn,
  registerApplicant,
  requestEmailChange,
  requestPasswordReset,
  resendConfirmation,
  resetPassword,
  setLanguage,
} from './accounts.service.ts'
import { findOpenInvitation, inviteColleague } from './invitations.ts'
import { maxPasswordLength } from './passwords.ts'
import { reconfirmMembership, requestReconfirmLink } from './reconfirmation.ts'
import { findValidToken } from './tokens.ts'
import './accounts.mails.ts'

const publicRoute = { access: 'public' as const }
const minutes = (n: number) => n * 60 * 1000

const loginForm = formSchema({
  email: field.line({ required: true, max: 254, label: 'login.email' }),
  password: field.secret({ required: true, max: maxPasswordLength, label: 'login.password' }),
  next: field.line({ max: 500 }),
})

const loginQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 500 })),
  signedOut: Type.Optional(Type.String({ maxLength: 10 })),
})

export const registrationForm = {
  name: { required: true, max: 120 },
  email: { required: true, max: 254, email: true },
  organisationId: { max: 12, pattern: /^\d+$/ },
  orgQuery: { max: 100 },
  jobTitle: { required: true, max: 120 },
  statement: { required: true, max: 1000 },
  password: { required: true, max: maxPasswordLength, secret: true },
  invitation: { max: 100 },
} satisfies Record<string, FieldRule>

const passwordChangeForm = {
  currentPassword: { required: true, max: maxPasswordLength, secret: true },
  newPassword: { required: true, max: maxPasswordLength, secret: true },
} satisfies Record<string, FieldRule>

const emailChangeForm = {
  currentPassword: { required: true, max: maxPasswordLength, secret: true },
  email: { required: true, max: 254, email: true },
} satisfies Record<string, FieldRule>

/** Only local paths are followed after login: no open redirect. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/'
}

function flash(request: FastifyRequest, key: string, params?: Record<string, string>) {
  request.session.flash = request.t(key, params)
}

export async function accountsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  // ---- Sign in and out -------------------------------------------------------------------

  app.get('/login', { config: publicRoute, schema: { querystring: loginQuery } }, async (request, reply) => {
    if (request.member) return reply.redirect('/', 303)
    const query = request.query
    return reply.page('accounts/login', {
      title: request.t('login.title'),
      values: { next: safeNext(query.next) },
      flash: query.signedOut ? request.t('login.signedOut') : undefined,
    })
  })

  app.post(
    '/login',
    {
      config: { ...publicRoute, rateLimit: { max: 30, timeWindow: minutes(15) } },
      schema: { body: loginForm },
    },
    async (request, reply) => {
      const form = parseForm(request, loginForm)
      const render = (errors: FieldErrors, status = 422) =>
        reply.code(status).page('accounts/login', {
          title: request.t('login.title'),
          values: keepTyped(loginForm, form.values),
          errors: labelErrors(loginForm, errors),
        })
      if (!form.ok) return render(form.errors)
      const result = await logIn(db, form.values.email, form.values.password)
      if ('error' in result) {
        const key = result.error === 'locked' ? 'login.locked' : 'login.invalid'
        return render({ email: { key } }, result.error === 'locked' ? 429 : 422)
      }
      await request.session.regenerate()
      request.session.memberId = result.member.id
      request.session.userAgent = request.headers['user-agent']
      return reply.redirect(safeNext(form.values.next), 303)
    },
  )

  app.post('/logout', { config: { access: 'signedIn' } }, async (request, reply) => {
    await request.session.destroy()
    reply.header('clear-site-data', '"cache", "cookies", "storage"')
    return reply.redirect('/login?signedOut=1', 303)
  })

  // ---- Registration ----------------------------------------------------------------------

  async function renderRegistration(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: FieldErrors,
  ) {
    const picker = await loadOrganisationPicker(db, {
      query: values.orgQuery ?? '',
      selectedId: Number(values.organisationId) || null,
    })
    const invitation = values.invitation ? await invitationView(values.invitation) : undefined
    return reply.code(errors ? 422 : 200).page('accounts/register', {
      title: request.t('register.title'),
      values,
      errors,
      picker,
      showPicker: Boolean(values.orgQuery) || picker.selectedId !== null,
      invitation,
      statementMax: registrationForm.statement.max,
    })
  }

  async function invitationView(token: string) {
    const invitation = await findOpenInvitation(db, token)
    if (!invitation) return undefined
    const inviter = await findMemberById(db, invitation.inviter_id)
    return { email: invitation.email, inviterName: inviter?.name ?? '' }
  }

  app.get('/register', { config: publicRoute }, async (request, reply) => {
    const query = request.query as { invitation?: string; orgQuery?: string; organisationId?: string }
    const values: Record<string, string> = {}
    // The no-JS organisation search page links here with its choice.
    if (typeof query.orgQuery === 'string') values.orgQuery = query.orgQuery.slice(0, 100)
    if (typeof query.organisationId === 'string' && /^\d{1,9}$/.test(query.organisationId)) {
      values.organisationId = query.organisationId
    }
    if (typeof query.invitation === 'string') {
      const invitation = await invitationView(query.invitation)
      if (invitation) {
        values.invitation = query.invitation
        values.email = invitation.email
      }
    }
    return renderRegistration(request, reply, values)
  })

  app.post(
    '/register',
    { config: { ...publicRoute, rateLimit: { max: 20, timeWindow: minutes(60) } } },
    async (request, reply) => {
      const form = readForm(request.body, registrationForm)
      const typed = keepTypedLegacy(form.values, registrationForm)
      // The no-JavaScript organisation search submits the whole form with action=search.
      if ((request.body as { action?: string } | undefined)?.action === 'search') {
        return renderRegistration(request, reply, typed)
      }
      if (!form.ok) return renderRegistration(request, reply, typed, form.errors)
      const result = await registerApplicant(db, {
        ...form.values,
        organisationId: Number(form.values.organisationId) || undefined,
        invitationToken: form.values.invitation || undefined,
        locale: request.locale,
      })
      if (result.errors) return renderRegistration(request, reply, typed, result.errors)
      return reply.redirect('/register/sent', 303)
    },
  )

  app.get('/register/sent', { config: publicRoute }, async (request, reply) =>
    reply.page('accounts/message', {
      title: request.t('register.sent.title'),
      heading: 'register.sent.title',
      paragraphs: [request.t('register.sent.text'), request.t('register.sent.hint')],
    }),
  )

  // ---- Links from mail: GET shows a button, only the button's POST uses the token --------

  function tokenPage(options: {
    path: string
    purpose: TokenPurpose
    title: string
    text: string
    button: string
    use: (token: string) => Promise<string | undefined>
  }) {
    const invalid = (request: FastifyRequest, reply: FastifyReply) =>
      reply.code(410).page('accounts/message', {
        title: request.t('confirm.invalid.title'),
        heading: 'confirm.invalid.title',
        paragraphs: [request.t('confirm.invalid.text')],
        loginLink: true,
      })
    app.get(`${options.path}/:token`, { config: publicRoute }, async (request, reply) => {
      const { token } = request.params as { token: string }
      if (!(await findValidToken(db, token, options.purpose))) return invalid(request, reply)
      return reply.page('accounts/confirm', {
        title: request.t(options.title),
        heading: options.title,
        text: options.text,
        button: options.button,
        action: `${options.path}/${token}`,
      })
    })
    app.post(
      `${options.path}/:token`,
      { config: { ...publicRoute, rateLimit: { max: 30, timeWindow: minutes(15) } } },
      async (request, reply) => {
        const { token } = request.params as { token: string }
        const doneKey = await options.use(token)
        if (!doneKey) return invalid(request, reply)
        return reply.page('accounts/message', {
          title: request.t(options.title),
          heading: options.title,
          paragraphs: [request.t(doneKey)],
          loginLink: !request.member,
        })
      },
    )
  }

  tokenPage({
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

  tokenPage({
    path: '/email/confirm',
    purpose: 'change_email',
    title: 'emailChange.title',
    text: 'emailChange.text',
    button: 'emailChange.button',
    use: async (token) => ((await confirmEmailChange(db, token)) ? 'account.emailChanged' : undefined),
  })

  tokenPage({
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

  // ---- Password reset --------------------------------------------------------------------

  app.get('/password/forgot', { config: publicRoute }, async (request, reply) =>
    reply.page('accounts/forgot', { title: request.t('reset.request.title'), values: {} }),
  )

  app.post(
    '/password/forgot',
    { config: { ...publicRoute, rateLimit: { max: 5, timeWindow: minutes(60) } } },
    async (request, reply) => {
      const rules = { email: { required: true, max: 254, email: true } } satisfies Record<string, FieldRule>
      const form = readForm(request.body, rules)
      if (!form.ok) {
        return reply.code(422).page('accounts/forgot', {
          title: request.t('reset.request.title'),
          values: form.values,
          errors: form.errors,
        })
      }
      await requestPasswordReset(db, form.values.email, request.locale)
      return reply.page('accounts/message', {
        title: request.t('reset.request.title'),
        heading: 'reset.request.title',
        paragraphs: [request.t('reset.request.sent')],
      })
    },
  )

  app.get('/password/reset/:token', { config: publicRoute }, async (request, reply) => {
    const { token } = request.params as { token: string }
    if (!(await findValidToken(db, token, 'reset_password'))) {
      return reply.code(410).page('accounts/message', {
        title: request.t('confirm.invalid.title'),
        heading: 'confirm.invalid.title',
        paragraphs: [request.t('confirm.invalid.text')],
      })
    }
    return reply.page('accounts/reset', {
      title: request.t('reset.title'),
      action: `/password/reset/${token}`,
    })
  })

  app.post(
    '/password/reset/:token',
    { config: { ...publicRoute, rateLimit: { max: 10, timeWindow: minutes(15) } } },
    async (request, reply) => {
      const { token } = request.params as { token: string }
      const rules = { password: { required: true, max: maxPasswordLength, secret: true } } satisfies Record<
        string,
        FieldRule
      >
      const form = readForm(request.body, rules)
      const result = form.ok
        ? await resetPassword(db, token, form.values.password)
        : { errors: form.errors, ok: false }
      if (result.errors) {
        return reply.code(422).page('accounts/reset', {
          title: request.t('reset.title'),
          action: `/password/reset/${token}`,
          errors: result.errors,
        })
      }
      if (!result.ok) {
        return reply.code(410).page('accounts/message', {
          title: request.t('confirm.invalid.title'),
          heading: 'confirm.invalid.title',
          paragraphs: [request.t('confirm.invalid.text')],
        })
      }
      if (request.member) await request.session.destroy()
      return reply.page('accounts/message', {
        title: request.t('reset.title'),
        heading: 'reset.title',
        paragraphs: [request.t('reset.done')],
        loginLink: true,
      })
    },
  )

  // ---- Status page for people who are signed in but not (or no longer) verified ---------

  app.get('/status', { config: { access: 'signedIn' } }, async (request, reply) => {
    const member = await findMemberById(db, request.member!.id)
    if (!member) return reply.redirect('/login', 303)
    if (member.status === 'verified') return reply.redirect('/', 303)
    return reply.page('accounts/status', {
      title: request.t('status.title'),
      status: member.status,
      statusText: `status.${member.status}`,
      suspendedUntil: member.status === 'suspended' ? member.suspended_until : null,
      canResend: member.status === 'pending_email',
      canReconfirm: member.status === 'expired',
    })
  })

  app.post(
    '/status/resend',
    { config: { access: 'signedIn', rateLimit: { max: 3, timeWindow: minutes(60) } } },
    async (request, reply) => {
      await resendConfirmation(db, request.member!.id)
      flash(request, 'status.resent')
      return reply.redirect('/status', 303)
    },
  )

  app.post(
    '/status/reconfirm',
    { config: { access: 'signedIn', rateLimit: { max: 3, timeWindow: minutes(60) } } },
    async (request, reply) => {
      await requestReconfirmLink(db, request.member!.id)
      flash(request, 'status.resent')
      return reply.redirect('/status', 303)
    },
  )

  // ---- My account ------------------------------------------------------------------------

  async function renderAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number } = {},
  ) {
    const member = (await findMemberById(db, request.member!.id))!
    const organisation = await findOrganisationById(db, member.organisation_id)
    const currentHash = hashSessionId(request.session.sessionId)
    const sessions = (await listSessions(db, member.id)).map((s) => ({
      ...s,
      current: s.sid_hash === currentHash,
    }))
    return reply.code(extra.status ?? (extra.errors ? 422 : 200)).page('accounts/account', {
      title: request.t('account.title'),
      profile: member,
      organisationName: organisation?.name ?? '',
      sessions,
      values: extra.values ?? {},
      errors: extra.errors,
      languages: (['de', 'en'] as const).map((code) => ({
        code,
        selected: (member.locale ?? request.locale) === code,
      })),
    })
  }

  app.get('/account', async (request, reply) => renderAccount(request, reply))

  app.post('/account/password', async (request, reply) => {
    const form = readForm(request.body, passwordChangeForm)
    const result = form.ok
      ? await changePassword(db, request.member!.id, {
          ...form.values,
          keepSessionId: request.session.sessionId,
        })
      : { errors: form.errors }
    if (result.errors) return renderAccount(request, reply, { errors: result.errors })
    flash(request, 'account.passwordChanged')
    return reply.redirect('/account', 303)
  })

  app.post(
    '/account/email',
    { config: { rateLimit: { max: 5, timeWindow: minutes(60) } } },
    async (request, reply) => {
      const form = readForm(request.body, emailChangeForm)
      const result = form.ok
        ? await requestEmailChange(db, request.member!.id, {
            ...form.values,
            keepSessionId: request.session.sessionId,
          })
        : { errors: form.errors }
      if (result.errors) {
        return renderAccount(request, reply, {
          errors: result.errors,
          values: keepTypedLegacy(form.values, emailChangeForm),
        })
      }
      flash(request, 'account.emailChangeSent')
      return reply.redirect('/account', 303)
    },
  )

  app.post('/account/language', async (request, reply) => {
    const locale = (request.body as { locale?: string } | undefined)?.locale
    if (locale !== 'de' && locale !== 'en') {
      return renderAccount(request, reply, { errors: { locale: { key: 'validation.invalid' } } })
    }
    await setLanguage(db, request.member!.id, locale as Locale)
    request.locale = locale
    flash(request, 'account.languageSaved')
    return reply.redirect('/account', 303)
  })

  app.post('/account/sessions/revoke', async (request, reply) => {
    const sidHash = (request.body as { session?: string } | undefined)?.session
    if (typeof sidHash === 'string' && sidHash.length < 100) {
      if (await deleteSession(db, request.member!.id, sidHash)) {
        await recordAudit(db, {
          action: 'session.revoked',
          actorId: request.member!.id,
          subjectId: request.member!.id,
        })
      }
    }
    flash(request, 'account.sessionRevoked')
    return reply.redirect('/account', 303)
  })

  app.post('/account/sessions/end-all', async (request, reply) => {
    const memberId = request.member!.id
    await endAllSessions(db, memberId)
    await recordAudit(db, { action: 'logout.everywhere', actorId: memberId, subjectId: memberId })
    await request.session.destroy()
    reply.header('clear-site-data', '"cache", "cookies", "storage"')
    return reply.redirect('/login?signedOut=1', 303)
  })

  // ---- Invitations -----------------------------------------------------------------------

  const inviteForm = {
    email: { required: true, max: 254, email: true },
    note: { max: 500 },
  } satisfies Record<string, FieldRule>

  app.get('/invite', async (request, reply) =>
    reply.page('accounts/invite', {
      title: request.t('invite.title'),
      values: {},
    }),
  )

  app.post(
    '/invite',
    { config: { rateLimit: { max: 20, timeWindow: minutes(24 * 60) } } },
    async (request, reply) => {
      const form = readForm(request.body, inviteForm)
      const render = (errors: FieldErrors) =>
        reply
          .code(422)
          .page('accounts/invite', { title: request.t('invite.title'), values: form.values, errors })
      if (!form.ok) return render(form.errors)
      const result = await inviteColleague(db, request.member!, form.values.email, form.values.note)
      if (result === 'already_member') return render({ email: { key: 'invite.alreadyMember' } })
      flash(request, 'invite.sent', { email: form.values.email })
      return reply.redirect('/invite', 303)
    },
  )
}
