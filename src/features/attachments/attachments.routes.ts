// Files: serving them behind the same gate as their post, sending one at a time from the post
// forms (JavaScript: a progress bar per file), a moderator removing one, the admins' storage page.
// Every file response is a download in a sandbox: nothing uploaded can ever run in our origin.
import { Readable } from 'node:stream'
import fastifyMultipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import { recordAudit } from '../../core/audit/audit.ts'
import type { FeatureDeps } from '../../deps.ts'
import { ForbiddenError, NotFoundError } from '../../lib/errors.ts'
import { field, formSchema, param, parseForm } from '../../lib/form-schema.ts'
import { hasRole } from '../../plugins/access.ts'
import { wantsFragment } from '../../plugins/views.ts'
import { permalink } from '../discussions/discussions.service.ts'
import * as repository from './attachments.repository.ts'
import { blobStore, receiveFiles, uploadErrors } from './attachments.service.ts'
import type { BlobStore, ByteRange } from './blob-store.ts'
import { contentDisposition } from './file-names.ts'
import { allowedType } from './file-types.ts'
import { sizeLabel } from './uploads.ts'

const idParams = Type.Object({ id: param.id() })
const uploadForm = formSchema({})
/** Files sent one by one (JavaScript): per member, generous for a busy day, checked before reading. */
const uploadLimit = {
  rateLimit: {
    max: 200,
    timeWindow: 60 * 60 * 1000,
    hook: 'onRequest' as const,
    keyGenerator: (request: FastifyRequest) => `files:${request.member?.id ?? request.ip}`,
  },
}
const removeForm = formSchema({ reason: field.line({ max: 500, label: 'attachments.remove.reason' }) })

/** Registers multipart parsing for the whole site scope (the post forms live in other features). */
export const multipartForms = fp(
  async (app, options: { limits: Config['attachments'] }) => {
    app.decorateRequest('attachmentLimits', {
      getter: () => options.limits,
    })
    // Limits per request are set where the parts are read (uploads.ts); these are the outer bounds.
    await app.register(fastifyMultipart, {
      limits: { fieldNameSize: 100, headerPairs: 200 },
      // A file past its limit ends early (marked truncated); uploads.ts refuses it at its field.
      throwFileSizeLimit: false,
    })
  },
  { name: 'multipart-forms' },
)

/** A single byte range of `size` bytes, 'unsatisfiable', or undefined for the whole file. */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // Several ranges, other units, nonsense: the whole file (RFC 9110 lets a server ignore Range).
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  if (size === 0) return 'unsatisfiable'
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(size - suffix, 0), end: size - 1 }
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}

function fileHeaders(reply: FastifyReply, mediaType: string, disposition: string) {
  const text = mediaType.startsWith('text/')
  return reply
    .header('content-type', text ? `${mediaType}; charset=utf-8` : mediaType)
    .header('content-disposition', disposition)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('accept-ranges', 'bytes')
}

