// The moderators' pages of the directory: list, add, edit.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import { organisationKinds } from '../../db/schema.ts'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { type FormValues, keepTyped, labelErrors, parseForm } from '../../lib/form-schema.ts'
import { landCodes } from './lands.ts'
import {
  listQuery,
  municipalitySearchQuery,
  organisationForm,
  organisationParams,
} from './organisations.schemas.ts'
import {
  autoApproveProblem,
  createOrganisation,
  getOrganisation,
  listOrganisationsPage,
  municipalityLineFor,
  municipalityLines,
  type PickerItem,
  searchMunicipalities,
  updateOrganisation,
} from './organisations.service.ts'
import {
  type DirectoryPolicy,
  isOrganisationKind,
  maxNameLength,
  type OrganisationInput,
  validateOrganisation,
} from './organisations.validation.ts'

const moderator = { access: 'moderator' as const }

type OrganisationForm = FormValues<typeof organisationForm>

function inputFrom(values: OrganisationForm): OrganisationInput {
  return { ...values, autoApprove: values.autoApprove !== '' }
}

/** The form's own municipality search is never saved: its problems do not stop a save. */
const searchFields = ['municipalityQuery', 'municipalityPick', 'intent']

function savedFieldErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([name]) => !searchFields.includes(name)))
}

/**
 * The municipality search buttons (without JavaScript, or "Hinzufügen" with it): the form comes
 * back with everything typed, the results, or the picked municipality added to the list.
 * Nothing is saved. Undefined when the form was sent to be saved.
 */
async function searchStep(db: Db, values: OrganisationForm): Promise<MunicipalityStep | undefined> {
  if (values.intent !== 'findMunicipality' && values.intent !== 'addMunicipality') return undefined
  const kept = keepTyped(organisationForm, values)
  const pick = Number(values.municipalityPick)
  if (values.intent === 'addMunicipality' && pick > 0) {
    const line = await municipalityLineFor(db, pick)
    if (line) {
      const lines = kept.municipalities ? kept.municipalities.split('\n') : []
      const key = line.split(' ')[0]
      if (!lines.some((existing) => existing.trim().split(/\s/)[0] === key)) lines.push(line)
      return { values: { ...kept, municipalities: lines.join('\n'), municipalityPick: '' }, added: line }
    }
  }
  const results = await searchMunicipalities(db, values.municipalityQuery)
  return { values: kept, results, searched: true }
}

interface MunicipalityStep {
  values: Record<string, string>
  results?: PickerItem[]
  searched?: boolean
  added?: string
}

