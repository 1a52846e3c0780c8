// Uploading: the type decided by content (each allowed type, disguised ones refused at the
// field), limits checked while streaming (413), names cleaned, EXIF removed, CSRF before storing.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { cleanFileName } from '../../src/features/attachments/file-names.ts'
import { signedInMember } from '../discussions/helpers.ts'
import { useTestApp } from '../helpers/app.ts'
import {
  csvFile,
  type FilePart,
  htmlFile,
  odfFile,
  ooxmlFile,
  pdfFile,
  photoWithGps,
  pixelBombPng,
  postMultipart,
  svgWithScript,
  textFile,
  zipFile,
} from './helpers.ts'

const context = useTestApp({ ATTACHMENT_MAX_MB: '1', ATTACHMENT_MAX_FILES: '3', ATTACHMENT_QUOTA_MB: '2' })

async function uploader() {
  const { member, agent } = await signedInMember(context.database.db, context.app)
  const token = await agent.csrf('/t/new')
  // As static/attachments.js sends them (it asks for the fragment).
  const upload = (files: FilePart[], headers: Record<string, string> = {}) =>
    postMultipart(context.app, agent, '/files', [['_csrf', token], ...files], {
      'hx-request': 'true',
      ...headers,
    })
  return { member, agent, token, upload }
}

async function pendingOf(memberId: number) {
  return context.database.db
    .selectFrom('attachments')
    .select(['id', 'name', 'media_type', 'size', 'blob_sha256', 'thumbnail_sha256', 'width', 'height'])
    .where('uploader_id', '=', memberId)
    .orderBy('id')
    .execute()
}

async function blobOf(key: string): Promise<Buffer> {
  const rows = await context.database.db
    .selectFrom('attachment_chunks as c')
    .innerJoin('attachment_blobs as b', 'b.id', 'c.blob_id')
    .select('c.data')
    .where('b.sha256', '=', key)
    .orderBy('c.seq')
    .execute()
  return Buffer.concat(rows.map((row) => row.data))
}

describe('allowed types, decided by content', () => {
  const cases: [string, () => Buffer | Promise<Buffer>, string][] = [
    ['Konzept.pdf', () => pdfFile(), 'application/pdf'],
    ['Protokoll.odt', () => odfFile('text'), 'application/vnd.oasis.opendocument.text'],
    ['Haushalt.ods', () => odfFile('spreadsheet'), 'application/vnd.oasis.opendocument.spreadsheet'],
    ['Vortrag.odp', () => odfFile('presentation'), 'application/vnd.oasis.opendocument.presentation'],
    [
      'Vorlage.docx',
      () => ooxmlFile('docx'),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    [
      'Zahlen.xlsx',
      () => ooxmlFile('xlsx'),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    [
      'Folien.pptx',
      () => ooxmlFile('pptx'),
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    ['Einwohner.csv', () => csvFile, 'text/csv'],
    ['Notiz.txt', () => textFile, 'text/plain'],
    ['Foto.jpg', () => photoWithGps('jpeg'), 'image/jpeg'],
    ['Plan.png', () => photoWithGps('png'), 'image/png'],
    ['Bild.webp', () => photoWithGps('webp'), 'image/webp'],
  ]
  it.each(cases.map(([name, make, type]) => [name, type, make] as const))(
    '%s is accepted as %s',
    async (filename, mediaType, make) => {
      const { member, upload } = await uploader()
      // The browser's claim is ignored either way.
      const response = await upload([{ filename, content: await make(), type: 'application/x-whatever' }])
      expect(response.statusCode, response.body).toBe(200)
      expect(response.body).toContain(filename)
      const [row] = await pendingOf(member.id)
      expect(row).toMatchObject({ name: filename, media_type: mediaType })
    },
  )

  it('a name without an ending gets the one of its content', async () => {
    const { member, upload } = await uploader()
    expect((await upload([{ filename: 'Konzept', content: pdfFile() }])).statusCode).toBe(200)
    expect((await pendingOf(member.id))[0]?.name).toBe('Konzept.pdf')
  })
})

describe('disguised and disallowed files are refused at the field', () => {
  const cases: [string, string, Buffer][] = [
    ['HTML named .pdf', 'Rechnung.pdf', htmlFile],
    ['HTML named .txt', 'notiz.txt', htmlFile],
    ['SVG with script named .png', 'logo.png', svgWithScript],
    ['a plain ZIP named .docx', 'Vorlage.docx', zipFile([{ name: 'evil.exe', data: Buffer.from('MZ') }])],
    ['a PDF named .docx', 'Vorlage.docx', pdfFile()],
    ['a PNG named .pdf', 'Konzept.pdf', Buffer.alloc(0)],
    [
      'a Windows program named .pdf',
      'Konzept.pdf',
      Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(2000)]),
    ],
    ['binary bytes named .txt', 'daten.txt', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00])],
  ]
  it.each(cases)('%s', async (_label, filename, given) => {
    const { member, upload } = await uploader()
    const content = given.length === 0 ? await photoWithGps('png') : given
    const response = await upload([{ filename, content, type: 'application/pdf' }])
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('field-error')
    expect(response.body).toMatch(/Dateityp|passt nicht|HTML, SVG oder XML/)
    expect(await pendingOf(member.id)).toEqual([])
  })

  it('a pixel bomb (a tiny PNG claiming 30,000 × 30,000 pixels) is refused without decoding it', async () => {
    const { member, upload } = await uploader()
    const response = await upload([{ filename: 'bombe.png', content: await pixelBombPng() }])
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('zu viele Bildpunkte')
    expect(await pendingOf(member.id)).toEqual([])
  })
})

