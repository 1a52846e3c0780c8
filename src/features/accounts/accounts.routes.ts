// The accounts feature's routes, one plugin per sub-resource.
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { accountRoutes } from './account.routes.ts'
import { dataRightsRoutes } from './data-rights.routes.ts'
import { invitationsRoutes } from './invitations.routes.ts'
import { mailLinksRoutes } from './mail-links.routes.ts'
import { passwordRoutes } from './password.routes.ts'
import { registrationRoutes } from './registration.routes.ts'
import { secondFactorRoutes } from './second-factor.routes.ts'
import { sessionsRoutes } from './sessions.routes.ts'
import { signInRoutes } from './sign-in.routes.ts'
import { statusRoutes } from './status.routes.ts'

export async function accountsRoutes(app: FastifyInstance, deps: FeatureDeps) {
  await app.register(signInRoutes, deps)
  await app.register(registrationRoutes, deps)
  await app.register(mailLinksRoutes, deps)
  await app.register(passwordRoutes, deps)
  await app.register(statusRoutes, deps)
  await app.register(accountRoutes, deps)
  await app.register(sessionsRoutes, deps)
  await app.register(invitationsRoutes, deps)
  await app.register(secondFactorRoutes, deps)
  await app.register(dataRightsRoutes, deps)
}
