// Closed groups (Arbeitsgruppen): the list, a group's page, joining and leaving, and the
// management pages of group admins. Member-only (the trust gate's default); every form works
// without JavaScript (post, redirect, flash); a form with errors comes back with 422, all errors
// named and everything typed kept.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { TObject } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { FeatureDeps } from '../../deps.ts'
import { ConflictError, type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { formSchema, keepTyped, type ParsedForm, parseForm } from '../../lib/form-schema.ts'
import {
  decisionForm,
  groupCategoryForm,
  groupForm,
  groupMemberParams,
  groupParams,
  inviteForm,
  joinForm,
  limits,
  memberActionForm,
} from './groups.schemas.ts'
import * as service from './groups.service.ts'
import { groupListView, groupView, modeOptions } from './groups.view.ts'

const emptyForm = formSchema({})

function me(request: FastifyRequest): CurrentMember {
  // The trust gate has run: every route here has a verified member.
  return request.member!
}

function back(request: FastifyRequest, reply: FastifyReply, to: string, flashKey?: string) {
  if (flashKey) request.session.flash = request.t(flashKey)
  return reply.redirect(to, 303)
}

export async function groupsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps
  const admin = { access: 'admin' as const }

  app.get('/groups', async (request, reply) => {
    const member = me(request)
    const groups = await service.listGroups(db, member)
    return reply.page('groups/list', {
      title: request.t('groups.list.title'),
      ...groupListView(request.locale, groups),
      canCreate: member.role === 'admin',
    })
  })

  function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: FieldErrors,
  ) {
    return reply.page('groups/new', {
      title: request.t('groups.new.title'),
      values,
      errors,
      modes: modeOptions(request.locale, values.joinMode || 'request'),
      limits,
    })
  }

  app.get('/groups/new', { config: admin }, async (request, reply) => newPage(request, reply, {}))

  app.post('/groups', { config: admin, schema: { body: groupForm } }, async (request, reply) => {
    const form = parseForm(request, groupForm)
    try {
      const id = await service.createGroup(db, me(request), form.values, form.errors)
      return back(request, reply, `/groups/${id}`, 'groups.created')
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      reply.code(422)
      return newPage(request, reply, keepTyped(groupForm, form.values), error.fields)
    }
  })

  app.get('/groups/:id', { schema: { params: groupParams } }, async (request, reply) => {
    const data = await service.groupPage(db, me(request), request.params.id)
    return reply.page('groups/group', {
      title: data.group.name,
      ...groupView(request.locale, data),
      limits,
    })
  })

  app.post(
    '/groups/:id/join',
    { schema: { params: groupParams, body: joinForm } },
    async (request, reply) => {
      const form = parseForm(request, joinForm)
      if (!form.ok) throw new ValidationError(form.errors)
      const outcome = await service.join(db, me(request), request.params.id, form.values.message)
      return back(request, reply, `/groups/${request.params.id}`, `groups.${outcome}`)
    },
  )

  app.post(
    '/groups/:id/withdraw',
    { schema: { params: groupParams, body: emptyForm } },
    async (request, reply) => {
      await service.withdraw(db, me(request), request.params.id)
      return back(request, reply, `/groups/${request.params.id}`, 'groups.withdrawn')
    },
  )

  app.post(
    '/groups/:id/leave',
    { schema: { params: groupParams, body: emptyForm } },
    async (request, reply) => {
      try {
        await service.leave(db, me(request), request.params.id)
        return back(request, reply, '/groups', 'groups.left')
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        return back(request, reply, `/groups/${request.params.id}`, error.messageKey)
      }
    },
  )

  // --- management (group admins and site admins) ---------------------------------------

  async function managePage(
    request: FastifyRequest,
    reply: FastifyReply,
    groupId: number,
    forms: {
      settings?: Record<string, string>
      invite?: Record<string, string>
      category?: Record<string, string>
    } = {},
    errors?: FieldErrors,
  ) {
    const data = await service.managePage(db, me(request), groupId)
    const settings = forms.settings ?? {
      name: data.group.name,
      description: data.group.description,
      joinMode: data.group.joinMode,
    }
    return reply.page('groups/manage', {
      title: request.t('groups.manage.title', { name: data.group.name }),
      ...groupView(request.locale, data),
      requests: data.requests.map((r) => ({ ...r, invitation: r.kind === 'invitation' })),
      settings,
      invite: forms.invite ?? {},
      category: forms.category ?? {},
      modes: modeOptions(request.locale, settings.joinMode ?? data.group.joinMode),
      errors,
      limits,
    })
  }

  app.get('/groups/:id/manage', { schema: { params: groupParams } }, async (request, reply) =>
    managePage(request, reply, request.params.id),
  )

  /**
   * A form of the management page: saved, the flash and back to the page; refused, the page
   * again (422) with every error and that form's section as typed.
   */
  async function manageForm<T extends TObject>(
    request: FastifyRequest<{ Params: { id: number } }>,
    reply: FastifyReply,
    form: T,
    section: string,
    save: (parsed: ParsedForm<T>) => Promise<string>,
  ) {
    const parsed = parseForm(request, form)
    try {
      const flash = await save(parsed)
      request.session.flash = flash
      return reply.redirect(`/groups/${request.params.id}/manage`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      reply.code(422)
      const kept = { [section]: keepTyped(form, parsed.values) }
      return managePage(request, reply, request.params.id, kept, error.fields)
    }
  }

  app.post('/groups/:id/settings', { schema: { params: groupParams, body: groupForm } }, (request, reply) =>
    manageForm(request, reply, groupForm, 'settings', async (form) => {
      await service.updateGroup(db, me(request), request.params.id, form.values, form.errors)
      return request.t('groups.manage.saved')
    }),
  )

  app.post('/groups/:id/invite', { schema: { params: groupParams, body: inviteForm } }, (request, reply) =>
    manageForm(request, reply, inviteForm, 'invite', async (form) => {
      if (!form.ok) throw new ValidationError(form.errors)
      const name = await service.invite(db, me(request), request.params.id, form.values.handle)
      return request.t('groups.manage.invited', { name })
    }),
  )

  app.post(
    '/groups/:id/categories',
    { schema: { params: groupParams, body: groupCategoryForm } },
    (request, reply) =>
      manageForm(request, reply, groupCategoryForm, 'category', async (form) => {
        const { categoryName: name, categoryDescription: description } = form.values
        await service.createCategory(db, me(request), request.params.id, { name, description }, form.errors)
        return request.t('groups.manage.categoryCreated')
      }),
  )

  app.post(
    '/groups/:id/requests/:memberId',
    { schema: { params: groupMemberParams, body: decisionForm } },
    async (request, reply) => {
      const form = parseForm(request, decisionForm)
      if (!form.ok) throw new ValidationError(form.errors)
      const { id, memberId } = request.params
      await service.decideRequest(db, me(request), id, memberId, form.values.decision)
      return back(request, reply, `/groups/${id}/manage`, 'groups.manage.saved')
    },
  )

  app.post(
    '/groups/:id/members/:memberId',
    { schema: { params: groupMemberParams, body: memberActionForm } },
    async (request, reply) => {
      const form = parseForm(request, memberActionForm)
      if (!form.ok) throw new ValidationError(form.errors)
      const { id, memberId } = request.params
      try {
        await service.changeMember(db, me(request), id, memberId, form.values.action)
        return back(request, reply, `/groups/${id}/manage`, 'groups.manage.saved')
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        return back(request, reply, `/groups/${id}/manage`, error.messageKey)
      }
    },
  )
}