describe('limits, checked while streaming', () => {
  it('a file over the limit is 413 and nothing of it is kept', async () => {
    const { member, upload } = await uploader()
    const blobsBefore = await context.database.db
      .selectFrom('attachment_blobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const response = await upload([{ filename: 'gross.pdf', content: pdfFile(1024 * 1024 + 10) }])
    expect(response.statusCode).toBe(413)
    expect(response.body).toContain('zu groß: höchstens 1 MB')
    expect(await pendingOf(member.id)).toEqual([])
    const blobsAfter = await context.database.db
      .selectFrom('attachment_blobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(blobsAfter.n)).toBe(Number(blobsBefore.n))
  })

  it('a file of exactly the limit passes', async () => {
    const { upload } = await uploader()
    const exact = pdfFile(1024 * 1024 - pdfFile().length - 2)
    expect(exact.length).toBe(1024 * 1024)
    expect((await upload([{ filename: 'genau.pdf', content: exact }])).statusCode).toBe(200)
  })

  it('more files than a post may carry: the first ones are kept, the field says how many', async () => {
    const { member, upload } = await uploader()
    const files = ['a', 'b', 'c', 'd'].map((n) => ({
      filename: `${n}.txt`,
      content: Buffer.from(`Text ${n}\n`),
    }))
    const response = await upload(files)
    expect(response.statusCode).toBe(422)
    expect(response.body).toContain('Höchstens 3 Dateien')
    expect((await pendingOf(member.id)).map((row) => row.name)).toEqual(['a.txt', 'b.txt', 'c.txt'])
  })

  it('the quota counts every file of the member; past it, 413 with the quota named', async () => {
    const { member, upload } = await uploader()
    const big = (n: number) => ({ filename: `teil-${n}.pdf`, content: pdfFile(800_000 + n) })
    expect((await upload([big(1)])).statusCode).toBe(200)
    expect((await upload([big(2)])).statusCode).toBe(200)
    const third = await upload([big(3)])
    expect(third.statusCode).toBe(413)
    expect(third.body).toContain('Speicherplatz')
    expect(await pendingOf(member.id)).toHaveLength(2)
  })
})

describe('file names', () => {
  it.each([
    ['../../etc/passwd.txt', 'passwd.txt'],
    ['C:\\Users\\amt\\Desktop\\Konzept.pdf', 'Konzept.pdf'],
    ['Rechnung\u202Efdp.exe', 'Rechnungfdp.exe'],
    ['\u2066Konzept\u2069 final\u200B.pdf', 'Konzept final.pdf'],
    ['line\nbreak\r.txt', 'linebreak.txt'],
    ['...', 'Datei'],
    ['.htaccess', 'htaccess'],
    ['a<b>:"c|d?*.txt', 'a_b___c_d__.txt'],
  ])('%j is shown as %j', (raw, shown) => {
    expect(cleanFileName(raw)).toBe(shown)
  })

  it('long names are cut, keeping the ending', () => {
    const name = cleanFileName(`${'Sehr langer Name '.repeat(20)}.pdf`)
    expect(Array.from(name).length).toBeLessThanOrEqual(120)
    expect(name.endsWith('.pdf')).toBe(true)
  })

  it('an upload with a traversal and bidi name is stored under its cleaned name', async () => {
    const { member, upload } = await uploader()
    const response = await upload([{ filename: '..\\..\\geheim\u202Etxt.txt', content: textFile }])
    expect(response.statusCode).toBe(200)
    expect((await pendingOf(member.id))[0]?.name).toBe('geheimtxt.txt')
  })
})

describe('images', () => {
  it('EXIF (camera, GPS position) is removed from the stored photo; a thumbnail is made', async () => {
    const { member, upload } = await uploader()
    const photo = await photoWithGps('jpeg', 1200, 900)
    // The test photo really carries the position.
    expect((await sharp(photo).metadata()).exif).toBeDefined()
    expect(photo.includes(Buffer.from('Rathaus 3000'))).toBe(true)
    expect((await upload([{ filename: 'ratssaal.jpg', content: photo }])).statusCode).toBe(200)
    const [row] = await pendingOf(member.id)
    const stored = await blobOf(row!.blob_sha256)
    const metadata = await sharp(stored).metadata()
    expect(metadata.format).toBe('jpeg')
    expect(metadata.exif).toBeUndefined()
    expect(metadata.xmp).toBeUndefined()
    expect(stored.includes(Buffer.from('Rathaus 3000'))).toBe(false)
    expect(stored.includes(Buffer.from('Exif'))).toBe(false)
    expect(row).toMatchObject({ width: 1200, height: 900 })
    const thumbnail = await sharp(await blobOf(row!.thumbnail_sha256!)).metadata()
    expect(thumbnail).toMatchObject({ format: 'webp', width: 480, height: 360 })
    expect(thumbnail.exif).toBeUndefined()
  })

  it('PNG and WebP lose their EXIF too', async () => {
    const { member, upload } = await uploader()
    for (const format of ['png', 'webp'] as const) {
      expect(
        (await upload([{ filename: `bild.${format}`, content: await photoWithGps(format) }])).statusCode,
      ).toBe(200)
    }
    for (const row of await pendingOf(member.id)) {
      expect((await sharp(await blobOf(row.blob_sha256)).metadata()).exif).toBeUndefined()
    }
  })
})

describe('CSRF holds for multipart posts, before anything is stored', () => {
  it('without a token: 403, nothing stored', async () => {
    const { member, agent } = await signedInMember(context.database.db, context.app)
    const response = await postMultipart(context.app, agent, '/files', [
      { filename: 'a.pdf', content: pdfFile() },
    ])
    expect(response.statusCode).toBe(403)
    expect(await pendingOf(member.id)).toEqual([])
  })

  it('with a wrong token: 403, nothing stored', async () => {
    const { member, agent } = await signedInMember(context.database.db, context.app)
    await agent.csrf('/t/new')
    const response = await postMultipart(context.app, agent, '/files', [
      ['_csrf', 'forged-token'],
      { filename: 'a.pdf', content: pdfFile() },
    ])
    expect(response.statusCode).toBe(403)
    expect(await pendingOf(member.id)).toEqual([])
  })

  it('from another origin, even with a token: 403, nothing stored', async () => {
    const { member, upload } = await uploader()
    const response = await upload([{ filename: 'a.pdf', content: pdfFile() }], {
      origin: 'https://evil.example',
    })
    expect(response.statusCode).toBe(403)
    expect(await pendingOf(member.id)).toEqual([])
  })

  it("the htmx header token works too (the form's hidden field need not come first)", async () => {
    const { member, agent, token } = await uploader()
    const response = await postMultipart(
      context.app,
      agent,
      '/files',
      [{ filename: 'a.pdf', content: pdfFile() }],
      {
        'x-csrf-token': token,
      },
    )
    expect(response.statusCode).toBe(200)
    expect(await pendingOf(member.id)).toHaveLength(1)
  })

  it('anonymous visitors are sent to the login and nothing is stored', async () => {
    const before = await context.database.db
      .selectFrom('attachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const { createAgent } = await import('../helpers/agent.ts')
    const response = await postMultipart(context.app, createAgent(context.app), '/files', [
      { filename: 'a.pdf', content: pdfFile() },
    ])
    expect([303, 403]).toContain(response.statusCode)
    const after = await context.database.db
      .selectFrom('attachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })
})

describe('POST /files without the upload script', () => {
  it('answers a page of its own (title, the files or the problem)', async () => {
    const { agent, token } = await uploader()
    const ok = await postMultipart(context.app, agent, '/files', [
      ['_csrf', token],
      { filename: 'a.txt', content: textFile },
    ])
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toMatch(/<title>Dateien anhängen – Vertrauensraum<\/title>/)
    expect(ok.body).toContain('a.txt')
    const refused = await postMultipart(context.app, agent, '/files', [
      ['_csrf', token],
      { filename: 'a.pdf', content: htmlFile },
    ])
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toMatch(/<title>[^<]*Dateien anhängen[^<]*<\/title>/)
    expect(refused.body).toContain('HTML, SVG oder XML')
  })
})

describe('odd multipart input is never a 500', () => {
  it('truncated bodies, odd names and huge fields are answered calmly', async () => {
    const { agent, token, upload } = await uploader()
    const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const send = (payload: Buffer | string, contentType: string) =>
      context.app.inject({
        method: 'POST',
        url: '/files',
        payload,
        headers: { cookie, 'content-type': contentType },
      })
    const cases = [
      // Cut off in the middle of a file.
      send(
        `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--x\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-1.4 abc`,
        'multipart/form-data; boundary=x',
      ),
      // No boundary at all, or nonsense.
      send('hello', 'multipart/form-data'),
      send(Buffer.from([0, 1, 2, 255, 254]), 'multipart/form-data; boundary=zz'),
      // A NUL and invalid UTF-8 in the file name, a 1 MB field, a field named like a prototype.
      upload([{ filename: 'a\u0000b.txt', content: textFile }]),
      upload([
        {
          filename: Buffer.from([0xff, 0xfe, 0x41, 0x2e, 0x74, 0x78, 0x74]).toString('latin1'),
          content: textFile,
        },
      ]),
      postMultipart(context.app, agent, '/files', [
        ['_csrf', token],
        ['body', 'x'.repeat(1024 * 1024)],
        { filename: 'a.txt', content: textFile },
      ]),
      postMultipart(context.app, agent, '/files', [
        ['_csrf', token],
        ['__proto__', 'x'],
        { filename: 'a.txt', content: textFile },
      ]),
      postMultipart(context.app, agent, '/files', [
        ['_csrf', token],
        { field: 'other', filename: 'a.txt', content: textFile },
      ]),
      postMultipart(context.app, agent, '/files', [
        ['_csrf', token],
        ['upload', '99999999999999999999'],
        ['upload', '-1'],
        ['upload', '1e3'],
      ]),
    ]
    for (const [i, response] of (await Promise.all(cases)).entries()) {
      expect(response.statusCode, `case ${i}: ${response.body.slice(0, 200)}`).toBeLessThan(500)
    }
  })
})
