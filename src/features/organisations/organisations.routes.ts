// The organisation directory: the public search of the registration form, and the
// moderators' pages to list, add and edit organisations.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { organisationKinds } from '../../db/schema.ts'
import type { FeatureDeps } from '../../deps.ts'
import { type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import { landCodes } from './lands.ts'
import {
  createOrganisation,
  getOrganisation,
  listOrganisationsPage,
  loadOrganisationPicker,
  updateOrganisation,
} from './organisations.service.ts'
import { isOrganisationKind, maxNameLength, type OrganisationInput } from './organisations.validation.ts'

/** The first value of a query or form field as a string; anything else counts as empty. */
function text(source: unknown, name: string, max = 10_000): string {
  if (!source || typeof source !== 'object') return ''
  const value = (source as Record<string, unknown>)[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first.replace(/\r\n?/g, '\n').slice(0, max) : ''
}

/** A positive id from a path or field; anything else (letters, 0, huge numbers) is undefined. */
function parseId(value: string): number | undefined {
  if (!/^\d{1,9}$/.test(value)) return undefined
  const id = Number(value)
  return id > 0 ? id : undefined
}

/** Only the fields of the form are read: `role`, `id` or anything else sent along is ignored. */
function readOrganisationForm(body: unknown): OrganisationInput {
  return {
    name: text(body, 'name', 1000),
    kind: text(body, 'kind', 100),
    officialKey: text(body, 'officialKey', 100),
    land: text(body, 'land', 100),
    autoApprove: ['1', 'on', 'true'].includes(text(body, 'autoApprove', 10)),
    domains: text(body, 'domains', 20_000),
  }
}

export async function organisationsRoutes(app: FastifyInstance, deps: FeatureDeps) {
  const { db } = deps
  const moderator = { config: { access: 'moderator' as const } }

  // Organisation names and keys are public data (the official directory), so the search of
  // the registration form is public too; the rate limit keeps it from being scraped fast.
  app.get(
    '/organisations/search',
    { config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const query = text(request.query, 'q', 200) || text(request.query, 'orgQuery', 200)
      const selectedId = parseId(text(request.query, 'organisationId', 20)) ?? null
      const picker = await loadOrganisationPicker(db, { query, selectedId })
      return reply.pageOrFragment('organisations/search', 'organisations/_search-results', {
        title: request.t('organisation.search.title'),
        ...picker,
      })
    },
  )

  app.get('/admin/organisations', moderator, async (request, reply) => {
    const query = text(request.query, 'q', 100).trim()
    const kindValue = text(request.query, 'kind', 100)
    const kind = isOrganisationKind(kindValue) ? kindValue : null
    const page = parseId(text(request.query, 'page', 20)) ?? 1
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
  })

  app.get('/admin/organisations/new', moderator, async (request, reply) =>
    renderForm(request, reply, { values: { kind: '', land: '', autoApprove: false } }),
  )

  app.post('/admin/organisations', moderator, async (request, reply) => {
    const input = readOrganisationForm(request.body)
    try {
      const { id } = await createOrganisation(db, request.member!, input)
      request.session.flash = request.t('organisation.admin.created')
      return reply.redirect(`/admin/organisations/${id}/edit`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return renderForm(request, reply, { status: 422, values: input, errors: error.fields })
    }
  })

  app.get<{ Params: { id: string } }>('/admin/organisations/:id/edit', moderator, async (request, reply) => {
    const id = parseId(request.params.id)
    if (id === undefined) throw new NotFoundError()
    const organisation = await getOrganisation(db, id)
    return renderForm(request, reply, {
      organisation,
      values: {
        name: organisation.name,
        kind: organisation.kind,
        officialKey: organisation.officialKey ?? '',
        land: organisation.land ?? '',
        autoApprove: organisation.autoApprove,
        domains: organisation.domains.join('\n'),
      },
    })
  })

  app.post<{ Params: { id: string } }>('/admin/organisations/:id', moderator, async (request, reply) => {
    const id = parseId(request.params.id)
    if (id === undefined) throw new NotFoundError()
    const input = readOrganisationForm(request.body)
    try {
      const { changed } = await updateOrganisation(db, request.member!, id, input)
      request.session.flash = request.t(
        changed.length > 0 ? 'organisation.admin.updated' : 'organisation.admin.unchanged',
      )
      return reply.redirect(`/admin/organisations/${id}/edit`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const organisation = await getOrganisation(db, id)
      return renderForm(request, reply, { status: 422, organisation, values: input, errors: error.fields })
    }
  })
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
  organisation?: { id: number; name: string }
  values: Partial<Record<keyof OrganisationInput, string | boolean>>
  errors?: FieldErrors
  flash?: string
}

/** The add and edit pages share one form; `organisation` is set when editing. */
function renderForm(request: FastifyRequest, reply: FastifyReply, page: FormPage) {
  const editing = page.organisation
  const kind = typeof page.values.kind === 'string' ? page.values.kind : ''
  const land = typeof page.values.land === 'string' ? page.values.land : ''
  return reply.code(page.status ?? 200).page(editing ? 'organisations/edit' : 'organisations/new', {
    title: editing ? request.t('organisation.admin.editTitle') : request.t('organisation.admin.newTitle'),
    organisation: editing,
    action: editing ? `/admin/organisations/${editing.id}` : '/admin/organisations',
    values: page.values,
    errors: page.errors,
    flash: page.flash,
    kindOptions: kindOptions(request, kind),
    landOptions: landOptions(request, land),
    maxNameLength,
  })
}
