// Moderation: the review queue, reports, thread tools and muting, members, the audit log and the
// admins' index, one plugin each.
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { adminIndexRoutes } from './admin.routes.ts'
import { auditRoutes } from './audit.routes.ts'
import { memberRoutes } from './members.routes.ts'
import { queueRoutes } from './queue.routes.ts'
import { reportRoutes } from './reports.routes.ts'
import { threadToolsRoutes } from './thread-tools.routes.ts'

export async function moderationRoutes(app: FastifyInstance, deps: FeatureDeps) {
  await app.register(queueRoutes, deps)
  await app.register(reportRoutes, deps)
  await app.register(threadToolsRoutes, deps)
  await app.register(memberRoutes, deps)
  await app.register(auditRoutes, deps)
  await app.register(adminIndexRoutes)
}
