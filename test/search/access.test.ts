// Only verified members search: anonymous visitors and every unverified status get nothing
// from any search URL (no titles, names or counts), as page or as htmx fragment; and results
// follow the visibility rule (deleted posts are gone).
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { MemberStatus } from '../../src/db/schema.ts'
import { deletePost } from '../../src/features/discussions/discussions.service.ts'
import { clock, createThread, reply, signedInMember } from '../discussions/helpers.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

const setup = useTestApp()
const marker = 'Zaubermarkerwort'
// What a hit would show that is not in the URL (the login redirect repeats the URL, which is the visitor's own input).
const secrets = ['Geheimtitelwort', 'Autorin Geheimname']

async function forum() {
  const db = setup.database.db
  const { current } = await signedInMember(db, setup.app, { name: 'Autorin Geheimname' })
  const { threadId, openingPostId } = await createThread(db, current, {
    title: `Thema ${marker} Geheimtitelwort`,
    body: `Eröffnung über ${marker}.`,
  })
  await reply(db, current, threadId, openingPostId, `Antwort mit ${marker}.`)
  return { threadId, author: current }
}

describe('who may search', () => {
  it('gives anonymous visitors and unverified members nothing from any search URL', async () => {
    const { threadId } = await forum()
    const urls = [
      `/search?q=${marker}`,
      `/search?q=${marker}&sort=newest`,
      `/search/similar/${threadId}`,
      `/search?q=${marker.slice(0, 6)}`,
    ]
    // The member sees it (so the test can fail).
    const member = createAgent(setup.app)
    await signInAs(setup.database.db, member, (await createMember(setup.database.db)).id)
    for (const secret of secrets) expect((await member.get(urls[0]!)).body).toContain(secret)
    expect(
      (await member.get(urls[0]!, { 'hx-request': 'true', 'hx-target': 'header-search-results' })).body,
    ).toContain(secrets[0])
    expect((await member.get(urls[2]!, { 'hx-request': 'true' })).statusCode).toBe(200)

    const visitors = [{ who: 'anonymous', agent: createAgent(setup.app) }]
    const statuses: MemberStatus[] = ['pending_email', 'pending_review', 'rejected', 'suspended', 'expired']
    for (const status of statuses) {
      const agent = createAgent(setup.app)
      await signInAs(setup.database.db, agent, (await createMember(setup.database.db, { status })).id)
      visitors.push({ who: status, agent })
    }
    for (const { who, agent } of visitors) {
      for (const url of urls) {
        for (const headers of [
          {},
          { 'hx-request': 'true', 'hx-target': 'search-results' },
          // The header field's live results.
          { 'hx-request': 'true', 'hx-target': 'header-search-results' },
        ] as Record<string, string>[]) {
          const response = await agent.get(url, headers)
          expect(response.statusCode, `${who} ${url}`).toBeLessThan(500)
          expect([200, 204, 303]).toContain(response.statusCode)
          for (const secret of secrets) {
            expect(response.body, `${who} ${url}`).not.toContain(secret)
            expect(JSON.stringify(response.headers), `${who} ${url}`).not.toContain(secret)
          }
        }
      }
      const similar = await agent.post('/search/similar', { title: `Thema ${marker}`, body: marker })
      expect(similar.statusCode, who).toBeLessThan(500)
      for (const secret of secrets) expect(similar.body).not.toContain(secret)
    }
  })
})

describe('what search shows follows the visibility rule', () => {
  it('leaves out deleted posts', async () => {
    const db = setup.database.db
    const { current } = await signedInMember(db, setup.app)
    const { threadId, openingPostId } = await createThread(db, current, {
      title: 'Ein Thema über Gartenbau',
      body: 'Eröffnung.',
    })
    const postId = await reply(db, current, threadId, openingPostId, 'Geheimes Wort: Kürbisfeldbewässerung.')
    const { agent } = await signedInMember(db, setup.app)
    expect((await agent.get('/search?q=Kürbisfeldbewässerung')).body).toContain('Ein Thema über Gartenbau')
    await deletePost(db, clock, current, postId)
    const after = await agent.get('/search?q=Kürbisfeldbewässerung')
    expect(after.body).not.toContain('Ein Thema über Gartenbau')
    expect(after.body).not.toContain('Kürbisfeldbewässerung.')
  })

  it('finds a reply the moderation hid only for its author, in a thread or an opening post alike', async () => {
    const db = setup.database.db
    const author = await signedInMember(db, setup.app)
    const { threadId, openingPostId } = await createThread(db, author.current, {
      title: 'Ein Thema über Obstbau',
      body: 'Eröffnung mit Apfelbaumschnittkurs.',
    })
    const postId = await reply(db, author.current, threadId, openingPostId, 'Nur hier: Birnenspalierpflege.')
    await sql`update posts set hidden_at = now(), hidden_reason = 'Test' where id in (${postId}, ${openingPostId})`.execute(
      db,
    )
    const other = await signedInMember(db, setup.app)
    for (const word of ['Birnenspalierpflege', 'Apfelbaumschnittkurs']) {
      const hidden = await other.agent.get(`/search?q=${word}`)
      expect(hidden.body, word).not.toContain('Ein Thema über Obstbau')
      expect(hidden.body, word).not.toContain('Nur hier')
      expect(hidden.body, word).not.toContain('Eröffnung mit')
      expect((await author.agent.get(`/search?q=${word}`)).body, word).toContain('Ein Thema über Obstbau')
    }
    // The title stays findable: it is not hidden.
    expect((await other.agent.get('/search?q=Obstbau')).body).toContain('Ein Thema über Obstbau')
  })

  it("finds what an outsider may see behind a full page of a closed group's newer matches", async () => {
    const db = setup.database.db
    const insider = await signedInMember(db, setup.app)
    const group = await sql<{ id: number }>`
      insert into groups (name, join_mode) values ('AG Regenwasser', 'invitation') returning id`.execute(db)
    const groupId = group.rows[0]!.id
    await sql`insert into categories (name, slug) values ('AG Regenwasser intern', 'ag-regenwasser')`.execute(
      db,
    )
    await sql`insert into group_categories (category_id, group_id)
      select id, ${groupId} from categories where slug = 'ag-regenwasser'`.execute(db)
    await sql`insert into group_members (group_id, member_id) values (${groupId}, ${insider.current.id})`.execute(
      db,
    )
    for (const n of [1, 2, 3])
      await createThread(db, insider.current, { title: `Zisternenförderung offen ${n}`, category: 'ki' })
    // Newer, as well ranked and more than a page: the candidates of the first try are all hidden.
    for (let n = 1; n <= 40; n++)
      await createThread(db, insider.current, {
        title: `Zisternenförderung intern ${n}`,
        category: 'ag-regenwasser',
      })
    const outsider = await signedInMember(db, setup.app)
    const page = (await outsider.agent.get('/search?q=Zisternenförderung')).body
    // As hits (not only as "did you mean" titles, which a search with few hits adds).
    const hits = /<ol class="thread-list search-hits"[\s\S]*?<\/ol>/.exec(page)?.[0] ?? ''
    for (const n of [1, 2, 3]) expect(hits).toContain(`Zisternenförderung offen ${n}`)
    expect(page).not.toContain('intern')
    expect(page).not.toContain('AG Regenwasser')
    const inside = (await insider.agent.get('/search?q=Zisternenförderung')).body
    expect(inside).toContain('Zisternenförderung intern 40')
  })
})
