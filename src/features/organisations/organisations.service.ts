// What moderators do with the directory (add, edit) and what the registration form asks of
// it (search). One transaction per command; every change lands in the audit log.

import { recordAudit } from '../../core/audit/audit.ts'
import type { Db } from '../../db/database.ts'
import type { OrganisationKind, Role } from '../../db/schema.ts'
import { type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import {
  addDomains,
  findDomainOwners,
  findOrganisationById,
  findOrganisationByKey,
  insertOrganisation,
  listDomains,
  listOrganisations,
  lockOrganisationById,
  type OrganisationDetail,
  type OrganisationListItem,
  type OrganisationSummary,
  removeDomains,
  searchOrganisations,
  updateOrganisationRow,
} from './organisations.repository.ts'
import {
  type DirectoryPolicy,
  noExtraPublicDomains,
  type OrganisationInput,
  type OrganisationValues,
  validateOrganisation,
} from './organisations.validation.ts'

export interface Actor {
  id: number
  role: Role
}

/**
 * Automatic approval lets anyone with an address on the domains in without review, so only an
 * admin may turn it on; a moderator may turn it off (e.g. when it was abused).
 */
export function autoApproveProblem(actor: Actor, wanted: boolean, before: boolean): FieldErrors {
  if (wanted && !before && actor.role !== 'admin') {
    return { autoApprove: { key: 'organisation.error.autoApproveAdminOnly' } }
  }
  return {}
}

/** Every rule of the form that needs no database, in one round. */
function validated(input: OrganisationInput, policy: DirectoryPolicy, permission: FieldErrors) {
  const validation = validateOrganisation(input, policy)
  const errors = { ...(validation.ok ? {} : validation.errors), ...permission }
  if (!validation.ok || Object.keys(errors).length > 0) throw new ValidationError(errors)
  return validation.values
}

/** Refuses a key or domains that another organisation has (the form shows who has them). */
async function checkUnique(db: Db, values: OrganisationValues, exceptId?: number): Promise<void> {
  const errors: FieldErrors = {}
  if (values.officialKey) {
    const owner = await findOrganisationByKey(db, values.officialKey)
    if (owner && owner.id !== exceptId) {
      errors.officialKey = {
        key: 'organisation.error.keyTaken',
        params: { key: values.officialKey, name: owner.name },
      }
    }
  }
  const owners = await findDomainOwners(db, values.domains, exceptId)
  if (owners.length > 0) {
    errors.domains = {
      key: 'organisation.error.domainTaken',
      params: { list: owners.map((owner) => `${owner.domain} (${owner.name})`).join(', ') },
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505'
}

/**
 * Two moderators saving the same key or domain at once: the database refuses the second;
 * it gets the same message as if it had come second in the first place.
 */
async function retryAsValidation<T>(
  db: Db,
  values: OrganisationValues,
  exceptId: number | undefined,
  work: () => Promise<T>,
) {
  try {
    return await work()
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    await checkUnique(db, values, exceptId)
    throw error
  }
}

export async function createOrganisation(
  db: Db,
  actor: Actor,
  input: OrganisationInput,
  policy: DirectoryPolicy = noExtraPublicDomains,
): Promise<{ id: number }> {
  const values = validated(input, policy, autoApproveProblem(actor, input.autoApprove, false))
  return retryAsValidation(db, values, undefined, () =>
    db.transaction().execute(async (trx) => {
      await checkUnique(trx, values)
      const id = await insertOrganisation(trx, values)
      await addDomains(trx, id, values.domains)
      await recordAudit(trx, {
        action: 'organisation.created',
        actorId: actor.id,
        details: {
          organisationId: id,
          name: values.name,
          kind: values.kind,
          officialKey: values.officialKey,
          land: values.land,
          autoApprove: values.autoApprove,
          domains: values.domains,
        },
      })
      return { id }
    }),
  )
}

type Change = { from: unknown; to: unknown } | { added: string[]; removed: string[] }

/** Saves the edit form. Returns the names of the fields that changed (none: nothing written). */
export async function updateOrganisation(
  db: Db,
  actor: Actor,
  id: number,
  input: OrganisationInput,
  policy: DirectoryPolicy = noExtraPublicDomains,
): Promise<{ changed: string[] }> {
  const current = await findOrganisationById(db, id)
  if (!current) throw new NotFoundError()
  const values = validated(input, policy, autoApproveProblem(actor, input.autoApprove, current.autoApprove))
  return retryAsValidation(db, values, id, () =>
    db.transaction().execute(async (trx) => {
      const before = await lockOrganisationById(trx, id)
      if (!before) throw new NotFoundError()
      const permission = autoApproveProblem(actor, values.autoApprove, before.autoApprove)
      if (Object.keys(permission).length > 0) throw new ValidationError(permission)
      await checkUnique(trx, values, id)
      const oldDomains = await listDomains(trx, id)
      const added = values.domains.filter((domain) => !oldDomains.includes(domain))
      const removed = oldDomains.filter((domain) => !values.domains.includes(domain))

      const changes: Record<string, Change> = {}
      for (const field of ['name', 'kind', 'officialKey', 'land', 'autoApprove'] as const) {
        if (before[field] !== values[field]) changes[field] = { from: before[field], to: values[field] }
      }
      if (added.length > 0 || removed.length > 0) changes.domains = { added, removed }
      const changed = Object.keys(changes)
      if (changed.length === 0) return { changed }

      await updateOrganisationRow(trx, id, values)
      await removeDomains(trx, id, removed)
      await addDomains(trx, id, added)
      await recordAudit(trx, {
        action: 'organisation.updated',
        actorId: actor.id,
        details: { organisationId: id, changes },
      })
      return { changed }
    }),
  )
}

export async function getOrganisation(
  db: Db,
  id: number,
): Promise<OrganisationDetail & { domains: string[] }> {
  const organisation = await findOrganisationById(db, id)
  if (!organisation) throw new NotFoundError()
  return { ...organisation, domains: await listDomains(db, id) }
}

export const organisationsPerPage = 50

export interface OrganisationListPage {
  items: OrganisationListItem[]
  page: number
  hasPrevious: boolean
  hasNext: boolean
}

/** One page of the moderators' list (fetches one row more than it shows instead of counting). */
export async function listOrganisationsPage(
  db: Db,
  options: { query: string; kind: OrganisationKind | null; page: number },
): Promise<OrganisationListPage> {
  const page = Math.max(1, Math.min(options.page, 10_000))
  const rows = await listOrganisations(db, {
    query: options.query,
    kind: options.kind,
    limit: organisationsPerPage + 1,
    offset: (page - 1) * organisationsPerPage,
  })
  return {
    items: rows.slice(0, organisationsPerPage),
    page,
    hasPrevious: page > 1,
    hasNext: rows.length > organisationsPerPage,
  }
}

export const searchResultLimit = 20

export interface OrganisationPicker {
  results: OrganisationSummary[]
  selectedId: number | null
  query: string
  /** More matches than shown: the person should type more. */
  more: boolean
}

/**
 * View data for the partial `organisations/_search-results`: the matches for the query, and
 * the organisation already chosen kept at the top even when the query no longer finds it
 * (a re-rendered registration form must not lose the choice).
 */
export async function loadOrganisationPicker(
  db: Db,
  options: { query: string; selectedId?: number | null },
): Promise<OrganisationPicker> {
  const query = options.query.slice(0, 100)
  const found = await searchOrganisations(db, query, searchResultLimit + 1)
  const more = found.length > searchResultLimit
  const results = found.slice(0, searchResultLimit)
  const selectedId = options.selectedId ?? null
  if (selectedId !== null && !results.some((result) => result.id === selectedId)) {
    const selected = await findOrganisationById(db, selectedId)
    if (selected) {
      const { id, name, kind, land, officialKey } = selected
      results.unshift({ id, name, kind, land, officialKey })
    }
  }
  return {
    results,
    selectedId: results.some((result) => result.id === selectedId) ? selectedId : null,
    query,
    more,
  }
}
