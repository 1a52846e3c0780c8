// The public organisation search of the registration form (and of the moderators' "move to
// another organisation"). Names and keys are public data (the official directory); the rate
// limit keeps the search from being scraped fast.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { searchQuery } from './organisations.schemas.ts'
import { loadOrganisationPicker } from './organisations.service.ts'

export async function organisationSearchRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    '/organisations/search',
    {
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
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
}
