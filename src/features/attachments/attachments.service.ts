// The attachments feature's one public API for other features (discussions' forms and pages,
// the jobs): read the files of a multipart form post, put them on the post it wrote, show the
// files of posts and threads. Everything else of the feature stays inside its folder.
import type { TObject } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import type { Viewer } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { permalink } from '../discussions/discussions.service.ts'
import type { ThreadFileRecord } from './attachments.repository.ts'
import * as repository from './attachments.repository.ts'
import { type BlobStore, PostgresBlobStore } from './blob-store.ts'
import { acceptList, allowedType } from './file-types.ts'
import { thumbnailBox } from './images.ts'
import { filesField, type PendingFile, receiveMultipart, sizeLabel, type Uploads } from './uploads.ts'

export type { PendingFile, Uploads }

/** The store files live in (PostgreSQL; the interface leaves room for another). */
export function blobStore(db: Db): BlobStore {
  return new PostgresBlobStore(db)
}

/**
 * A route's preValidation step for a form that may carry files (new thread, reply, edit): a
 * multipart post's text fields become the body (validated by `form` as usual), its files pending
 * uploads (request.uploads). Url-encoded posts pass untouched.
 */
export function receiveFiles(deps: { db: Db; config: Config }, form: TObject) {
  const store = blobStore(deps.db)
  return async (request: FastifyRequest) =>
    receiveMultipart(request, { db: deps.db, store, limits: deps.config.attachments, form })
}

/** The files problem of the request as a field error (merge it into the form's errors). */
export function uploadErrors(request: FastifyRequest): FieldErrors {
  const problem = request.uploads?.problem
  if (!problem) return {}
  return { [filesField]: { key: problem.key, params: problem.params, label: 'attachments.field.label' } }
}

/** 413 when a file was too large (the form is shown again all the same), else `status`. */
export function uploadStatus(request: FastifyRequest, status: number): number {
  return request.uploads?.problem?.status === 413 ? 413 : status
}

export interface UploadFieldView {
  pending: PendingFile[]
  accept: string
  maxFiles: number
  maxSize: string
}

/**
 * What the file input of a post form shows: the files already sent with it (after an error),
 * the limits. Every discussions page has it (discussions.view.ts common()).
 */
export function uploadField(request: FastifyRequest): UploadFieldView {
  const limits = request.attachmentLimits
  return {
    pending: request.uploads?.files ?? [],
    accept: acceptList,
    maxFiles: limits.maxFiles,
    maxSize: sizeLabel(limits.maxFileBytes),
  }
}

/**
 * Puts the files of the request's form on the post it wrote; the form shown next (htmx's fresh
 * reply form) then lists none.
 */
export async function attachFiles(db: Db, request: FastifyRequest, postId: number): Promise<number> {
  const files = request.uploads?.files ?? []
  const member = request.member
  request.uploads = undefined
  if (!member || files.length === 0) return 0
  return repository.attachToPost(
    db,
    member.id,
    postId,
    files.map((file) => file.id),
  )
}

/** The same for a new thread: the files go on its opening post. */
export async function attachFilesToThread(
  db: Db,
  request: FastifyRequest,
  threadId: number,
): Promise<number> {
  const postId = await repository.openingPostOf(db, threadId)
  return postId ? attachFiles(db, request, postId) : 0
}

export interface FileView {
  id: number
  name: string
  url: string
  typeLabel: string
  sizeLabel: string
  image: boolean
  thumbnailUrl: string | undefined
  width: number | null
  height: number | null
  /** The thumbnail's size (the image scaled into thumbnailBox), so the page does not jump. */
  thumbWidth: number | undefined
  thumbHeight: number | undefined
}

function thumbnailSize(width: number | null, height: number | null) {
  if (!width || !height) return { thumbWidth: undefined, thumbHeight: undefined }
  const scale = Math.min(1, thumbnailBox / width, thumbnailBox / height)
  return { thumbWidth: Math.round(width * scale), thumbHeight: Math.round(height * scale) }
}

/** What a file view needs of a file (a row, or the thread page's JSON record). */
interface ShownFile {
  id: number
  name: string
  mediaType: string
  size: number
  /** Whether it has a thumbnail (an image). */
  thumbnail: boolean
  width: number | null
  height: number | null
}

export function fileView(file: ShownFile): FileView {
  const type = allowedType(file.mediaType)
  return {
    ...thumbnailSize(file.width, file.height),
    id: file.id,
    name: file.name,
    url: `/files/${file.id}`,
    typeLabel: type?.label ?? file.mediaType,
    sizeLabel: sizeLabel(file.size),
    image: type?.image === true && file.thumbnail,
    thumbnailUrl: file.thumbnail ? `/files/${file.id}/thumbnail` : undefined,
    width: file.width,
    height: file.height,
  }
}

export interface PostFiles {
  images: FileView[]
  documents: FileView[]
}

export interface ThreadDocument extends FileView {
  postId: number
}

export type { ThreadFileRecord }

/**
 * A column for the thread page's own statement (no extra round trip): the thread's files on
 * posts the viewer may read (core/visibility's rule), as JSON. The statement's thread alias is `t`.
 */
export function threadFilesColumn(viewer: Viewer, threadAlias = 't') {
  return repository.threadFilesColumn(viewer, threadAlias)
}

export interface ThreadFiles {
  /** "Dokumente in diesem Thema": every file of the thread the viewer may read. */
  documents: ThreadDocument[]
  byPost: Map<number, PostFiles>
}

/** The thread page's files (from threadFilesColumn), by post and as the thread's list. */
export function threadFiles(records: readonly ThreadFileRecord[] | null | undefined): ThreadFiles {
  const documents: ThreadDocument[] = []
  const byPost = new Map<number, PostFiles>()
  for (const record of records ?? []) {
    const view = fileView(record)
    documents.push({ ...view, postId: record.postId })
    let own = byPost.get(record.postId)
    if (!own) {
      own = { images: [], documents: [] }
      byPost.set(record.postId, own)
    }
    ;(view.image ? own.images : own.documents).push(view)
  }
  return { documents, byPost }
}

/** Sets `files` on each of these posts that has files in `files`. */
export function addFilesToPosts(
  posts: Iterable<{ id: number; files?: PostFiles }>,
  files: ThreadFiles,
): void {
  if (files.byPost.size === 0) return
  for (const post of posts) {
    const own = files.byPost.get(post.id)
    if (own) post.files = own
  }
}

export interface OrganisationDocument extends FileView {
  threadTitle: string
  /** The post the file is on, in its thread window. */
  postUrl: string
}

/**
 * For the organisation page (features/network): the latest files its members shared, only those
 * the viewer may read (see latestFilesOfOrganisation).
 */
export async function organisationDocuments(
  db: Db,
  viewer: number,
  organisationId: number,
  limit: number,
): Promise<OrganisationDocument[]> {
  const records = await repository.latestFilesOfOrganisation(db, viewer, organisationId, limit)
  return records.map((record) => ({
    ...fileView(record),
    threadTitle: record.threadTitle,
    postUrl: permalink(record.threadId, record.postId),
  }))
}

/** Removes what nobody can reach any more, then the blobs nothing references (a job). */
export async function collectGarbage(
  db: Db,
  now: Date,
): Promise<{ attachments: number; blobs: number; bytes: number }> {
  const hour = 60 * 60 * 1000
  const attachments = await repository.deleteUnreachable(db, new Date(now.getTime() - 24 * hour))
  const { blobs, bytes } = await blobStore(db).collectGarbage(new Date(now.getTime() - hour))
  return { attachments, blobs, bytes }
}
