// Files on posts through the real forms (no JavaScript: one multipart post), shown on the thread
// page, served behind the post's own visibility as sandboxed downloads with Range support,
// removed by moderators (audited) and collected when nothing references them.
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { collectGarbage } from '../../src/features/attachments/attachments.service.ts'
import { createThread, reply, signedInMember } from '../discussions/helpers.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import type { createMember } from '../helpers/factories.ts'
import { type FieldPart, type FilePart, getAs, pdfFile, photoWithGps, postMultipart } from './helpers.ts'

const context = useTestApp({ ATTACHMENT_MAX_MB: '1' })
const db = () => context.database.db

async function member(values: Parameters<typeof createMember>[1] = {}) {
  return signedInMember(db(), context.app, values)
}

/** Replies to the thread through the form under it, as a browser without JavaScript does. */
async function replyWithFiles(
  agent: ReturnType<typeof createAgent>,
  threadId: number,
  body: string,
  files: FilePart[],
  extra: FieldPart[] = [],
) {
  const page = await agent.get(`/t/${threadId}`)
  const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!
  const formKey = page.body.match(/name="formKey" value="([^"]+)"/)?.[1] ?? ''
  return postMultipart(context.app, agent, `/t/${threadId}/posts`, [
    ['_csrf', token],
    ['formKey', formKey],
    ['parent', ''],
    ['body', body],
    ...extra,
    ...files,
  ])
}

async function attachmentsOf(postId: number) {
  return db()
    .selectFrom('attachments')
    .select(['id', 'name', 'media_type', 'blob_sha256', 'thumbnail_sha256'])
    .where('post_id', '=', postId)
    .orderBy('position')
    .execute()
}

async function latestPostOf(threadId: number): Promise<number> {
  const row = await db()
    .selectFrom('posts')
    .select('id')
    .where('thread_id', '=', threadId)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  return row.id
}

/** A thread with a reply carrying a concept PDF and a photo, by a member through the form. */
async function threadWithFiles(options: { confidential?: boolean } = {}) {
  const author = await member()
  const { threadId, openingPostId } = await createThread(db(), author.current, {
    title: 'Pilot: digitale Bauakte',
    confidential: options.confidential,
  })
  const concept = pdfFile(50_000)
  const response = await replyWithFiles(author.agent, threadId, 'Hier das Konzept und ein Foto.', [
    { filename: 'Konzept Bauakte.pdf', content: concept },
    { filename: 'ratssaal.jpg', content: await photoWithGps('jpeg', 800, 600) },
  ])
  expect(response.statusCode, response.body).toBe(303)
  const postId = await latestPostOf(threadId)
  const [pdf, photo] = await attachmentsOf(postId)
  return { author, threadId, openingPostId, postId, pdf: pdf!, photo: photo!, concept }
}

describe('a reply with a concept PDF and a photo (no JavaScript)', () => {
  it('puts both files on the post, in order; the thread page shows them', async () => {
    const { author, threadId, pdf, photo } = await threadWithFiles()
    expect(pdf).toMatchObject({ name: 'Konzept Bauakte.pdf', media_type: 'application/pdf' })
    expect(photo).toMatchObject({ name: 'ratssaal.jpg', media_type: 'image/jpeg' })
    const reader = await member()
    const page = await reader.agent.get(`/t/${threadId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`<a href="/files/${pdf.id}" download><bdi>Konzept Bauakte.pdf</bdi></a>`)
    expect(page.body).toContain(
      `<img src="/files/${photo.id}/thumbnail" alt="ratssaal.jpg" width="480" height="360"`,
    )
    expect(page.body).toContain('Dokumente in diesem Thema')
    // The author's form is a multipart form with a file input.
    const own = await author.agent.get(`/t/${threadId}`)
    expect(own.body).toMatch(/<form method="post" action="\/t\/\d+\/posts" enctype="multipart\/form-data"/)
    expect(own.body).toContain('type="file" id="thread-files" name="files" multiple')
  })

  it('colleagues download it: sandboxed, not sniffed, not cached, the exact bytes', async () => {
    const { pdf, photo, concept } = await threadWithFiles()
    const reader = await member()
    const response = await getAs(context.app, reader.agent, `/files/${pdf.id}`)
    expect(response.statusCode).toBe(200)
    expect(response.rawPayload.equals(concept)).toBe(true)
    expect(response.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="Konzept Bauakte.pdf"; filename*=UTF-8''Konzept%20Bauakte.pdf`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
      'accept-ranges': 'bytes',
      'content-length': String(concept.length),
    })
    const image = await getAs(context.app, reader.agent, `/files/${photo.id}`)
    expect(image.statusCode).toBe(200)
    expect(image.headers['content-type']).toBe('image/jpeg')
    expect(image.headers['content-disposition']).toMatch(/^inline; /)
    expect(image.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    const thumbnail = await getAs(context.app, reader.agent, `/files/${photo.id}/thumbnail`)
    expect(thumbnail.statusCode).toBe(200)
    expect(thumbnail.headers['content-type']).toBe('image/webp')
    expect(thumbnail.headers['x-content-type-options']).toBe('nosniff')
  })

  it('a document has no thumbnail', async () => {
    const { pdf } = await threadWithFiles()
    const reader = await member()
    expect((await getAs(context.app, reader.agent, `/files/${pdf.id}/thumbnail`)).statusCode).toBe(404)
  })
})

