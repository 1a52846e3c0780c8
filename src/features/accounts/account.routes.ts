// My account: the page, and changing the password, the address and the language.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/database.ts'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { emailChangeForm, languageForm, passwordChangeForm } from './accounts.schemas.ts'
import { changePassword, loadAccountPage, requestEmailChange, setLanguage } from './accounts.service.ts'
import { attempt, type Refusal } from './refusals.ts'
import { perMember } from './route-limits.ts'
import { secondFactorSummary } from './second-factor.ts'

async function renderAccount(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  problems?: Refusal & { values?: Record<string, string> },
) {
  const page = await loadAccountPage(db, request.member!.id, request.session.sessionId)
  const secondFactor = await secondFactorSummary(db, request.member!.id)
  if (problems?.status === 503) reply.header('retry-after', '5')
  return reply.code(problems?.status ?? 200).page('accounts/account', {
    title: request.t('account.title'),
    ...page,
    secondFactor,
    values: problems?.values ?? {},
    errors: problems?.errors,
    languages: (['de', 'en'] as const).map((code) => ({
      code,
      selected: (page.profile.locale ?? request.locale) === code,
    })),
  })
}

/** The page has two current-password fields; the address form's has its own id. */
function asEmailFormErrors(errors: FieldErrors): FieldErrors {
  const { currentPassword, ...rest } = labelErrors(emailChangeForm, errors)
  return currentPassword ? { ...rest, emailCurrentPassword: currentPassword } : rest
}

export async function accountRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get('/account', async (request, reply) => renderAccount(db, request, reply))

  // Guessing the current password is limited by counting wrong answers (sign-in.ts).
  app.post('/account/password', { schema: { body: passwordChangeForm } }, async (request, reply) => {
    const form = parseForm(request, passwordChangeForm)
    const outcome = form.ok
      ? await attempt(
          () =>
            changePassword(db, request.member!.id, {
              ...form.values,
              keepSessionId: request.session.sessionId,
            }),
          'currentPassword',
        )
      : { ok: false as const, errors: form.errors, status: 422 }
    if (!outcome.ok) {
      return renderAccount(db, request, reply, {
        ...outcome,
        errors: labelErrors(passwordChangeForm, outcome.errors),
      })
    }
    request.session.flash = request.t('account.passwordChanged')
    return reply.redirect('/account', 303)
  })

  app.post(
    '/account/email',
    { config: { rateLimit: perMember(5, 60) }, schema: { body: emailChangeForm } },
    async (request, reply) => {
      const form = parseForm(request, emailChangeForm)
      const outcome = form.ok
        ? await attempt(
            () =>
              requestEmailChange(db, request.member!.id, {
                ...form.values,
                keepSessionId: request.session.sessionId,
              }),
            'currentPassword',
          )
        : { ok: false as const, errors: form.errors, status: 422 }
      if (!outcome.ok) {
        return renderAccount(db, request, reply, {
          status: outcome.status,
          errors: asEmailFormErrors(outcome.errors),
          values: keepTyped(emailChangeForm, form.values),
        })
      }
      const movesTo = outcome.value.movesTo
      request.session.flash = movesTo
        ? request.t('account.emailChangeSentMove', { organisation: movesTo })
        : request.t('account.emailChangeSent')
      return reply.redirect('/account', 303)
    },
  )

  app.post('/account/language', { schema: { body: languageForm } }, async (request, reply) => {
    const form = parseForm(request, languageForm)
    if (!form.ok) {
      return renderAccount(db, request, reply, {
        status: 422,
        errors: labelErrors(languageForm, form.errors),
      })
    }
    await setLanguage(db, request.member!.id, form.values.locale)
    request.locale = form.values.locale
    request.session.flash = request.t('account.languageSaved')
    return reply.redirect('/account', 303)
  })
}
