// Two multipart parsers in one app: the site's (attachments' multipartForms: files with post
// forms) and the one-click unsubscribe's own (RFC 8058 bodies, which some mail clients send as
// multipart). Each must hold in its own scope only, whichever is used first.
import { describe, expect, it } from 'vitest'
import { unsubscribeToken } from '../../src/features/digests/unsubscribe.ts'
import { setDigestSettings, unsubscribeKey } from '../digests/fixtures.ts'
import { createThread, signedInMember } from '../discussions/helpers.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'
import { multipartBody, pdfFile, postMultipart } from './helpers.ts'

const context = useTestApp()
const db = () => context.database.db

/** A reply with a PDF through the thread page's multipart form; the files on the new post. */
async function replyWithPdf(name: string) {
  const author = await signedInMember(db(), context.app)
  const { threadId } = await createThread(db(), author.current, { title: `Multipart ${name}` })
  const page = await author.agent.get(`/t/${threadId}`)
  const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!
  const formKey = page.body.match(/name="formKey" value="([^"]+)"/)?.[1] ?? ''
  const response = await postMultipart(context.app, author.agent, `/t/${threadId}/posts`, [
    ['_csrf', token],
    ['formKey', formKey],
    ['parent', ''],
    ['body', 'Das Konzept hängt an.'],
    { filename: name, type: 'application/pdf', content: pdfFile(2000) },
  ])
  const files = await db()
    .selectFrom('attachments as a')
    .innerJoin('posts as p', 'p.id', 'a.post_id')
    .select('a.name')
    .where('p.thread_id', '=', threadId)
    .execute()
  return { status: response.statusCode, names: files.map((file) => file.name) }
}

async function oneClick(body: { payload: string | Buffer; contentType: string }) {
  const member = await createMember(db())
  await setDigestSettings(db(), member.id, { frequency: 'daily' })
  const response = await context.app.inject({
    method: 'POST',
    url: `/unsubscribe/${unsubscribeToken(unsubscribeKey, member.id)}`,
    headers: { 'content-type': body.contentType },
    payload: body.payload,
  })
  const settings = await db()
    .selectFrom('member_digest_settings')
    .select('frequency')
    .where('member_id', '=', member.id)
    .executeTakeFirstOrThrow()
  return { status: response.statusCode, frequency: settings.frequency }
}

const oneClickMultipart = () => multipartBody([['List-Unsubscribe', 'One-Click']])

describe('the site-wide multipart parser and the unsubscribe scope', () => {
  it('a post form with a file works before and after a multipart one-click unsubscribe', async () => {
    expect(await replyWithPdf('vorher.pdf')).toEqual({ status: 303, names: ['vorher.pdf'] })
    expect(await oneClick(oneClickMultipart())).toEqual({ status: 200, frequency: 'never' })
    expect(await replyWithPdf('nachher.pdf')).toEqual({ status: 303, names: ['nachher.pdf'] })
    expect(await oneClick(oneClickMultipart())).toEqual({ status: 200, frequency: 'never' })
  })

  it('the one-click body as a url-encoded form works too', async () => {
    const result = await oneClick({
      payload: 'List-Unsubscribe=One-Click',
      contentType: 'application/x-www-form-urlencoded',
    })
    expect(result).toEqual({ status: 200, frequency: 'never' })
  })

  it('a large multipart body to the unsubscribe link is refused (413), nothing changed', async () => {
    const big = multipartBody([{ filename: 'gross.pdf', type: 'application/pdf', content: pdfFile(20_000) }])
    expect(await oneClick(big)).toEqual({ status: 413, frequency: 'daily' })
  })
})