/** Sends a blob (or the requested range of it). */
async function sendBlob(
  request: FastifyRequest,
  reply: FastifyReply,
  store: BlobStore,
  key: string,
  size: number,
) {
  const range = parseRange(request.headers.range, size)
  if (range === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${size}`).send()
  }
  if (range) {
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1)
  } else {
    reply.header('content-length', size)
  }
  if (request.method === 'HEAD') return reply.send()
  // One chunk waits beside the one being written (Readable.from would read ahead 16 of them):
  // ten 50 MB downloads at once then hold a few MB, whatever the clients' speed.
  return reply.send(Readable.from(store.read(key, range), { highWaterMark: 1 }))
}

export async function attachmentsRoutes(fastify: FastifyInstance, deps: FeatureDeps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, config } = deps
  const store = blobStore(db)

  async function visibleFile(request: FastifyRequest, id: number) {
    const member = request.member
    const file = member ? await repository.fileForViewer(db, member.id, id) : undefined
    // A file the viewer may not see gets the same answer as a file that does not exist.
    if (!file) throw new NotFoundError()
    return file
  }

  /** A file the viewer may remove: their own (an author editing the post), or any as staff. */
  async function removableFile(request: FastifyRequest, id: number) {
    const file = await visibleFile(request, id)
    const own = file.uploaderId === request.member?.id
    if (!own && !hasRole(request.member, 'moderator')) throw new ForbiddenError()
    return { ...file, byStaff: !own }
  }

  // Guests of a thread read its files too (access 'guest'; visibleFile asks the visibility rule).
  const fileRoute = { config: { access: 'guest' as const }, schema: { params: idParams } }
  app.get('/files/:id', fileRoute, async (request, reply) => {
    const file = await visibleFile(request, request.params.id)
    // Our own re-encoded images may be looked at in the browser; everything else is a download.
    const inline = allowedType(file.mediaType)?.image === true
    fileHeaders(reply, file.mediaType, contentDisposition(inline ? 'inline' : 'attachment', file.name))
    return sendBlob(request, reply, store, file.key, file.size)
  })

  app.get('/files/:id/thumbnail', fileRoute, async (request, reply) => {
    const file = await visibleFile(request, request.params.id)
    if (!file.thumbnailKey) throw new NotFoundError()
    const size = await store.size(file.thumbnailKey)
    if (size === undefined) throw new NotFoundError()
    fileHeaders(reply, 'image/webp', contentDisposition('inline', `${file.name}.webp`))
    return sendBlob(request, reply, store, file.thumbnailKey, size)
  })

  // With JavaScript, each chosen file is sent at once (a progress bar per file); the form then
  // carries only the pending file's id. Answers the pending file's list item (or the error).
  app.post(
    '/files',
    // Guests of a thread too (their reply form is the members'); the files attach to their own post.
    {
      config: { ...uploadLimit, access: 'guest' as const },
      schema: { body: uploadForm },
      preValidation: receiveFiles(deps, uploadForm),
    },
    async (request, reply) => {
      const errors = uploadErrors(request)
      const files = request.uploads?.files ?? []
      if (!request.uploads || (files.length === 0 && !errors.files)) {
        errors.files = { key: 'attachments.error.none', label: 'attachments.field.label' }
      }
      // static/attachments.js asks for the fragment; anything else gets a page of its own.
      const title = request.t('attachments.field.label')
      if (errors.files) {
        reply.code(request.uploads?.problem?.status ?? 422)
        const message = request.t(errors.files.key, errors.files.params)
        if (wantsFragment(request)) return reply.fragment('attachments/_upload-error', { message })
        return reply.page('attachments/upload', { title, message })
      }
      if (wantsFragment(request)) return reply.fragment('attachments/_pending-files', { pending: files })
      return reply.page('attachments/upload', { title, pending: files })
    },
  )

  app.get('/files/:id/remove', fileRoute, async (request, reply) => {
    const file = await removableFile(request, request.params.id)
    return reply.page('attachments/remove', {
      title: request.t('attachments.remove.title'),
      file: { ...file, sizeLabel: sizeLabel(file.size) },
      byStaff: file.byStaff,
      values: {},
    })
  })

  app.post(
    '/files/:id/remove',
    { config: fileRoute.config, schema: { params: idParams, body: removeForm } },
    async (request, reply) => {
      const file = await removableFile(request, request.params.id)
      const form = parseForm(request, removeForm)
      if (!form.ok) {
        reply.code(422)
        return reply.page('attachments/remove', {
          title: request.t('attachments.remove.title'),
          file: { ...file, sizeLabel: sizeLabel(file.size) },
          byStaff: file.byStaff,
          values: form.values,
          errors: form.errors,
        })
      }
      await repository.deleteAttachment(db, file.id)
      // Members remove their own files; the moderation's removals of others' files are audited.
      if (file.byStaff)
        await recordAudit(db, {
          action: 'attachment.removed',
          actorId: request.member?.id ?? null,
          subjectId: file.uploaderId,
          details: {
            name: file.name,
            size: sizeLabel(file.size),
            postId: file.postId,
            threadId: file.threadId,
            reason: form.values.reason || undefined,
          },
        })
      request.session.flash = request.t('attachments.remove.done')
      const target = permalink(file.threadId, file.postId)
      if (wantsFragment(request)) return reply.header('hx-redirect', target).code(204).send()
      return reply.redirect(target, 303)
    },
  )

  app.get('/admin/files', { config: { access: 'admin' } }, async (request, reply) => {
    const [usage, totals, largest] = await Promise.all([
      store.usage(),
      repository.attachmentTotals(db),
      repository.largestFiles(db, 20),
    ])
    return reply.page('attachments/admin', {
      title: request.t('attachments.admin.title'),
      usage: { ...usage, bytesLabel: sizeLabel(usage.bytes) },
      totals: { ...totals, bytesLabel: sizeLabel(totals.bytes) },
      limits: {
        maxSize: sizeLabel(config.attachments.maxFileBytes),
        maxFiles: config.attachments.maxFiles,
        quota: sizeLabel(config.attachments.quotaBytes),
      },
      largest: largest.map((file) => ({
        ...file,
        sizeLabel: sizeLabel(file.size),
        typeLabel: allowedType(file.mediaType)?.label ?? file.mediaType,
      })),
    })
  })
}
