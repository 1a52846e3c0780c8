// The organisation page lists the latest files its members attached to posts (issues 11/14),
// through the one visibility rule: a closed group's files only for the group's members, files
// of hidden or deleted posts for nobody, other organisations' files not at all.
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { createThread, reply, signedInMember } from '../discussions/helpers.ts'
import { addToGroup, createGroupWithRoom } from '../groups/helpers.ts'
import { useTestApp } from '../helpers/app.ts'
import { createOrganisation } from '../helpers/factories.ts'
import { attachFileToPost, textFile } from './helpers.ts'

const context = useTestApp()
const db = () => context.database.db

const pdf = Buffer.from('%PDF-1.4\n%%EOF\n')
let organisationId = 0
let inGroup: Awaited<ReturnType<typeof signedInMember>>
let outsider: Awaited<ReturnType<typeof signedInMember>>
let moderator: Awaited<ReturnType<typeof signedInMember>>
let author: Awaited<ReturnType<typeof signedInMember>>
const ids: Record<string, number> = {}

async function fileOn(postId: number, authorId: number, name: string) {
  ids[name] = await attachFileToPost(
    db(),
    { id: postId, authorId },
    {
      name,
      content: name.endsWith('.pdf') ? pdf : textFile,
      mediaType: name.endsWith('.pdf') ? 'application/pdf' : 'text/plain',
    },
  )
}

beforeAll(async () => {
  const organisation = await createOrganisation(db(), { name: 'Stadt Dokumentheim' })
  organisationId = organisation.id
  const admin = await signedInMember(db(), context.app, { role: 'admin' })
  author = await signedInMember(db(), context.app, { organisationId })
  inGroup = await signedInMember(db(), context.app)
  outsider = await signedInMember(db(), context.app)
  moderator = await signedInMember(db(), context.app, { role: 'moderator' })
  const stranger = await signedInMember(db(), context.app)

  const open = await createThread(db(), author.current, { title: 'Konzept digitale Akte' })
  await fileOn(open.openingPostId, author.member.id, 'Konzept Akte.pdf')
  const answer = await reply(db(), author.current, open.threadId, undefined, 'Die Zahlen dazu.')
  await fileOn(answer, author.member.id, 'Zahlen.txt')
  const hidden = await reply(db(), author.current, open.threadId, undefined, 'Versehentlich.')
  await fileOn(hidden, author.member.id, 'Versteckt.txt')
  await sql`update posts set hidden_at = now(), hidden_reason = 'Datenschutz' where id = ${hidden}`.execute(
    db(),
  )
  const deleted = await reply(db(), author.current, open.threadId, undefined, 'Gelöscht.')
  await fileOn(deleted, author.member.id, 'Geloescht.txt')
  await sql`update posts set deleted_at = now() where id = ${deleted}`.execute(db())

  const group = await createGroupWithRoom(db(), admin.current, { name: 'AG Aktenplan', room: 'Aktenplan' })
  await addToGroup(db(), admin.current, group.groupId, author.current)
  await addToGroup(db(), admin.current, group.groupId, inGroup.current)
  const closed = await createThread(db(), author.current, {
    title: 'Intern: Aktenplan',
    category: group.slug,
  })
  await fileOn(closed.openingPostId, author.member.id, 'Gruppenpapier.pdf')

  // The same thread, a file by someone of another organisation.
  const foreign = await reply(db(), stranger.current, open.threadId, undefined, 'Unser Muster.')
  await fileOn(foreign, stranger.member.id, 'Fremd.pdf')
})

async function documentsSeenBy(viewer: Awaited<ReturnType<typeof signedInMember>>) {
  const page = await viewer.agent.get(`/o/id-${organisationId}`)
  const final = page.statusCode === 301 ? await viewer.agent.get(page.headers.location as string) : page
  expect(final.statusCode).toBe(200)
  const section = /<section class="organisation-documents"[\s\S]*?<\/section>/.exec(final.body)?.[0] ?? ''
  return {
    html: final.body,
    section,
    names: [...section.matchAll(/<bdi>([^<]+)<\/bdi><\/a> <span/g)].map((m) => m[1]),
  }
}

describe('documents on the organisation page', () => {
  it('lists the files its members shared, newest first, with type, size and a link into the thread', async () => {
    const { section, names } = await documentsSeenBy(outsider)
    expect(names).toEqual(['Zahlen.txt', 'Konzept Akte.pdf'])
    expect(section).toContain('<h2 id="documents-heading">Geteilte Dokumente</h2>')
    expect(section).toMatch(
      new RegExp(
        `<a href="/files/${ids['Konzept Akte.pdf']}" download><bdi>Konzept Akte.pdf</bdi></a> <span class="file-meta">PDF, `,
      ),
    )
    expect(section).toMatch(
      /in <a href="\/t\/\d+\?at(=|&#x3D;)\d+#post-\d+"><bdi>Konzept digitale Akte<\/bdi><\/a>/,
    )
  })

  it("a closed group's files only for its members; hidden and deleted posts' files for nobody", async () => {
    expect((await documentsSeenBy(inGroup)).names).toEqual([
      'Gruppenpapier.pdf',
      'Zahlen.txt',
      'Konzept Akte.pdf',
    ])
    for (const viewer of [outsider, moderator]) {
      const { html } = await documentsSeenBy(viewer)
      expect(html).not.toContain('Gruppenpapier')
      expect(html).not.toContain('Aktenplan')
    }
    for (const viewer of [author, moderator, inGroup, outsider]) {
      const { html } = await documentsSeenBy(viewer)
      expect(html).not.toContain('Versteckt.txt')
      expect(html).not.toContain('Geloescht.txt')
      expect(html).not.toContain('Fremd.pdf')
    }
  })

  it('an organisation without shared files shows no documents section', async () => {
    const empty = await createOrganisation(db(), { name: 'Gemeinde Ohnedatei' })
    const page = await outsider.agent.get(`/o/id-${empty.id}`)
    const final = page.statusCode === 301 ? await outsider.agent.get(page.headers.location as string) : page
    expect(final.statusCode).toBe(200)
    expect(final.body).not.toContain('organisation-documents')
  })
})
