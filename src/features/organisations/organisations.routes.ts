// The organisation directory: the public search, and the moderators' pages to list, add and
// edit organisations — one plugin per sub-resource.
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { organisationAdminRoutes } from './admin.routes.ts'
import { historicalMemberRoutes } from './historical.routes.ts'
import { organisationSearchRoutes } from './search.routes.ts'

export async function organisationsRoutes(app: FastifyInstance, deps: FeatureDeps) {
  await app.register(organisationSearchRoutes, deps)
  await app.register(organisationAdminRoutes, deps)
  await app.register(historicalMemberRoutes, deps)
}
