// The attachments feature's one public API for other features (discussions' forms and pages,
// the jobs): read the files of a multipart form post, put them on the post it wrote, show the
// files of posts and threads. Everything else of the feature stays inside its folder.
import type { TObject } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import type { ViewerId } from '../../core/visibility/visibility.ts'
import type { Db } from '../../db/database.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import * as repository from './attachments.repository.ts'
import { type BlobStore, PostgresBlobStore } from './blob-store.ts'
import { acceptList, allowedType } from './file-types.ts'
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

/** Did the form carry a files problem (the post must not be written)? */
export function hasUploadProblem(request: FastifyRequest): boolean {
  return request.uploads?.problem !== undefined
}

export interface UploadFieldView {
  pending: PendingFile[]
  accept: string
  maxFiles: number
  maxSize: string
}

/** What the file input of a post form shows: the files already sent with it, the limits. */
export function uploadField(config: Config, request: FastifyRequest): UploadFieldView {
  return {
    pending: request.uploads?.files ?? [],
    accept: acceptList,
    maxFiles: config.attachments.maxFiles,
    maxSize: sizeLabel(config.attachments.maxFileBytes),
  }
}

/** Puts the files of the request's form on the post it wrote. */
export async function attachFiles(db: Db, request: FastifyRequest, postId: number): Promise<number> {
  const files = request.uploads?.files ?? []
  const member = request.member
  if (!member || files.length === 0) return 0
  return repository.attachToPost(
    db,
    member.id,
    postId,
    files.map((file) => file.id),
  )
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
}

export function fileView(row: repository.AttachmentRow): FileView {
  const type = allowedType(row.mediaType)
  return {
    id: row.id,
    name: row.name,
    url: `/files/${row.id}`,
    typeLabel: type?.label ?? row.mediaType,
    sizeLabel: sizeLabel(row.size),
    image: type?.image === true && row.thumbnailKey !== null,
    thumbnailUrl: row.thumbnailKey ? `/files/${row.id}/thumbnail` : undefined,
    width: row.width,
    height: row.height,
  }
}

export interface PostFiles {
  images: FileView[]
  documents: FileView[]
}

/** The files of these posts that the viewer may read (one query), by post id. */
export async function filesOfPosts(
  db: Db,
  viewer: ViewerId,
  postIds: readonly number[],
): Promise<Map<number, PostFiles>> {
  const rows = await repository.filesOfPosts(db, viewer, postIds)
  const result = new Map<number, PostFiles>()
  for (const [postId, files] of rows) {
    const views = files.map(fileView)
    result.set(postId, {
      images: views.filter((file) => file.image),
      documents: views.filter((file) => !file.image),
    })
  }
  return result
}

/** Sets `files` on each post (and its nested replies) that has files the viewer may read. */
export async function addFilesToPosts<P extends { id: number; files?: PostFiles; children?: P[] }>(
  db: Db,
  viewer: ViewerId,
  posts: readonly P[],
): Promise<void> {
  const all: P[] = []
  const walk = (list: readonly P[]) => {
    for (const post of list) {
      all.push(post)
      if (post.children) walk(post.children)
    }
  }
  walk(posts)
  const files = await filesOfPosts(
    db,
    viewer,
    all.map((post) => post.id),
  )
  if (files.size === 0) return
  for (const post of all) {
    const own = files.get(post.id)
    if (own) post.files = own
  }
}

export interface ThreadDocument extends FileView {
  postId: number
  postUrl: string
}

/** "Dokumente in diesem Thema": every file of the thread the viewer may read. */
export async function threadDocuments(db: Db, viewer: ViewerId, threadId: number): Promise<ThreadDocument[]> {
  const rows = await repository.documentsOfThread(db, viewer, threadId)
  return rows.map((row) => ({
    ...fileView(row),
    postId: row.postId as number,
    postUrl: `/t/${threadId}#post-${row.postId}`,
  }))
}

/** How many files a post has (for mail: "2 Anhänge", never a name or a link). */
export async function fileCountOfPost(db: Db, postId: number): Promise<number> {
  return repository.countOnPost(db, postId)
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
