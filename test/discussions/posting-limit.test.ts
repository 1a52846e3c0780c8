import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { createThread, signedInMember } from './helpers.ts'

const setup = useTestApp()

describe('posting limit', () => {
  it('stops one member after 60 posts in 15 minutes, without touching others', async () => {
    const { app, database } = setup
    const author = await signedInMember(database.db, app, { name: 'Viel Schreiber' })
    const other = await signedInMember(database.db, app, { name: 'Andere Person' })
    const { threadId } = await createThread(database.db, author.current)
    const token = await author.agent.csrf(`/t/${threadId}`)
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) {
      const response = await author.agent.post(`/t/${threadId}/posts`, { _csrf: token, body: `Beitrag ${i}` })
      statuses.push(response.statusCode)
    }
    expect(statuses.slice(0, 60).every((s) => s === 303)).toBe(true)
    expect(statuses[60]).toBe(429)
    const blocked = await author.agent.post(`/t/${threadId}/posts`, { _csrf: token, body: 'noch einer' })
    expect(blocked.body).toContain('Zu viele Versuche')
    const fine = await other.agent.submit(`/t/${threadId}`, `/t/${threadId}/posts`, { body: 'Ich darf noch' })
    expect(fine.statusCode).toBe(303)
  })
})
