// Which files a post may carry, decided by their content (magic bytes, file-type), never by
// the name or the browser's claim. Text formats have no magic: they must be UTF-8 without NUL
// bytes and must not look like markup a browser would run (HTML, SVG, XML).
import { fileTypeFromBuffer } from 'file-type'

export interface AllowedType {
  mediaType: string
  /** Name endings that fit the type; the first is added to a name without one. */
  extensions: readonly string[]
  /** A short label for lists ("PDF", "Word-Dokument"). */
  label: string
  image?: true
}

const types: readonly AllowedType[] = [
  { mediaType: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  { mediaType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'ODF-Text' },
  { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'], label: 'ODF-Tabelle' },
  {
    mediaType: 'application/vnd.oasis.opendocument.presentation',
    extensions: ['odp'],
    label: 'ODF-Präsentation',
  },
  {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'Word',
  },
  {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'Excel',
  },
  {
    mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    label: 'PowerPoint',
  },
  { mediaType: 'image/png', extensions: ['png'], label: 'PNG', image: true },
  { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG', image: true },
  { mediaType: 'image/webp', extensions: ['webp'], label: 'WebP', image: true },
  { mediaType: 'text/csv', extensions: ['csv'], label: 'CSV' },
  { mediaType: 'text/plain', extensions: ['txt', 'text', 'md'], label: 'Text' },
]

const byMediaType = new Map(types.map((type) => [type.mediaType, type]))

export function allowedType(mediaType: string): AllowedType | undefined {
  return byMediaType.get(mediaType)
}

/** The endings the file input offers (accept attribute). */
export const acceptList = types.flatMap((type) => type.extensions.map((ext) => `.${ext}`)).join(',')

/** How many bytes of a file's start the detection looks at (OOXML needs its zip directory entries). */
export const sampleBytes = 1024 * 1024

export type Detection =
  | { ok: true; type: AllowedType }
  | { ok: false; reason: 'type' | 'mismatch' | 'markup' }

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

// Control characters but tab, line feed and carriage return: binary, not text.
const controlCharacter = /(?![\t\n\r])\p{Cc}/u

// Markup a browser would render as a document, even when it was named .txt.
const markupStart = /^\s*(?:<\?xml|<!doctype|<html|<svg|<script|<body|<head|<iframe|<!--)/i

/** Is the sample plain UTF-8 text (no NUL, no other control bytes but tab, line feed, return)? */
function isText(sample: Uint8Array, complete: boolean): boolean {
  // A multi-byte character cut at the sample's end is no reason to refuse.
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let text: string
  try {
    text = decoder.decode(sample, { stream: !complete })
  } catch {
    return false
  }
  return !controlCharacter.test(text)
}

/**
 * The type of a file from its first bytes (`complete`: the sample is the whole file), checked
 * against the name's ending: a PDF must be named .pdf, and a text named .pdf is refused.
 */
export async function detectType(sample: Uint8Array, name: string, complete: boolean): Promise<Detection> {
  const extension = extensionOf(name)
  const found = sample.length > 0 ? await fileTypeFromBuffer(sample) : undefined
  let type: AllowedType | undefined
  if (found) {
    type = byMediaType.get(found.mime)
    if (!type) return { ok: false, reason: 'type' }
  } else {
    if (!isText(sample, complete)) return { ok: false, reason: 'type' }
    if (markupStart.test(new TextDecoder().decode(sample.subarray(0, 1024)).replace(/^\uFEFF/, ''))) {
      return { ok: false, reason: 'markup' }
    }
    type = extension === 'csv' ? byMediaType.get('text/csv') : byMediaType.get('text/plain')
  }
  if (!type) return { ok: false, reason: 'type' }
  if (extension !== '' && !type.extensions.includes(extension)) return { ok: false, reason: 'mismatch' }
  return { ok: true, type }
}

/** Checks that the rest of a text file is still text (a text's first megabyte proves little). */
export function textChecker(): (piece: Uint8Array, last: boolean) => boolean {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  return (piece, last) => {
    try {
      const text = decoder.decode(piece, { stream: !last })
      return !controlCharacter.test(text)
    } catch {
      return false
    }
  }
}
