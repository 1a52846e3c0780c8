// The organisation directory's public API: what moderators do with it (add, edit, link the
// Konzern Kommune to its municipalities), what the registration form asks of it (search,
// proposal by e-mail domain), and the read-only lookups other features use. Other features
// import only this file. One transaction per command; every change lands in the audit log.

import { readFile } from 'node:fs/promises'
import { recordAudit } from '../../core/audit/audit.ts'
import type { Db } from '../../db/database.ts'
import { type OrganisationKind, type Role, registerKinds } from '../../db/schema.ts'
import { type FieldErrors, NotFoundError, ValidationError } from '../../lib/errors.ts'
import {
  findOrganisationByEmailDomain,
  findOrganisationMatch,
  type OrganisationMatch,
  searchOrganisations,
} from './directory-search.ts'
import {
  addDomains,
  addMunicipalityLinks,
  findDomainOwners,
  findMunicipalitiesByKeys,
  findMunicipalityLink,
  findOrganisationById,
  findOrganisationByKey,
  insertOrganisation,
  isOfficialDomain,
  keepName,
  listDomains,
  listMunicipalityLinks,
  listOrganisations,
  lockOrganisationById,
  type MunicipalityLink,
  type OrganisationDetail,
  type OrganisationListItem,
  refreshSearchContext,
  removeDomains,
  removeMunicipalityLinks,
  updateOrganisationRow,
} from './organisations.repository.ts'
import {
  type DirectoryPolicy,
  noExtraPublicDomains,
  type OrganisationInput,
  type OrganisationValues,
  validateOrganisation,
} from './organisations.validation.ts'
import { describeCounts, importRegisterFile, standFromFileName } from './register-import.ts'

export { landCodes, landNames } from './lands.ts'
export { emailDomain } from './organisations.validation.ts'
export { isPublicMailDomain } from './public-mail-domains.ts'
export type { OrganisationMatch }
export { findDomainOwners, findOrganisationById, isOfficialDomain, listDomains, type OrganisationDetail }

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

/**
 * What needs the database, in one round: a key or domains that another organisation has (the
 * form shows who has them) and municipality keys that name nothing in the register. Returns
 * the named municipalities.
 */
async function checkAgainstDirectory(
  db: Db,
  values: OrganisationValues,
  exceptId?: number,
): Promise<MunicipalityLink[]> {
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
  const municipalities = await findMunicipalitiesByKeys(db, values.municipalityKeys)
  const unknown = values.municipalityKeys.filter((key) => !municipalities.some((m) => m.matchedKey === key))
  if (unknown.length > 0) {
    errors.municipalities = {
      key: 'organisation.error.municipalityUnknown',
      params: { list: unknown.slice(0, 10).join(', ') + (unknown.length > 10 ? ', …' : '') },
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  const byId = new Map(municipalities.map((municipality) => [municipality.id, municipality]))
  return [...byId.values()]
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
    await checkAgainstDirectory(db, values, exceptId)
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
      const municipalities = await checkAgainstDirectory(trx, values)
      const id = await insertOrganisation(trx, values)
      await addDomains(trx, id, values.domains)
      await addMunicipalityLinks(
        trx,
        id,
        municipalities.map((municipality) => municipality.id),
      )
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
          municipalities: municipalities.map((municipality) => municipality.key),
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
      const municipalities = await checkAgainstDirectory(trx, values, id)
      const oldDomains = await listDomains(trx, id)
      const added = values.domains.filter((domain) => !oldDomains.includes(domain))
      const removed = oldDomains.filter((domain) => !values.domains.includes(domain))
      const links = linkChanges(await listMunicipalityLinks(trx, id), municipalities)

      const changes: Record<string, Change> = {}
      for (const field of ['name', 'kind', 'officialKey', 'land', 'autoApprove'] as const) {
        if (before[field] !== values[field]) changes[field] = { from: before[field], to: values[field] }
      }
      if (added.length > 0 || removed.length > 0) changes.domains = { added, removed }
      if (links.added.length > 0 || links.removed.length > 0) {
        changes.municipalities = {
          added: links.added.map((link) => link.key),
          removed: links.removed.map((link) => link.key),
        }
      }
      const changed = Object.keys(changes)
      if (changed.length === 0) return { changed }

      await updateOrganisationRow(trx, id, values)
      await removeDomains(trx, id, removed)
      await addDomains(trx, id, added)
      await removeMunicipalityLinks(
        trx,
        id,
        links.removed.map((link) => link.id),
      )
      await addMunicipalityLinks(
        trx,
        id,
        links.added.map((link) => link.id),
      )
      if (changes.name) {
        // A register organisation's new name is the moderators' from now on: imports keep it.
        if (before.registerExtract !== null) await keepName(trx, id)
        // The names below it carry this one in their search context ("neustadt holstein").
        await refreshSearchContext(trx, [id])
      }
      await recordAudit(trx, {
        action: 'organisation.updated',
        actorId: actor.id,
        details: { organisationId: id, changes },
      })
      return { changed }
    }),
  )
}

