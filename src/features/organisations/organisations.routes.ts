import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../app.ts'

export async function organisationsRoutes(_app: FastifyInstance, _deps: FeatureDeps) {}