describe('Range requests (a PDF viewer opens page 1 without the whole file)', () => {
  it('answers single ranges with 206 and exactly those bytes', async () => {
    const { pdf, concept } = await threadWithFiles()
    const reader = await member()
    const size = concept.length
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=${size - 10}-${size + 1000}`, size - 10, size - 1],
    ]
    for (const [range, start, end] of cases) {
      const response = await getAs(context.app, reader.agent, `/files/${pdf.id}`, { range })
      expect(response.statusCode, range).toBe(206)
      expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`)
      expect(response.headers['content-length']).toBe(String(end - start + 1))
      expect(response.rawPayload.equals(concept.subarray(start, end + 1)), range).toBe(true)
    }
  })

  it('refuses ranges beyond the end with 416, and sends the whole file for ranges it does not do', async () => {
    const { pdf, concept } = await threadWithFiles()
    const reader = await member()
    const beyond = await getAs(context.app, reader.agent, `/files/${pdf.id}`, {
      range: `bytes=${concept.length}-`,
    })
    expect(beyond.statusCode).toBe(416)
    expect(beyond.headers['content-range']).toBe(`bytes */${concept.length}`)
    for (const range of ['bytes=0-1,5-6', 'items=0-5', 'bytes=abc', 'bytes=99999999999999999999-']) {
      const response = await getAs(context.app, reader.agent, `/files/${pdf.id}`, { range })
      expect([200, 416], range).toContain(response.statusCode)
      if (response.statusCode === 200) expect(response.rawPayload.equals(concept)).toBe(true)
    }
  })
})

describe('the trust gate: a file is exactly as visible as its post', () => {
  it('anonymous visitors and every unverified status get no file', async () => {
    const { pdf, photo } = await threadWithFiles()
    const urls = [`/files/${pdf.id}`, `/files/${photo.id}`, `/files/${photo.id}/thumbnail`]
    for (const url of urls) {
      const anonymous = await createAgent(context.app).get(url)
      expect(anonymous.statusCode, url).toBe(303)
      expect(anonymous.headers.location).toMatch(/^\/login/)
      expect(anonymous.rawPayload.length).toBe(0)
    }
    for (const status of ['pending_email', 'pending_review', 'rejected', 'suspended', 'expired'] as const) {
      const outsider = await member({ status })
      for (const url of urls) {
        const response = await getAs(context.app, outsider.agent, url)
        expect(response.statusCode, `${status} ${url}`).toBe(303)
        expect(response.headers.location).toBe('/status')
        expect(response.body).not.toContain('%PDF')
      }
    }
  })

  it('a file of a hidden post: the author and moderators only; others get the missing-file 404', async () => {
    const { author, postId, pdf } = await threadWithFiles()
    const moderator = await member({ role: 'moderator' })
    await sql`update posts set hidden_at = now(), hidden_reason = 'Datenschutz' where id = ${postId}`.execute(
      db(),
    )
    const other = await member()
    const missing = await getAs(context.app, other.agent, '/files/2147483000')
    const hidden = await getAs(context.app, other.agent, `/files/${pdf.id}`)
    expect(hidden.statusCode).toBe(404)
    expect(missing.statusCode).toBe(404)
    const withoutTokens = (html: string) => html.replace(/(content|value)="[\w-]{20,}"/g, '')
    expect(withoutTokens(hidden.body)).toBe(withoutTokens(missing.body))
    expect((await getAs(context.app, author.agent, `/files/${pdf.id}`)).statusCode).toBe(200)
    expect((await getAs(context.app, moderator.agent, `/files/${pdf.id}`)).statusCode).toBe(200)
    const page = await other.agent.get(
      `/t/${(await db().selectFrom('posts').select('thread_id').where('id', '=', postId).executeTakeFirstOrThrow()).thread_id}`,
    )
    expect(page.body).not.toContain(`/files/${pdf.id}`)
  })

  it('a deleted post takes its files with it (for everyone, the author too)', async () => {
    const { author, postId, pdf } = await threadWithFiles()
    const token = await author.agent.csrf(`/p/${postId}/delete`)
    expect((await author.agent.post(`/p/${postId}/delete`, { _csrf: token })).statusCode).toBe(303)
    expect((await getAs(context.app, author.agent, `/files/${pdf.id}`)).statusCode).toBe(404)
  })

  it('a pending file (form not sent) is nobody’s to fetch, not even its uploader’s; odd ids are 404', async () => {
    const someone = await member()
    const token = await someone.agent.csrf('/t/new')
    const response = await postMultipart(
      context.app,
      someone.agent,
      '/files',
      [['_csrf', token], { filename: 'entwurf.pdf', content: pdfFile() }],
      { 'hx-request': 'true' },
    )
    expect(response.statusCode).toBe(200)
    const id = Number(response.body.match(/name="upload" value="(\d+)"/)![1])
    expect((await getAs(context.app, someone.agent, `/files/${id}`)).statusCode).toBe(404)
    for (const url of [
      '/files/0',
      '/files/-1',
      '/files/abc',
      '/files/99999999999999999999',
      '/files/1e3',
      '/files/%00',
    ]) {
      expect([400, 404], url).toContain((await getAs(context.app, someone.agent, url)).statusCode)
    }
  })
})

