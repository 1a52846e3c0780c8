// Images are decoded and encoded again (sharp): what is stored has no metadata at all (EXIF
// with the GPS position of a photo taken in a town hall, XMP, comments), is turned upright, and
// is a real image of its type, whatever the upload held besides. A thumbnail goes beside it.
import { Readable } from 'node:stream'
import type { Sharp, SharpOptions } from 'sharp'
import type { AllowedType } from './file-types.ts'

/** Larger images (in pixels) are refused: a small file may decode to gigabytes (a "pixel bomb"). */
export const maxPixels = 40_000_000
export const thumbnailBox = 480

type SharpFactory = (options?: SharpOptions) => Sharp
let loading: Promise<SharpFactory> | undefined

/**
 * sharp and its libvips are loaded with the first image, not at start: a server that is sent
 * no image does not carry them (they are about 10 MB of its resident memory).
 */
function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // One image at a time per process and no cache: memory stays flat under many uploads.
    sharp.cache(false)
    sharp.concurrency(1)
    return sharp
  })
  return loading
}

/** A stream that takes the upload's bytes and gives the clean image's bytes. */
export async function imageCleaner(type: AllowedType): Promise<Sharp> {
  const sharp = await loadSharp()
  const image = sharp({ limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true }).rotate()
  switch (type.mediaType) {
    case 'image/png':
      return image.png({ compressionLevel: 6 })
    case 'image/webp':
      return image.webp({ quality: 88 })
    default:
      return image.jpeg({ quality: 88 })
  }
}

/** A small WebP of a clean image, at most thumbnailBox pixels wide and high. */
export async function makeThumbnail(cleanImage: AsyncIterable<Buffer>): Promise<Buffer> {
  const sharp = await loadSharp()
  const resizer = sharp({ limitInputPixels: maxPixels })
    .resize(thumbnailBox, thumbnailBox, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
  const source = Readable.from(cleanImage)
  source.on('error', (error) => resizer.destroy(error))
  source.pipe(resizer)
  return resizer.toBuffer()
}
