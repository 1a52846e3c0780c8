// Receiving files with a form. A multipart form post is read here, before its schema validates:
// text fields go into the body (cleaned exactly as the input plugin cleans a url-encoded form),
// files are streamed into the blob store one by one with the limits checked while they arrive
// (size a file, files a post, the member's quota), their type decided by content. A refused
// file never stops the form: its error goes to the "files" field, everything typed stays.
// Files are stored only for a verified member (the trust gate ran before) whose request carries
// a valid CSRF token before the first file (the form's hidden field comes first, or htmx's header).
import '@fastify/multipart'
import type { Multipart, MultipartFile, MultipartValue } from '@fastify/multipart'
import type { TObject } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { cleanForm } from '../../plugins/input.ts'
import * as repository from './attachments.repository.ts'
import { type BlobStore, BlobTooLargeError } from './blob-store.ts'
import { cleanFileName, withEnding } from './file-names.ts'
import { type AllowedType, allowedType, detectType, sampleBytes, textChecker } from './file-types.ts'
import { imageCleaner, makeThumbnail } from './images.ts'

export type UploadLimits = Config['attachments']

/** A file the form carries (stored, not yet on a post), as the form lists it. */
export interface PendingFile {
  id: number
  name: string
  size: number
  sizeLabel: string
  typeLabel: string
}

export interface UploadProblem {
  key: string
  params?: Record<string, string | number>
  /** 413 for too large (a file or the quota), 422 for the rest. */
  status: 413 | 422
}

export interface Uploads {
  /** Files the form carries: kept from an earlier try (field "upload") and new ones. */
  files: PendingFile[]
  problem: UploadProblem | undefined
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the uploads hook on a multipart form post. */
    uploads?: Uploads
    /** The attachment limits of the configuration (for the file inputs of forms). */
    readonly attachmentLimits: UploadLimits
  }
}

/** The form field of the file input, and of the files already uploaded that a form keeps. */
export const filesField = 'files'
export const keptField = 'upload'

class Refused extends Error {
  readonly problem: UploadProblem
  constructor(problem: UploadProblem) {
    super(problem.key)
    this.problem = problem
  }
}

/** A multipart body that is not one (cut off, no boundary, broken headers): the 400 page. */
export class MalformedUpload extends Error {
  readonly statusCode = 400
  constructor(cause: unknown) {
    super(`malformed multipart body: ${String((cause as Error | undefined)?.message ?? cause).slice(0, 200)}`)
  }
}

/** An error of the multipart parser as the answer it deserves (its own 4xx, else 400). */
function asUploadError(error: unknown): unknown {
  const status = (error as { statusCode?: unknown } | null)?.statusCode
  return typeof status === 'number' && status >= 400 && status < 500 ? error : new MalformedUpload(error)
}

const refusedType = (name: string, reason: 'type' | 'mismatch' | 'markup') =>
  new Refused({ key: `attachments.error.${reason}`, params: { name }, status: 422 })