describe('everything typed stays when a file is refused', () => {
  it('a file too large: 413, the text kept, the good file kept as ticked box; sending again attaches it', async () => {
    const author = await member()
    const { threadId } = await createThread(db(), author.current)
    const body = 'Mein langer Text, der nicht verloren gehen darf.'
    const response = await replyWithFiles(author.agent, threadId, body, [
      { filename: 'klein.pdf', content: pdfFile(100) },
      { filename: 'riesig.pdf', content: pdfFile(1024 * 1024 + 1) },
    ])
    expect(response.statusCode).toBe(413)
    expect(response.body).toContain(body)
    expect(response.body).toContain('„riesig.pdf“ ist zu groß: höchstens 1 MB je Datei.')
    expect(response.body).toContain('aria-invalid="true"')
    const kept = response.body.match(
      /<input type="checkbox" id="upload-(\d+)" name="upload" value="\d+" checked>/,
    )
    expect(kept).not.toBeNull()
    expect(response.body).toContain('klein.pdf')
    // Nothing was written.
    expect(await latestPostOf(threadId)).toBe(
      (
        await db()
          .selectFrom('threads')
          .select('opening_post_id')
          .where('id', '=', threadId)
          .executeTakeFirstOrThrow()
      ).opening_post_id,
    )
    const token = response.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const formKey = response.body.match(/name="formKey" value="([^"]+)"/)?.[1] ?? ''
    const again = await postMultipart(context.app, author.agent, `/t/${threadId}/posts`, [
      ['_csrf', token],
      ['formKey', formKey],
      ['parent', ''],
      ['body', body],
      ['upload', kept![1]!],
    ])
    expect(again.statusCode).toBe(303)
    const files = await attachmentsOf(await latestPostOf(threadId))
    expect(files.map((f) => f.name)).toEqual(['klein.pdf'])
  })

  it('a disguised file and an empty body: both errors in one round, the file error at the field', async () => {
    const author = await member()
    const { threadId } = await createThread(db(), author.current)
    const response = await replyWithFiles(author.agent, threadId, '', [
      { filename: 'rechnung.pdf', content: Buffer.from('<html><script>alert(1)</script></html>') },
    ])
    expect(response.statusCode).toBe(422)
    expect(response.body).toMatch(/class="error-summary"[\s\S]*HTML, SVG oder XML/)
    expect(response.body).toMatch(
      /<p class="field-error" id="reply-x-files-error">„rechnung.pdf“ enthält HTML/,
    )
  })

  it('a new thread with a file: everything typed kept after a refusal, then started with the file', async () => {
    const author = await member()
    const page = await author.agent.get('/t/new')
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const category = page.body.match(/<option value="(\d+)"/)![1]!
    const fields: FieldPart[] = [
      ['_csrf', token],
      ['title', 'Open-Data-Portal für den Kreis'],
      ['category', category],
      ['stage', 'concept'],
      ['tags', 'opendata'],
      ['body', 'Das Konzept hängt an.'],
    ]
    const refused = await postMultipart(context.app, author.agent, '/t', [
      ...fields,
      { filename: 'konzept.pdf', content: Buffer.from('kein PDF\n') },
    ])
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('value="Open-Data-Portal für den Kreis"')
    expect(refused.body).toContain('Das Konzept hängt an.')
    expect(refused.body).toContain('passt nicht zur Dateiendung')
    const started = await postMultipart(context.app, author.agent, '/t', [
      ...fields,
      { filename: 'konzept.pdf', content: pdfFile() },
    ])
    expect(started.statusCode).toBe(303)
    const threadId = Number(started.headers.location!.split('/').pop())
    const opening = await db()
      .selectFrom('threads')
      .select('opening_post_id')
      .where('id', '=', threadId)
      .executeTakeFirstOrThrow()
    expect((await attachmentsOf(opening.opening_post_id!)).map((f) => f.name)).toEqual(['konzept.pdf'])
  })

  it('editing a post can add a file', async () => {
    const author = await member()
    const { threadId } = await createThread(db(), author.current)
    const postId = await reply(db(), author.current, threadId, undefined, 'Zuerst ohne Datei.')
    const form = await author.agent.get(`/p/${postId}/edit`)
    const token = form.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const version = form.body.match(/name="version" value="(\d+)"/)![1]!
    const response = await postMultipart(context.app, author.agent, `/p/${postId}/edit`, [
      ['_csrf', token],
      ['version', version],
      ['body', 'Jetzt mit Datei.'],
      { filename: 'nachtrag.pdf', content: pdfFile() },
    ])
    expect(response.statusCode).toBe(303)
    expect((await attachmentsOf(postId)).map((f) => f.name)).toEqual(['nachtrag.pdf'])
    // Editing again shows the file the post already has, which its author may remove (not audited).
    const again = await author.agent.get(`/p/${postId}/edit`)
    expect(again.body).toMatch(/<a href="\/files\/\d+" download><bdi>nachtrag.pdf<\/bdi><\/a>/)
    const [file] = await attachmentsOf(postId)
    expect(again.body).toContain(`<a href="/files/${file!.id}/remove">Datei entfernen</a>`)
    const confirm = await author.agent.get(`/files/${file!.id}/remove`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).not.toContain('name="reason"')
    const token2 = confirm.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    expect((await author.agent.post(`/files/${file!.id}/remove`, { _csrf: token2 })).statusCode).toBe(303)
    expect(await attachmentsOf(postId)).toEqual([])
    const audited = await db()
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'attachment.removed')
      .where('actor_id', '=', author.member.id)
      .execute()
    expect(audited).toEqual([])
  })
})

