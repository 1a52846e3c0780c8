// Direct messages: conversations, settings and blocks, reports of a message. One plugin each.
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { conversationRoutes } from './conversations.routes.ts'
import { messageReportRoutes } from './message-reports.routes.ts'
import { messageSettingsRoutes } from './message-settings.routes.ts'

export async function messagesRoutes(app: FastifyInstance, deps: FeatureDeps) {
  // Settings first: /messages/settings is no conversation id.
  await app.register(messageSettingsRoutes, deps)
  await app.register(conversationRoutes, deps)
  await app.register(messageReportRoutes, deps)
}
