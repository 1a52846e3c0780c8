// What accounts needs to know from the organisation directory, read-only and in one place:
// which organisation an address belongs to. Verification is bound to an official address (an
// e-mail domain of the member's organisation), so registration, e-mail changes and the yearly
// re-confirmation all ask here.
import type { Db } from '../../db/database.ts'
import {
  emailDomain,
  findDomainOwners,
  findOrganisationById,
  isOfficialDomain,
  listDomains,
} from '../organisations/organisations.service.ts'

export { emailDomain, findOrganisationById, isOfficialDomain }

/** The organisation whose official domain this address is at, if any (a domain has one owner). */
export async function organisationOfAddress(
  db: Db,
  email: string,
): Promise<{ organisationId: number; name: string } | undefined> {
  const domain = emailDomain(email)
  if (!domain) return undefined
  const [owner] = await findDomainOwners(db, [domain])
  return owner ? { organisationId: owner.organisationId, name: owner.name } : undefined
}

/** The organisation's official domains, for a message that says which addresses would do. */
export function officialDomainsOf(db: Db, organisationId: number): Promise<string[]> {
  return listDomains(db, organisationId)
}
