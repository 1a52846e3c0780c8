// Applying for membership: the form (with the organisation search that also works without
// JavaScript) and the page that asks to confirm the address.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/database.ts'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { loadRegistrationPicker } from '../organisations/organisations.service.ts'
import { registrationFields, registrationForm, registrationQuery, statementMax } from './accounts.schemas.ts'
import { describeInvitation } from './invitations.ts'
import { attempt, inFieldOrder } from './refusals.ts'
import { type Application, applicationProblems, registerApplicant } from './registration.ts'
import { perClient, publicRoute } from './route-limits.ts'

async function renderRegistration(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  values: Record<string, string>,
  problems?: { errors: FieldErrors; status: number },
) {
  // The organisation of the address's official domain is proposed (chosen unless another one is).
  const picker = await loadRegistrationPicker(db, {
    query: values.orgQuery ?? '',
    selectedId: Number(values.organisationId) || null,
    email: values.email,
  })
  const invitation = values.invitation ? await describeInvitation(db, values.invitation) : undefined
  if (problems?.status === 503) reply.header('retry-after', '5')
  return reply.code(problems?.status ?? 200).page('accounts/register', {
    title: request.t('register.title'),
    values,
    errors: problems
      ? labelErrors(registrationForm, inFieldOrder(registrationFields, problems.errors))
      : undefined,
    picker,
    showPicker: Boolean(values.orgQuery) || picker.selectedId !== null || picker.proposed !== undefined,
    invitation,
    statementMax,
  })
}

export async function registrationRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get(
    '/register',
    { config: publicRoute, schema: { querystring: registrationQuery } },
    async (request, reply) => {
      const query = request.query
      const values: Record<string, string> = {}
      // The no-JS organisation search page links here with its choice.
      if (query.orgQuery !== undefined) values.orgQuery = query.orgQuery.slice(0, 100)
      if (query.organisationId && /^[1-9]\d{0,8}$/.test(query.organisationId)) {
        values.organisationId = query.organisationId
      }
      if (query.invitation) {
        const invitation = await describeInvitation(db, query.invitation)
        if (invitation) {
          values.invitation = query.invitation
          values.email = invitation.email
        }
      }
      return renderRegistration(db, request, reply, values)
    },
  )

  app.post(
    '/register',
    { config: { ...publicRoute, rateLimit: perClient(20, 60) }, schema: { body: registrationForm } },
    async (request, reply) => {
      const form = parseForm(request, registrationForm)
      const { action: _action, ...values } = keepTyped(registrationForm, form.values)
      if (form.values.action === 'search') return renderRegistration(db, request, reply, values)
      const application: Application = {
        name: form.values.name,
        email: form.values.email,
        organisationId: Number(form.values.organisationId) || undefined,
        jobTitle: form.values.jobTitle,
        statement: form.values.statement,
        password: form.values.password,
        invitationToken: form.values.invitation || undefined,
        locale: request.locale,
      }
      // Every problem in one round: the form's own and the domain's (organisation, password, name).
      if (!form.ok) {
        const errors = { ...(await applicationProblems(db, application)), ...form.errors }
        return renderRegistration(db, request, reply, values, { errors, status: 422 })
      }
      const outcome = await attempt(() => registerApplicant(db, application), 'password')
      if (!outcome.ok) return renderRegistration(db, request, reply, values, outcome)
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
}
