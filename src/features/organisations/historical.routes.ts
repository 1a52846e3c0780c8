// The moderators' list of members at merged or dissolved organisations, with the move to the
// successor (a plain form per member; the list comes back with a flash).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { FeatureDeps } from '../../deps.ts'
import { formSchema, param } from '../../lib/form-schema.ts'
import { listMembersAtHistorical, moveAllToSuccessor, moveToSuccessor } from './historical-members.ts'

const moderator = { access: 'moderator' as const }
export const historicalMembersShown = 200

const memberParams = Type.Object({ id: param.id() })
/** The move has no fields of its own (the CSRF token only). */
const moveForm = formSchema({})

export async function historicalMemberRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get('/admin/organisations/historical', { config: moderator }, async (request, reply) => {
    const rows = await listMembersAtHistorical(db, historicalMembersShown)
    return reply.page('organisations/historical', {
      title: request.t('organisation.historicalMembers.title'),
      members: rows.slice(0, historicalMembersShown).map((row, i, shown) => ({
        ...row,
        // The rows come by organisation: its first row carries the "move all" button.
        firstOfOrganisation: i === 0 || shown[i - 1]!.organisationId !== row.organisationId,
        statusLabel: request.t(`memberStatus.${row.status}`),
        historicalOn: row.historicalAt.toISOString().slice(0, 10),
      })),
      more: rows.length > historicalMembersShown,
    })
  })

  app.post(
    '/admin/organisations/historical/:id/move',
    { config: moderator, schema: { params: memberParams, body: moveForm } },
    async (request, reply) => {
      const outcome = await moveToSuccessor(db, request.member!, request.params.id)
      request.session.flash = request.t(`organisation.historicalMembers.${outcome}`)
      return reply.redirect('/admin/organisations/historical', 303)
    },
  )

  app.post(
    '/admin/organisations/historical/organisation/:id/move',
    { config: moderator, schema: { params: memberParams, body: moveForm } },
    async (request, reply) => {
      const counts = await moveAllToSuccessor(db, request.member!, request.params.id)
      request.session.flash = [
        request.t('organisation.historicalMembers.movedAll', {
          moved: counts.moved,
          left: counts.notAllowed + counts.noSuccessor,
        }),
        request.t('organisation.historicalMembers.domainsMoved', { count: counts.domains }),
      ]
        .filter(Boolean)
        .join(' ')
      return reply.redirect('/admin/organisations/historical', 303)
    },
  )
}