describe('storage: dedupe, removal, reference counting', () => {
  it('the same file on two posts is stored once; removing one keeps the other', async () => {
    const a = await member()
    const b = await member()
    const { threadId } = await createThread(db(), a.current)
    const same = pdfFile(12_345)
    expect(
      (await replyWithFiles(a.agent, threadId, 'Von A', [{ filename: 'a.pdf', content: same }])).statusCode,
    ).toBe(303)
    const postA = await latestPostOf(threadId)
    expect(
      (await replyWithFiles(b.agent, threadId, 'Von B', [{ filename: 'b.pdf', content: same }])).statusCode,
    ).toBe(303)
    const postB = await latestPostOf(threadId)
    const key = createHash('sha256').update(same).digest('hex')
    const blobs = await db().selectFrom('attachment_blobs').select('id').where('sha256', '=', key).execute()
    expect(blobs).toHaveLength(1)

    // A moderator removes A's file (audited); B's still works, the blob stays (one reference).
    const moderator = await member({ role: 'moderator' })
    const [fileA] = await attachmentsOf(postA)
    const [fileB] = await attachmentsOf(postB)
    const confirm = await moderator.agent.get(`/files/${fileA!.id}/remove`)
    expect(confirm.statusCode).toBe(200)
    expect((await b.agent.get(`/files/${fileA!.id}/remove`)).statusCode).toBe(403)
    const token = confirm.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const removed = await moderator.agent.post(`/files/${fileA!.id}/remove`, {
      _csrf: token,
      reason: 'Personenbezogene Daten',
    })
    expect(removed.statusCode).toBe(303)
    const audit = await db()
      .selectFrom('audit_events')
      .select(['actor_id', 'subject_id', 'details'])
      .where('action', '=', 'attachment.removed')
      .execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor_id: moderator.member.id, subject_id: a.member.id })
    expect(JSON.stringify(audit[0]!.details)).toContain('Personenbezogene Daten')
    expect((await getAs(context.app, b.agent, `/files/${fileA!.id}`)).statusCode).toBe(404)
    expect((await getAs(context.app, a.agent, `/files/${fileB!.id}`)).statusCode).toBe(200)

    // Long after: still referenced by B, so kept.
    const later = new Date(Date.now() + 3 * 60 * 60 * 1000)
    await db().updateTable('attachment_blobs').set({ touched_at: sql`now() - interval '2 hours'` }).execute()
    await collectGarbage(db(), later)
    expect(
      await db().selectFrom('attachment_blobs').select('id').where('sha256', '=', key).execute(),
    ).toHaveLength(1)

    // B deletes the post: its attachment goes, then the blob (no reference left).
    const deleteToken = await b.agent.csrf(`/p/${postB}/delete`)
    expect((await b.agent.post(`/p/${postB}/delete`, { _csrf: deleteToken })).statusCode).toBe(303)
    const result = await collectGarbage(db(), later)
    expect(result.attachments).toBeGreaterThanOrEqual(1)
    expect(
      await db().selectFrom('attachment_blobs').select('id').where('sha256', '=', key).execute(),
    ).toHaveLength(0)
  })

  it('a deleted account takes its files; pending files of forms never sent go after a day', async () => {
    const leaver = await member()
    const { threadId } = await createThread(db(), leaver.current)
    expect(
      (
        await replyWithFiles(leaver.agent, threadId, 'Tschüss', [
          { filename: 'abschied.pdf', content: pdfFile(777) },
        ])
      ).statusCode,
    ).toBe(303)
    const postId = await latestPostOf(threadId)
    const token = await leaver.agent.csrf('/t/new')
    await postMultipart(context.app, leaver.agent, '/files', [
      ['_csrf', token],
      { filename: 'nie.pdf', content: pdfFile(778) },
    ])
    await db().updateTable('members').set({ status: 'deleted' }).where('id', '=', leaver.member.id).execute()
    await collectGarbage(db(), new Date(Date.now() + 2 * 24 * 60 * 60 * 1000))
    expect(await attachmentsOf(postId)).toEqual([])
    const left = await db()
      .selectFrom('attachments')
      .select('id')
      .where('uploader_id', '=', leaver.member.id)
      .execute()
    expect(left).toEqual([])
  })
})

