// The quota holds when one member's uploads run at the same time: two uploads over real HTTP,
// both past the quota check at their start (their chunks are being written) before either ends.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { signedInMember } from '../discussions/helpers.ts'
import { useTestApp } from '../helpers/app.ts'
import { multipartBody, pdfFile } from './helpers.ts'

const context = useTestApp({ ATTACHMENT_MAX_MB: '3', ATTACHMENT_QUOTA_MB: '4' })
let port = 0

beforeAll(async () => {
  await context.app.listen({ port: 0, host: '127.0.0.1' })
  port = (context.app.server.address() as AddressInfo).port
})

interface OpenUpload {
  /** Sends the rest of the body; resolves with the status code. */
  finish(): Promise<number>
}

/** Starts a POST /files and sends the first half of its body. */
function startUpload(cookie: string, token: string, content: Buffer): OpenUpload {
  const { payload, contentType } = multipartBody([
    ['_csrf', token],
    { filename: 'Konzept.pdf', type: 'application/pdf', content },
  ])
  let answered: (status: number) => void = () => {}
  let failed: (error: Error) => void = () => {}
  const status = new Promise<number>((resolve, reject) => {
    answered = resolve
    failed = reject
  })
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/files',
    headers: {
      cookie,
      'content-type': contentType,
      'content-length': payload.length,
      'hx-request': 'true',
    },
  })
  request.on('response', (response) => {
    response.resume()
    response.on('end', () => answered(response.statusCode ?? 0))
  })
  request.on('error', failed)
  const half = Math.floor(payload.length / 2)
  request.write(payload.subarray(0, half))
  return {
    finish() {
      request.end(payload.subarray(half))
      return status
    },
  }
}

/** Blobs being written (chunks stored, not yet complete). */
async function blobsInFlight(): Promise<number> {
  const row = await context.database.db
    .selectFrom('attachment_blobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('completed_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('quota under concurrent uploads', () => {
  it('two uploads at once that each fit but together do not: one is refused with 413', async () => {
    const { member, agent } = await signedInMember(context.database.db, context.app)
    const token = await agent.csrf('/t/new')
    const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    // 2.5 MB each (more than the 1 MB the type detection reads first): either fits the 4 MB
    // quota alone, both do not.
    const size = 2.5 * 1024 * 1024
    const uploads = [startUpload(cookie, token, pdfFile(size)), startUpload(cookie, token, pdfFile(size + 1))]
    const deadline = Date.now() + 10_000
    while ((await blobsInFlight()) < 2) {
      if (Date.now() > deadline) throw new Error('the two uploads did not both start')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const statuses = await Promise.all(uploads.map((upload) => upload.finish()))
    expect(statuses.sort()).toEqual([200, 413])
    const files = await context.database.db
      .selectFrom('attachments')
      .select(['size'])
      .where('uploader_id', '=', member.id)
      .execute()
    expect(files).toHaveLength(1)
    expect(files[0]!.size).toBeLessThanOrEqual(4 * 1024 * 1024)
  })
})
