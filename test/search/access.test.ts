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
        for (const headers of [{}, { 'hx-request': 'true', 'hx-target': 'search-results' }] as Record<
          string,
          string
        >[]) {
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
})
