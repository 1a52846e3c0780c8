// The network pages are for verified members only: anonymous visitors and every status that is
// not verified get no names, no organisation members and no counts from any of them, as a page
// or as an htmx request, and members get them uncached.
import { beforeAll, describe, expect, it } from 'vitest'
import type { MemberStatus } from '../../src/db/schema.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'
import { asCurrent, createRegisterChain, createThread, htmx } from '../profiles/helpers.ts'

const context = useTestApp()

const secret = 'GEHEIMNAME'
let urls: string[] = []
let names: string[] = []

beforeAll(async () => {
  const { db } = context.database
  const chain = await createRegisterChain(db, { suffix: '96', gemeindeName: `Gemeinde ${secret}dorf` })
  const insider = await createMember(db, {
    name: `Ida ${secret}`,
    jobTitle: `Leitung ${secret}`,
    organisationId: chain.gemeinde.id,
  })
  const { threadId } = await createThread(db, asCurrent(insider), {
    title: `Pilot ${secret}`,
    stage: 'pilot',
    tags: 'geheimtag',
  })
  names = [insider.name, `Pilot ${secret}`]
  urls = [
    `/m/${insider.id}`,
    `/m/${insider.id}/succession`,
    '/account/profile',
    '/members',
    `/members?kreis=${chain.kreis.id}`,
    `/members?organisation=${chain.gemeinde.id}`,
    `/o/${chain.gemeinde.ars}`,
    `/o/${chain.kreis.ars}`,
    `/o/id-${chain.gemeinde.id}`,
    '/tags/geheimtag',
    `/network/thread/${threadId}`,
  ]
})

const contentCount = /\b\d+\s+(?:Mitglied|Mitglieder|Piloten?|im Einsatz|Antworten?|Themen?)\b/

function leak(body: string, headers: Record<string, unknown>): string | undefined {
  const all = body + JSON.stringify(headers)
  for (const needle of [secret, ...names]) if (all.includes(needle)) return needle
  return contentCount.exec(body.replace(/<[^>]*>/g, ' '))?.[0]
}

describe('access to the network pages', () => {
  it('the pages do show the insider to a verified member, uncached (the test can fail)', async () => {
    const { db } = context.database
    const agent = createAgent(context.app)
    await signInAs(db, agent, (await createMember(db, { role: 'moderator' })).id)
    for (const url of urls) {
      const response = await agent.get(url)
      expect(response.statusCode, url).toBeLessThan(400)
      expect(response.headers['cache-control'], url).toBe('private, no-store')
    }
    expect(leak((await agent.get(urls[0]!)).body, {})).toBeDefined()
    expect(leak((await agent.get('/tags/geheimtag')).body, {})).toBeDefined()
  })

  it('anonymous visitors are sent to the login with nothing of it', async () => {
    for (const url of urls) {
      for (const headers of [{}, htmx]) {
        const response = await context.app.inject({ url, headers })
        expect([204, 303], url).toContain(response.statusCode)
        expect(leak(response.body, response.headers), url).toBeUndefined()
      }
    }
  })

  const statuses: MemberStatus[] = [
    'pending_email',
    'pending_review',
    'rejected',
    'suspended',
    'expired',
    'left',
  ]
  for (const status of statuses) {
    it(`a ${status} member gets nothing of it`, async () => {
      const { db } = context.database
      const agent = createAgent(context.app)
      await signInAs(db, agent, (await createMember(db, { status })).id)
      for (const url of urls) {
        for (const headers of [{}, htmx]) {
          const response = await agent.get(url, headers)
          expect(response.statusCode, url).toBeLessThan(500)
          expect(response.statusCode, url).not.toBe(200)
          expect(leak(response.body, response.headers), `${url} as ${status}`).toBeUndefined()
        }
      }
    })
  }
})