export function sizeLabel(bytes: number, locale: 'de' | 'en' = 'de'): string {
  const format = (value: number, digits: number) =>
    value.toLocaleString(locale === 'en' ? 'en-GB' : 'de-DE', { maximumFractionDigits: digits })
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${format(bytes / 1024, 0)} KB`
  if (bytes < 1024 * 1024 * 1024) return `${format(bytes / (1024 * 1024), 1)} MB`
  return `${format(bytes / (1024 * 1024 * 1024), 2)} GB`
}

export function toPendingFile(row: repository.AttachmentRow): PendingFile {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    sizeLabel: sizeLabel(row.size),
    typeLabel: allowedType(row.mediaType)?.label ?? row.mediaType,
  }
}

/** One file part, read by hand so that it can always be drained to its end (see drain). */
class PartReader {
  private readonly iterator: AsyncIterator<Buffer>
  done = false
  constructor(part: MultipartFile) {
    this.iterator = part.file[Symbol.asyncIterator]()
  }

  async next(): Promise<Buffer | undefined> {
    if (this.done) return undefined
    let step: IteratorResult<Buffer>
    try {
      step = await this.iterator.next()
    } catch (error) {
      this.done = true
      throw asUploadError(error)
    }
    if (step.done) this.done = true
    return step.done ? undefined : step.value
  }

  /** The first `bytes` (or the whole file when shorter). */
  async sample(bytes: number): Promise<Buffer> {
    const pieces: Buffer[] = []
    let length = 0
    while (length < bytes) {
      const piece = await this.next()
      if (!piece) break
      pieces.push(piece)
      length += piece.length
    }
    return Buffer.concat(pieces, length)
  }

  /**
   * Reads the rest without keeping it. Breaking out of the stream instead would destroy it,
   * and the multipart parser would end the whole form there (the fields after it lost).
   */
  async drain(): Promise<void> {
    while (await this.next()) {}
  }
}

/** The sample and then the rest of the part, at most `maxBytes` in all (checked as it comes). */
async function* limitedBody(
  reader: PartReader,
  sample: Buffer,
  maxBytes: number,
  check?: (piece: Uint8Array, last: boolean) => boolean,
): AsyncGenerator<Buffer> {
  let size = 0
  let piece: Buffer | undefined = sample
  while (piece) {
    size += piece.length
    if (size > maxBytes) throw new BlobTooLargeError(maxBytes)
    if (check && !check(piece, false)) throw new Refused({ key: 'attachments.error.type', status: 422 })
    yield piece
    piece = await reader.next()
  }
  if (check && !check(new Uint8Array(), true))
    throw new Refused({ key: 'attachments.error.type', status: 422 })
}

interface StoredFile {
  key: string
  thumbnailKey: string | null
  size: number
  width: number | null
  height: number | null
}

async function storeImage(
  store: BlobStore,
  type: AllowedType,
  body: AsyncIterable<Buffer>,
): Promise<StoredFile> {
  const cleaner = await imageCleaner(type)
  const info = new Promise<{ width: number; height: number }>((resolve) => cleaner.once('info', resolve))
  const feed = (async () => {
    try {
      for await (const piece of body) {
        if (!cleaner.write(piece)) await new Promise((resolve) => cleaner.once('drain', resolve))
      }
      cleaner.end()
    } catch (error) {
      cleaner.destroy(error as Error)
    }
  })()
  let stored: Awaited<ReturnType<BlobStore['put']>>
  try {
    stored = await store.put(cleaner)
  } catch (error) {
    await feed
    const cause = (error as { cause?: unknown }).cause
    throw error instanceof BlobTooLargeError || error instanceof Refused ? error : (cause ?? error)
  }
  await feed
  const { width, height } = await info
  const thumbnail = await store.put([await makeThumbnail(store.read(stored.key))])
  return { key: stored.key, thumbnailKey: thumbnail.key, size: stored.size, width, height }
}

async function storeFile(
  store: BlobStore,
  reader: PartReader,
  type: AllowedType,
  sample: Buffer,
  maxBytes: number,
): Promise<StoredFile> {
  const text = type.mediaType.startsWith('text/')
  const body = limitedBody(reader, sample, maxBytes, text ? textChecker() : undefined)
  if (type.image) return storeImage(store, type, body)
  const stored = await store.put(body)
  return { key: stored.key, thumbnailKey: null, size: stored.size, width: null, height: null }
}

interface Budget {
  /** Bytes the member may still store. */
  quotaLeft: number
  limits: UploadLimits
}

const overQuota = (name: string, limits: UploadLimits) =>
  new Refused({
    key: 'attachments.error.quota',
    params: { name, max: sizeLabel(limits.quotaBytes) },
    status: 413,
  })

/** Stores one file part as a pending attachment of the member, or says why not. */
async function receiveFile(
  db: Db,
  store: BlobStore,
  memberId: number,
  part: MultipartFile,
  budget: Budget,
): Promise<PendingFile> {
  const reader = new PartReader(part)
  const rawName = cleanFileName(part.filename)
  try {
    const sample = await reader.sample(sampleBytes)
    const detection = await detectType(sample, rawName, reader.done)
    if (!detection.ok) throw refusedType(rawName, detection.reason)
    const maxBytes = Math.min(budget.limits.maxFileBytes, budget.quotaLeft)
    let stored: StoredFile
    try {
      stored = await storeFile(store, reader, detection.type, sample, maxBytes)
    } catch (error) {
      if (!(error instanceof BlobTooLargeError)) throw error
      throw budget.quotaLeft < budget.limits.maxFileBytes
        ? overQuota(rawName, budget.limits)
        : new Refused({
            key: 'attachments.error.tooLarge',
            params: { name: rawName, max: sizeLabel(budget.limits.maxFileBytes) },
            status: 413,
          })
    }
    budget.quotaLeft -= stored.size
    const name = withEnding(rawName, detection.type.extensions)
    // The budget is an early stop while streaming; this is the check that holds when several
    // uploads of the member run at once.
    const id = await repository.insertPendingWithinQuota(
      db,
      { uploaderId: memberId, ...stored, name, mediaType: detection.type.mediaType },
      budget.limits.quotaBytes,
    )
    if (id === undefined) throw overQuota(rawName, budget.limits)
    return toPendingFile({
      id,
      postId: null,
      uploaderId: memberId,
      ...stored,
      name,
      mediaType: detection.type.mediaType,
    })
  } catch (error) {
    if (error instanceof MalformedUpload) throw error
    if (error instanceof Refused) {
      error.problem.params = { name: rawName, ...error.problem.params }
      throw error
    }
    // A file that claims to be an image but does not decode as one.
    if (/unsupported image format|Input buffer|VipsJpeg|pngload|webp|Input file/i.test(String(error))) {
      throw refusedType(rawName, 'type')
    }
    if (/pixel limit/i.test(String(error))) {
      throw new Refused({ key: 'attachments.error.pixels', params: { name: rawName }, status: 422 })
    }
    throw error
  } finally {
    await reader.drain()
  }
}

function addField(fields: Record<string, string | string[]>, name: string, value: string) {
  const earlier = fields[name]
  if (earlier === undefined) fields[name] = value
  else if (Array.isArray(earlier)) earlier.push(value)
  else fields[name] = [earlier, value]
}

function idsOf(value: string | string[] | undefined): number[] {
  const values = value === undefined ? [] : [value].flat()
  return values.filter((v) => /^[1-9]\d{0,9}$/.test(v) && Number(v) <= 2_147_483_647).map(Number)
}

export interface ReceiveOptions {
  db: Db
  store: BlobStore
  limits: UploadLimits
  /** The form's schema: the text fields are cleaned and validated as for a url-encoded post. */
  form?: TObject
}

/**
 * Reads a multipart form post (a preValidation step of the route): request.body gets the
 * cleaned text fields, request.uploads the files. Does nothing for other posts.
 */
export async function receiveMultipart(request: FastifyRequest, options: ReceiveOptions): Promise<void> {
  if (!request.isMultipart?.()) return
  const member = request.member
  // Members, and guests of the thread (features/guests) replying with the same form.
  if (member?.status !== 'verified' && member?.status !== 'guest') return
  const { db, store, limits } = options
  const fields: Record<string, string | string[]> = Object.create(null)
  const files: PendingFile[] = []
  let problem: UploadProblem | undefined
  let tokenSeen = request.csrfTokenValid(undefined)
  let unsent = false
  const budget: Budget = {
    quotaLeft: limits.quotaBytes - (await repository.bytesUsedBy(db, member.id)),
    limits,
  }
  const parts = request.parts({
    limits: { fileSize: limits.maxFileBytes + 1, files: limits.maxFiles + 20, fields: 100, parts: 200 },
  })
  const iterator = parts[Symbol.asyncIterator]()
  for (;;) {
    let step: IteratorResult<Multipart>
    try {
      step = await iterator.next()
    } catch (error) {
      throw asUploadError(error)
    }
    if (step.done) break
    const part = step.value
    if (part.type === 'field') {
      const value =
        typeof (part as MultipartValue).value === 'string' ? String((part as MultipartValue).value) : ''
      addField(fields, part.fieldname, value)
      if (part.fieldname === '_csrf' && !tokenSeen) tokenSeen = request.csrfTokenValid(value)
      continue
    }
    if (part.filename === '' || part.fieldname !== filesField || !tokenSeen) {
      // No file chosen (browsers send an empty part), a stray file input, or no valid token
      // yet: nothing is stored (the CSRF check refuses the post later when the token is bad).
      if (part.filename !== '' && !tokenSeen) unsent = true
      await new PartReader(part).drain()
      continue
    }
    if (files.length >= limits.maxFiles) {
      problem ??= { key: 'attachments.error.tooMany', params: { max: limits.maxFiles }, status: 422 }
      await new PartReader(part).drain()
      continue
    }
    try {
      files.push(await receiveFile(db, store, member.id, part, budget))
    } catch (error) {
      if (!(error instanceof Refused)) throw error
      if (!problem || (error.problem.status === 413 && problem.status !== 413)) problem = error.problem
    }
  }
  const kept = await repository.pendingOf(db, member.id, idsOf(fields[keptField]))
  const all = [...kept.map(toPendingFile), ...files]
  if (all.length > limits.maxFiles) {
    problem ??= { key: 'attachments.error.tooMany', params: { max: limits.maxFiles }, status: 422 }
  }
  if (unsent && !problem) problem = { key: 'attachments.error.resend', status: 422 }
  request.body = options.form ? cleanForm(fields, options.form as Parameters<typeof cleanForm>[1]) : fields
  request.uploads = { files: all.slice(0, limits.maxFiles), problem }
}
