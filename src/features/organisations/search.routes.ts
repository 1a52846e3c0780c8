// The public organisation search of the registration form (and of the moderators' "move to
// another organisation"). Names and keys are public data (the official directory); the rate
// limit keeps the search from being scraped fast.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { proposalQuery, searchQuery } from './organisations.schemas.ts'
import { emailDomain, loadOrganisationPicker, loadRegistrationPicker } from './organisations.service.ts'

const searchLimit = { access: 'public' as const, rateLimit: { max: 60, timeWindow: '1 minute' } }

export async function organisationSearchRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    '/organisations/search',
    {
      config: searchLimit,
      schema: { querystring: searchQuery },
    },
    async (request, reply) => {
      const { q, orgQuery, organisationId } = request.query
      const picker = await loadOrganisationPicker(deps.db, {
        query: q || orgQuery || '',
        selectedId: organisationId || null,
      })
      return reply.pageOrFragment('organisations/search', 'organisations/_search-results', {
        title: request.t('organisation.search.title'),
        ...picker,
      })
    },
  )

  // The registration form's e-mail field (htmx, when it changes): the picker with the
  // organisation of the address's official domain proposed and chosen. Nothing to propose:
  // 204, the picker stays as it is (unless it showed an earlier proposal, which goes).
  // Without JavaScript the registration form proposes the same when it comes back.
  app.get(
    '/organisations/propose',
    { config: searchLimit, schema: { querystring: proposalQuery } },
    async (request, reply) => {
      const { email, orgQuery, organisationId, proposedId } = request.query
      const previousProposalId = proposedId || null
      const hasDomain = email !== undefined && emailDomain(email) !== null
      if (!hasDomain && previousProposalId === null) return reply.code(204).send()
      const picker = await loadRegistrationPicker(deps.db, {
        query: orgQuery ?? '',
        selectedId: organisationId || null,
        email: hasDomain ? email : undefined,
        previousProposalId,
      })
      if (!picker.proposed && previousProposalId === null) return reply.code(204).send()
      return reply.pageOrFragment('organisations/search', 'organisations/_search-results', {
        title: request.t('organisation.search.title'),
        ...picker,
      })
    },
  )
}
