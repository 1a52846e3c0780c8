// What a digest contains and who gets one: through the real queue into a real SMTP server,
// parsed with mailparser, and the links in it followed against the app.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.ts'
import { smtpTransport } from '../../src/core/mail/mail.transport.ts'
import { scheduleDigests } from '../../src/features/digests/digests.jobs.ts'
import { createAgent } from '../helpers/agent.ts'
import { buildTestApp, testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { runDueJobs } from '../mail/queue.ts'
import { rawHeader, type SmtpSink, startSmtpSink } from '../mail/smtp-sink.ts'
import {
  allTasks,
  createCategory,
  createReply,
  createThread,
  deliveries,
  follow,
  longtimeMember,
  minutesAgo,
  setDigestSettings,
} from './fixtures.ts'

let database: TestDatabase
let sink: SmtpSink
let app: FastifyInstance
let config: Config

const mailsTo = (email: string) => sink.accepted().filter((m) => m.envelopeTo.includes(email))

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
  config = testConfig({ SMTP_URL: sink.url })
  app = await buildTestApp(database.db)
})
afterAll(async () => {
  await app?.close()
  await sink?.close()
  await database?.drop()
})

describe('the digest', () => {
  let reader: Awaited<ReturnType<typeof createMember>>
  let picky: Awaited<ReturnType<typeof createMember>>
  let quiet: Awaited<ReturnType<typeof createMember>>
  let pending: Awaited<ReturnType<typeof createMember>>
  let suspended: Awaited<ReturnType<typeof createMember>>
  let kiSlug: string
  const titles = {
    pilot: 'Chatbot im Bürgerbüro',
    confidential: 'Haushaltslage und Personalabbau',
    otherRoom: 'LoRaWAN für Pegelstände',
    own: 'Mein eigenes Thema',
    old: 'Uraltes Thema',
    followed: 'Gemeinsame Beschaffung von Fachverfahren',
    html: '<script>alert(1)</script> & "KI"',
  }

  beforeAll(async () => {
    const db = database.db
    const [ki, smart, empty] = [
      await createCategory(db, 'KI'),
      await createCategory(db, 'Smart City'),
      await createCategory(db),
    ]
    kiSlug = (
      await db.selectFrom('categories').select('slug').where('id', '=', ki.id).executeTakeFirstOrThrow()
    ).slug
    const org = (await import('../helpers/factories.ts')).createOrganisation
    const authorOrg = await org(db, { name: 'Stadt Musterhausen' })
    const author = await longtimeMember(db, { name: 'Petra Pionier', organisationId: authorOrg.id })
    reader = await longtimeMember(db, { name: 'Rita Leserin' })
    picky = await longtimeMember(db, { name: 'Paul Auswahl' })
    quiet = await longtimeMember(db, { name: 'Quentin Ruhig' })
    pending = await createMember(db, { status: 'pending_review' })
    suspended = await longtimeMember(db, { status: 'suspended' })
    await setDigestSettings(db, reader.id, { frequency: 'daily' })
    await setDigestSettings(db, picky.id, { frequency: 'daily', categoryIds: [ki.id] })
    await setDigestSettings(db, quiet.id, { frequency: 'daily', categoryIds: [empty.id] })

    await createThread(db, {
      categoryId: ki.id,
      authorId: author.id,
      title: titles.pilot,
      stage: 'pilot',
      body: 'Wir testen seit März einen Chatbot, der Fragen zu Öffnungszeiten beantwortet.',
    })
    await createThread(db, {
      categoryId: ki.id,
      authorId: author.id,
      title: titles.confidential,
      confidential: true,
      body: 'Geheime Zahlen XQ-4711 aus der Kämmerei',
    })
    await createThread(db, { categoryId: smart.id, authorId: author.id, title: titles.otherRoom })
    await createThread(db, { categoryId: ki.id, authorId: reader.id, title: titles.own })
    await createThread(db, {
      categoryId: ki.id,
      authorId: author.id,
      title: titles.old,
      createdAt: minutesAgo(60 * 24 * 40),
    })
    await createThread(db, {
      categoryId: smart.id,
      authorId: author.id,
      title: titles.html,
      body: '<b>fett</b>',
    })
    const followed = await createThread(db, {
      categoryId: smart.id,
      authorId: author.id,
      title: titles.followed,
      createdAt: minutesAgo(60 * 24 * 10),
    })
    await follow(db, reader.id, followed.id)
    await createReply(db, { threadId: followed.id, authorId: author.id, parentId: followed.openingPostId })
    await createReply(db, { threadId: followed.id, authorId: author.id, parentId: followed.openingPostId })
    await createReply(db, { threadId: followed.id, authorId: reader.id, parentId: followed.openingPostId })

    await scheduleDigests(db, config, new Date())
    await runDueJobs(database.url, allTasks(config, db, smtpTransport(sink.url)))
  })

  it('lists new threads with category, stage, author, organisation, replies, excerpt and link', () => {
    const [mail] = mailsTo(reader.email)
    expect(mailsTo(reader.email)).toHaveLength(1)
    const text = mail!.parsed.text!
    expect(text).toContain(titles.pilot)
    expect(text).toContain(`* „${titles.pilot}“`)
    expect(text).toContain('Themenraum KI · Pilot · von Petra Pionier (Stadt Musterhausen) · 0 Antworten')
    expect(text).toContain('Wir testen seit März einen Chatbot')
    expect(text).toMatch(/http:\/\/forum\.test\/t\/\d+/)
    expect(text).toContain(titles.otherRoom)
    expect(mail!.parsed.html).toContain('Chatbot im Bürgerbüro')
    expect(mail!.parsed.subject).toContain('neue')
  })

  it('counts a confidential thread in its Themenraum, with nothing that identifies it', async () => {
    const [mail] = mailsTo(reader.email)
    expect(mail!.parsed.text).toContain('* Vertraulich: 1 neues Thema im Themenraum KI')
    expect(mail!.parsed.text).toContain(`http://forum.test/c/${kiSlug}`)
    for (const secret of [titles.confidential, 'XQ-4711', 'Kämmerei']) {
      expect(mail!.raw).not.toContain(secret)
      expect(mail!.parsed.html).not.toContain(secret)
      expect(mail!.parsed.text).not.toContain(secret)
    }
  })

  it('leaves out own threads and threads older than the last digest', () => {
    const [mail] = mailsTo(reader.email)
    expect(mail!.parsed.text).not.toContain(titles.own)
    expect(mail!.parsed.text).not.toContain(titles.old)
  })

  it('escapes titles in the HTML part', () => {
    const [mail] = mailsTo(reader.email)
    expect(mail!.parsed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;KI&quot;')
    expect(mail!.parsed.html).not.toContain('<script>')
  })

  it('counts new replies by others in followed threads', () => {
    const [mail] = mailsTo(reader.email)
    expect(mail!.parsed.text).toContain('In Themen, denen Sie folgen')
    expect(mail!.parsed.text).toContain(`„${titles.followed}“: 2 neue Antworten`)
  })

  it('only covers the chosen categories', () => {
    const [mail] = mailsTo(picky.email)
    expect(mailsTo(picky.email)).toHaveLength(1)
    expect(mail!.parsed.text).toContain(titles.pilot)
    expect(mail!.parsed.text).toContain('Vertraulich: 1 neues Thema im Themenraum KI')
    expect(mail!.parsed.text).not.toContain(titles.otherRoom)
  })

  it('sends nothing when there is nothing new, but records the period', async () => {
    expect(mailsTo(quiet.email)).toHaveLength(0)
    const settings = await database.db
      .selectFrom('member_digest_settings')
      .select('digest_period')
      .where('member_id', '=', quiet.id)
      .executeTakeFirstOrThrow()
    expect(settings.digest_period).toMatch(/^daily:/)
  })

  it('sends nothing to members who are not verified', async () => {
    expect(mailsTo(pending.email)).toHaveLength(0)
    expect(mailsTo(suspended.email)).toHaveLength(0)
    expect(await deliveries(database.db, pending.id)).toEqual([])
  })

  it('carries List-Id, one-click List-Unsubscribe and the automated-mail headers', () => {
    const [mail] = mailsTo(reader.email)
    const headers = mail!.parsed.headers
    expect(rawHeader(mail!.raw, 'List-Id')).toBe('Vertrauensraum Zusammenfassung <digest.forum.test>')
    expect(rawHeader(mail!.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    expect(rawHeader(mail!.raw, 'List-Unsubscribe')).toMatch(
      /^<http:\/\/forum\.test\/unsubscribe\/\d+\.[\w-]{43}>$/,
    )
    expect(headers.get('auto-submitted')).toBe('auto-generated')
    expect(headers.get('x-auto-response-suppress')).toBe('All')
    expect(mail!.parsed.text).toContain('Zusammenfassung abbestellen: http://forum.test/unsubscribe/')
  })

  it('has links that work against the app: settings, and one-click unsubscribe without a session', async () => {
    const [mail] = mailsTo(reader.email)
    const agent = createAgent(app)
    await signInAs(database.db, agent, reader.id)
    const settings = await agent.get(
      new URL(mail!.parsed.text!.match(/http:\/\/forum\.test\/account\/digest/)![0]).pathname,
    )
    expect(settings.statusCode).toBe(200)
    const pilotEntry = mail!.parsed.text!.slice(mail!.parsed.text!.indexOf(titles.pilot))
    const threadLink = pilotEntry.match(/http:\/\/forum\.test\/t\/\d+/)![0]
    const thread = await agent.get(new URL(threadLink).pathname)
    expect(thread.statusCode).toBe(200)
    expect(thread.body).toContain('Chatbot')
    const unreadLink = mail!.parsed.text!.match(/http:\/\/forum\.test\/t\/\d+\/unread/)![0]
    expect((await agent.get(new URL(unreadLink).pathname)).statusCode).toBe(303)

    const unsubscribe = rawHeader(mail!.raw, 'List-Unsubscribe')!.slice(1, -1)
    const path = new URL(unsubscribe).pathname
    const response = await app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    })
    expect(response.statusCode).toBe(200)
    const row = await database.db
      .selectFrom('member_digest_settings')
      .select('frequency')
      .where('member_id', '=', reader.id)
      .executeTakeFirstOrThrow()
    expect(row.frequency).toBe('never')
  })

  it('does not send the same period again', async () => {
    const before = sink.received.length
    const count = await scheduleDigests(database.db, config, new Date())
    await runDueJobs(database.url, allTasks(config, database.db, smtpTransport(sink.url)))
    expect(sink.received.length).toBe(before)
    expect(count).toBe(0)
  })
})
