import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../app.ts'

export async function digestsRoutes(_app: FastifyInstance, _deps: FeatureDeps) {}
