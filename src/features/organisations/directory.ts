// What other features may ask the organisation directory (read-only): the one entry point, so
// that no feature reaches into the directory's repository or validation.

export {
  findDomainOwners,
  findOrganisationById,
  isOfficialDomain,
  listDomains,
  type OrganisationDetail,
} from './organisations.repository.ts'
export { loadOrganisationPicker, type OrganisationPicker } from './organisations.service.ts'
export { emailDomain } from './organisations.validation.ts'
export { isPublicMailDomain } from './public-mail-domains.ts'
