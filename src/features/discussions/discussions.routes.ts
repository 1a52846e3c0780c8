// The discussions feature's routes, one plugin per sub-resource. Every route here is
// member-only (the trust gate's default) and declares its input (discussions.schemas.ts).
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { categoriesRoutes } from './categories.routes.ts'
import { categoriesAdminRoutes } from './categories-admin.routes.ts'
import { postList } from './discussions.view.ts'
import { notificationsRoutes } from './notifications.routes.ts'
import { postsRoutes } from './posts.routes.ts'
import { reactionsRoutes } from './reactions.routes.ts'
import { threadsRoutes } from './threads.routes.ts'

export async function discussionsRoutes(app: FastifyInstance, deps: FeatureDeps) {
  app.addViewHelper('postList', postList)
  await app.register(threadsRoutes, deps)
  await app.register(postsRoutes, deps)
  await app.register(reactionsRoutes, deps)
  await app.register(notificationsRoutes, deps)
  await app.register(categoriesRoutes, deps)
  await app.register(categoriesAdminRoutes, deps)
}
