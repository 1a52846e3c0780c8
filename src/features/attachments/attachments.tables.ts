// Kysely table types of the attachments feature; merged into Database in src/db/schema.ts.
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

/** A stored file's bytes, addressed by their sha256 (hex); null while it is being written. */
export interface AttachmentBlobTable {
  id: Generated<number>
  sha256: string | null
  size: ColumnType<number, number | undefined, number>
  chunk_size: number
  created_at: CreatedAt
  /** Last time an upload found this blob (the garbage collection spares blobs touched lately). */
  touched_at: DefaultedTimestamp
  completed_at: NullableTimestamp
}

export interface AttachmentChunkTable {
  blob_id: number
  seq: number
  data: Buffer
}

/** One file on one post; post_id is null while the form that carries it is not yet sent. */
export interface AttachmentTable {
  id: Generated<number>
  post_id: number | null
  thread_id: number | null
  uploader_id: number
  blob_sha256: string
  thumbnail_sha256: string | null
  name: string
  media_type: string
  size: number
  width: number | null
  height: number | null
  position: Generated<number>
  created_at: CreatedAt
  attached_at: NullableTimestamp
}

export interface AttachmentsTables {
  attachment_blobs: AttachmentBlobTable
  attachment_chunks: AttachmentChunkTable
  attachments: AttachmentTable
}