function linkChanges(before: MunicipalityLink[], after: MunicipalityLink[]) {
  return {
    added: after.filter((link) => !before.some((old) => old.id === link.id)),
    removed: before.filter((old) => !after.some((link) => link.id === old.id)),
  }
}

/** A named municipality as one line of the form's field: "05566088 Gemeinde Wettringen (Kreis Steinfurt)". */
export function municipalityLine(link: MunicipalityLink): string {
  return `${link.key} ${link.name}${link.parentName ? ` (${link.parentName})` : ''}`
}

/** The municipalities field of the edit form, one line each. */
export async function municipalityLines(db: Db, organisationId: number): Promise<string> {
  return (await listMunicipalityLinks(db, organisationId)).map(municipalityLine).join('\n')
}

/** A municipality picked in the form's search, as a line to add (undefined: not a register organisation). */
export async function municipalityLineFor(db: Db, id: number): Promise<string | undefined> {
  const link = await findMunicipalityLink(db, id)
  return link ? municipalityLine(link) : undefined
}

/** The form's municipality search: register organisations only, historical ones left out. */
export async function searchMunicipalities(db: Db, query: string): Promise<PickerItem[]> {
  const found = await searchOrganisations(db, query.slice(0, 100), { limit: 10, kinds: registerKinds })
  return found.map(pickerItem)
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

/** A search result as the picker shows it: "Wettringen, Gemeinde — Kreis Steinfurt, Nordrhein-Westfalen". */
export interface PickerItem extends OrganisationMatch {
  /** The name says the kind already ("Stadt Köln" is a Stadt, "Kreis Steinfurt" a Kreis). */
  kindInName: boolean
}

/** Whether the name already says what the kind would add: "Amt Südtondern", "Rhein-Kreis Neuss". */
export function nameSaysKind(name: string, officialKind: string | null): boolean {
  if (!officialKind) return false
  const kind = officialKind.toLowerCase()
  const lower = name.toLowerCase()
  return lower.startsWith(`${kind} `) || lower.split(/[\s-]+/).includes(kind)
}

export function pickerItem(match: OrganisationMatch): PickerItem {
  return { ...match, kindInName: nameSaysKind(match.name, match.officialKind) }
}

export interface OrganisationPicker {
  results: PickerItem[]
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
  const found = await searchOrganisations(db, query, { limit: searchResultLimit + 1 })
  const more = found.length > searchResultLimit
  const results = found.slice(0, searchResultLimit)
  const selectedId = options.selectedId ?? null
  if (selectedId !== null && !results.some((result) => result.id === selectedId)) {
    const selected = await findOrganisationMatch(db, selectedId)
    if (selected) results.unshift(selected)
  }
  return {
    results: results.map(pickerItem),
    selectedId: results.some((result) => result.id === selectedId) ? selectedId : null,
    query,
    more,
  }
}

/** The organisation an e-mail address is on an official domain of, for the registration form. */
export async function proposeOrganisationForEmail(db: Db, email: string): Promise<PickerItem | undefined> {
  const match = await findOrganisationByEmailDomain(db, email.slice(0, 254))
  return match ? pickerItem(match) : undefined
}

export interface RegistrationPicker extends OrganisationPicker {
  /** The organisation of the e-mail address's official domain, when it has one. */
  proposed?: PickerItem
}

/**
 * The registration form's picker: as loadOrganisationPicker, and the organisation whose
 * official domain the e-mail address is on proposed (and chosen, unless the person chose
 * another one themselves). `previousProposalId` is the proposal shown before: while it is
 * still the one chosen it was the form's choice, not the person's, and a new address replaces it.
 */
export async function loadRegistrationPicker(
  db: Db,
  options: { query: string; selectedId?: number | null; email?: string; previousProposalId?: number | null },
): Promise<RegistrationPicker> {
  const proposed = options.email ? await proposeOrganisationForEmail(db, options.email) : undefined
  const selectedId = options.selectedId ?? null
  const chosen = selectedId !== null && selectedId !== options.previousProposalId ? selectedId : null
  const picker = await loadOrganisationPicker(db, {
    query: options.query,
    selectedId: chosen ?? proposed?.id ?? null,
  })
  if (proposed && !picker.results.some((result) => result.id === proposed.id))
    picker.results.unshift(proposed)
  return { ...picker, proposed }
}

/**
 * The import command: reads a Destatis extract file and applies it. The Stand comes from
 * `--stand` or the file name ("…2021q2…"). Returns the lines the command prints.
 */
export async function importGemeindeverzeichnis(db: Db, file: string, stand?: string): Promise<string> {
  const when = stand ?? standFromFileName(file)
  if (!when || !/^\d{4}-\d{2}-\d{2}$/.test(when)) {
    throw new Error('Bitte den Stand des Auszugs angeben: --stand JJJJ-MM-TT (oder „2021q2“ im Dateinamen).')
  }
  const text = await readFile(file, 'utf8')
  const counts = await importRegisterFile(db, text, { stand: when })
  return describeCounts(counts, when)
}
