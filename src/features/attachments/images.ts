// Images are decoded and encoded again (sharp): what is stored has no metadata at all (EXIF
// with the GPS position of a photo taken in a town hall, XMP, comments), is turned upright, and
// is a real image of its type, whatever the upload held besides. A thumbnail goes beside it.
import { Readable } from 'node:stream'
import sharp, { type Sharp } from 'sharp'
import type { AllowedType } from './file-types.ts'

// One image at a time per process and no cache: memory stays flat under many uploads.
sharp.cache(false)
sharp.concurrency(1)

/** Larger images (in pixels) are refused: a small file may decode to gigabytes (a "pixel bomb"). */
export const maxPixels = 40_000_000
export const thumbnailBox = 480

/** A stream that takes the upload's bytes and gives the clean image's bytes. */
export function imageCleaner(type: AllowedType): Sharp {
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
  const resizer = sharp({ limitInputPixels: maxPixels })
    .resize(thumbnailBox, thumbnailBox, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
  const source = Readable.from(cleanImage)
  source.on('error', (error) => resizer.destroy(error))
  source.pipe(resizer)
  return resizer.toBuffer()
}