export async function organisationAdminRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps
  const policy: DirectoryPolicy = { publicMailDomains: deps.config.publicMailDomains }

  app.get(
    '/admin/organisations',
    { config: moderator, schema: { querystring: listQuery } },
    async (request, reply) => {
      const query = (request.query.q ?? '').trim().slice(0, 100)
      const kind = isOrganisationKind(request.query.kind) ? request.query.kind : null
      const page = typeof request.query.page === 'number' ? request.query.page : 1
      const list = await listOrganisationsPage(db, { query, kind, page })
      const linkTo = (target: number) => {
        const params = new URLSearchParams()
        if (query) params.set('q', query)
        if (kind) params.set('kind', kind)
        if (target > 1) params.set('page', String(target))
        const search = params.toString()
        return `/admin/organisations${search ? `?${search}` : ''}`
      }
      return reply.pageOrFragment('organisations/index', 'organisations/_list', {
        title: request.t('organisation.admin.title'),
        query,
        kindOptions: kindOptions(request, kind ?? ''),
        ...list,
        previousUrl: list.hasPrevious ? linkTo(list.page - 1) : undefined,
        nextUrl: list.hasNext ? linkTo(list.page + 1) : undefined,
      })
    },
  )

  app.get('/admin/organisations/new', { config: moderator }, async (request, reply) =>
    renderForm(request, reply, { values: {}, autoApproveBefore: false }),
  )

  // The form's municipality search while one types (htmx); without JavaScript the form's
  // "Suchen" button does the same (searchStep). As a page of its own it lists the results.
  app.get(
    '/admin/organisations/municipalities',
    { config: moderator, schema: { querystring: municipalitySearchQuery } },
    async (request, reply) => {
      const query = (request.query.municipalityQuery ?? '').slice(0, 100)
      const results = await searchMunicipalities(db, query)
      return reply.pageOrFragment('organisations/municipalities', 'organisations/_municipality-results', {
        title: request.t('organisation.municipalities.title'),
        municipalityResults: results,
        municipalityQuery: query,
        searched: true,
      })
    },
  )

  app.post(
    '/admin/organisations',
    { config: { ...moderator, secondFactor: 'recent' }, schema: { body: organisationForm } },
    async (request, reply) => {
      const form = parseForm(request, organisationForm)
      const step = await searchStep(db, form.values)
      if (step) return renderForm(request, reply, { ...step, autoApproveBefore: false })
      const input = inputFrom(form.values)
      const actor = request.member!
      const failed = (errors: FieldErrors) =>
        renderForm(request, reply, {
          status: 422,
          values: keepTyped(organisationForm, form.values),
          errors,
          autoApproveBefore: false,
        })
      const schemaErrors = savedFieldErrors(form.errors)
      if (Object.keys(schemaErrors).length > 0) {
        const permission = autoApproveProblem(actor, input.autoApprove, false)
        return failed(allProblems(schemaErrors, input, policy, permission))
      }
      try {
        const { id } = await createOrganisation(db, actor, input, policy)
        request.session.flash = request.t('organisation.admin.created')
        return reply.redirect(`/admin/organisations/${id}/edit`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return failed(labelErrors(organisationForm, error.fields))
      }
    },
  )

  app.get(
    '/admin/organisations/:id/edit',
    { config: moderator, schema: { params: organisationParams } },
    async (request, reply) => {
      const organisation = await getOrganisation(db, request.params.id)
      return renderForm(request, reply, {
        organisation,
        autoApproveBefore: organisation.autoApprove,
        values: {
          name: organisation.name,
          kind: organisation.kind,
          officialKey: organisation.officialKey ?? '',
          land: organisation.land ?? '',
          autoApprove: organisation.autoApprove ? '1' : '',
          domains: organisation.domains.join('\n'),
          municipalities: await municipalityLines(db, organisation.id),
        },
      })
    },
  )

  app.post(
    '/admin/organisations/:id',
    {
      config: { ...moderator, secondFactor: 'recent' },
      schema: { params: organisationParams, body: organisationForm },
    },
    async (request, reply) => {
      const form = parseForm(request, organisationForm)
      const id = request.params.id
      const input = inputFrom(form.values)
      const actor = request.member!
      const organisation = await getOrganisation(db, id)
      const step = await searchStep(db, form.values)
      if (step) {
        return renderForm(request, reply, {
          ...step,
          organisation,
          autoApproveBefore: organisation.autoApprove,
        })
      }
      const failed = (errors: FieldErrors) =>
        renderForm(request, reply, {
          status: 422,
          organisation,
          autoApproveBefore: organisation.autoApprove,
          values: keepTyped(organisationForm, form.values),
          errors,
        })
      const schemaErrors = savedFieldErrors(form.errors)
      if (Object.keys(schemaErrors).length > 0) {
        const permission = autoApproveProblem(actor, input.autoApprove, organisation.autoApprove)
        return failed(allProblems(schemaErrors, input, policy, permission))
      }
      try {
        const { changed } = await updateOrganisation(db, actor, id, input, policy)
        request.session.flash = request.t(
          changed.length > 0 ? 'organisation.admin.updated' : 'organisation.admin.unchanged',
        )
        return reply.redirect(`/admin/organisations/${id}/edit`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return failed(labelErrors(organisationForm, error.fields))
      }
    },
  )
}

/** The schema's errors and the directory's rules together, so that one round shows them all. */
function allProblems(
  schemaErrors: FieldErrors,
  input: OrganisationInput,
  policy: DirectoryPolicy,
  permission: FieldErrors,
): FieldErrors {
  const validation = validateOrganisation(input, policy)
  const rules = validation.ok ? {} : validation.errors
  return labelErrors(organisationForm, { ...rules, ...permission, ...schemaErrors })
}

function kindOptions(request: FastifyRequest, selected: string) {
  return organisationKinds.map((kind) => ({
    value: kind,
    label: request.t(`organisation.kind.${kind}`),
    selected: kind === selected,
  }))
}

function landOptions(request: FastifyRequest, selected: string) {
  return landCodes.map((code) => ({
    value: code,
    label: request.t(`organisation.land.${code}`),
    selected: code === selected,
  }))
}

interface FormPage {
  status?: number
  organisation?: { id: number; name: string; registerExtract?: string | null }
  values: Record<string, string>
  errors?: FieldErrors
  /** Whether automatic approval is on now: a moderator may turn it off, never on. */
  autoApproveBefore: boolean
  /** The municipality search's results, and the line just added (searchStep). */
  results?: PickerItem[]
  searched?: boolean
  added?: string
}

/** The add and edit pages share one form; `organisation` is set when editing. */
function renderForm(request: FastifyRequest, reply: FastifyReply, page: FormPage) {
  const editing = page.organisation
  const actor = request.member as CurrentMember
  return reply.code(page.status ?? 200).page(editing ? 'organisations/edit' : 'organisations/new', {
    title: editing ? request.t('organisation.admin.editTitle') : request.t('organisation.admin.newTitle'),
    organisation: editing,
    action: editing ? `/admin/organisations/${editing.id}` : '/admin/organisations',
    values: page.values,
    autoApproveChecked: (page.values.autoApprove ?? '') !== '',
    autoApproveLocked: actor.role !== 'admin' && !page.autoApproveBefore,
    errors: page.errors,
    kindOptions: kindOptions(request, page.values.kind ?? ''),
    landOptions: landOptions(request, page.values.land ?? ''),
    maxNameLength,
    municipalityResults: page.results ?? [],
    municipalityQuery: page.values.municipalityQuery ?? '',
    searched: page.searched ?? false,
    added: page.added,
    // After a search or an addition the page opens at the municipalities (no-JS round trip).
    focusMunicipalities: page.searched || page.added !== undefined,
  })
}