describe('an uploaded HTML or SVG can never run script in our origin', () => {
  it('even a stored HTML blob labelled as an image is served sandboxed and not sniffed', async () => {
    const { pdf } = await threadWithFiles()
    // As if something had slipped past the upload checks: the response headers still hold.
    await db()
      .updateTable('attachments')
      .set({ media_type: 'image/png', name: 'x.png' })
      .where('id', '=', pdf.id)
      .execute()
    const reader = await member()
    const response = await getAs(context.app, reader.agent, `/files/${pdf.id}`)
    expect(response.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['content-type']).toBe('image/png')
  })
})

describe('moderators and admins', () => {
  it('the admin page shows the storage used and the largest files; members and moderators may not see it', async () => {
    const { pdf } = await threadWithFiles()
    const admin = await member({ role: 'admin' })
    const page = await admin.agent.get('/admin/files')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Anhänge und Speicher')
    expect(page.body).toContain('Konzept Bauakte.pdf')
    expect(page.body).toContain(`/files/${pdf.id}/remove`)
    expect((await (await member()).agent.get('/admin/files')).statusCode).toBe(403)
    expect((await (await member({ role: 'moderator' })).agent.get('/admin/files')).statusCode).toBe(403)
  })

  it('members get no remove link; moderators find it in "Dokumente in diesem Thema"', async () => {
    const { threadId, pdf } = await threadWithFiles()
    const plain = await member()
    expect((await plain.agent.get(`/t/${threadId}`)).body).not.toContain(`/files/${pdf.id}/remove`)
    const moderator = await member({ role: 'moderator' })
    expect((await moderator.agent.get(`/t/${threadId}`)).body).toContain(`/files/${pdf.id}/remove`)
  })
})
