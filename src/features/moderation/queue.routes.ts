// The review queue: applicants with their evidence, and the three decisions on each.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { TObject } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { type FormValues, keepTyped, parseForm } from '../../lib/form-schema.ts'
import { decide } from './decide.ts'
import { approveForm, askForm, memberParams, rejectForm } from './moderation.schemas.ts'
import {
  approveApplicant,
  askApplicant,
  listApplicants,
  type ModerationPolicy,
  rejectApplicant,
} from './moderation.service.ts'

const moderatorOnly = { access: 'moderator' as const }

interface QueueState {
  status?: number
  /** The applicant whose form failed, with its errors and what was typed. */
  errorFor?: number
  errors?: FieldErrors
  values?: Record<string, string>
  flash?: string
}

/** The card's own error summary: each message names its field and links to it. */
function cardErrors(request: FastifyRequest, applicantId: number, errors: FieldErrors) {
  const fields: Record<string, true> = {}
  const list = Object.entries(errors).map(([field, error]) => {
    fields[field] = true
    const message = request.t(error.key, error.params)
    return {
      href: `#${field}-${applicantId}`,
      message: error.label ? `${request.t(error.label)}: ${message}` : message,
    }
  })
  return { list, fields }
}

export async function queueRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, config } = deps
  const policy: ModerationPolicy = { publicMailDomains: config.publicMailDomains }

  async function renderQueue(request: FastifyRequest, reply: FastifyReply, state: QueueState = {}) {
    const applicants = (await listApplicants(db, policy)).map((applicant) => {
      if (applicant.id !== state.errorFor || !state.errors) return applicant
      return { ...applicant, errors: cardErrors(request, applicant.id, state.errors), values: state.values }
    })
    return reply.code(state.status ?? 200).page('moderation/queue', {
      title: request.t('moderation.queue.title'),
      applicants,
      // Marks the page title; the messages themselves sit in the applicant's card.
      errors: state.errors,
      flash: state.flash,
    })
  }

  app.get('/moderation', { config: moderatorOnly }, async (request, reply) => renderQueue(request, reply))

  /** One applicant decision: its form, the service call, the message after it. */
  function applicantDecision<T extends TObject>(
    action: string,
    form: T,
    run: (moderator: CurrentMember, applicantId: number, values: FormValues<T>) => Promise<void>,
    done: string,
  ) {
    app.post(
      `/moderation/applicants/:id/${action}`,
      { config: moderatorOnly, schema: { params: memberParams, body: form } },
      async (request, reply) => {
        const parsed = parseForm(request, form)
        const id = request.params.id
        if (!parsed.ok) {
          // Errors stay inside the applicant's card (the page shows many forms at once).
          return renderQueue(request, reply, {
            status: 422,
            errorFor: id,
            errors: parsed.errors,
            values: keepTyped(form, parsed.values),
          })
        }
        return decide(request, reply, () => run(request.member!, id, parsed.values), {
          done,
          back: '/moderation',
          onConflict: (flash) => renderQueue(request, reply, { status: 409, flash }),
        })
      },
    )
  }

  applicantDecision(
    'approve',
    approveForm,
    (moderator, id, values) => approveApplicant(db, moderator, id, values.note, policy),
    'moderation.approved',
  )
  applicantDecision(
    'reject',
    rejectForm,
    (moderator, id, values) => rejectApplicant(db, moderator, id, values.reason),
    'moderation.rejected',
  )
  applicantDecision(
    'ask',
    askForm,
    (moderator, id, values) => askApplicant(db, moderator, id, values.question, config.supportEmail),
    'moderation.asked',
  )
}
