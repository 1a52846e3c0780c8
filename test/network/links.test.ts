// The way in from the forum: every author name links to the profile (thread page, thread
// lists), the profile to the organisation, and the thread page loads "Wer macht das schon?".
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'
import { asCurrent, createRegisterChain, createThread, reply, signedIn } from '../profiles/helpers.ts'

const context = useTestApp()

describe('links into the network', () => {
  it('from a thread to its author, to their municipality, to others there', async () => {
    const { db } = context.database
    const chain = await createRegisterChain(db, { suffix: '97', gemeindeName: 'Gemeinde Verlinkt' })
    const author = await createMember(db, { name: 'Arne Autor', organisationId: chain.gemeinde.id })
    const colleague = await createMember(db, { name: 'Clara Kollegin', organisationId: chain.gemeinde.id })
    const { threadId } = await createThread(db, asCurrent(author), {
      title: 'Wer verlinkt wen?',
      tags: 'links',
    })
    const { agent, current } = await signedIn(db, context.app, { name: 'Rolf Reply' })
    await reply(db, current, threadId, 'Ich antworte.')

    const thread = await agent.get(`/t/${threadId}`)
    expect(thread.statusCode).toBe(200)
    expect(thread.body).toContain(`<a href="/m/${author.id}"><bdi>Arne Autor</bdi></a>`)
    expect(thread.body).toContain(`<a href="/m/${current.id}"><bdi>Rolf Reply</bdi></a>`)
    // The box loads by htmx, and is a link without JavaScript.
    expect(thread.body).toContain(`hx-get="/network/thread/${threadId}"`)
    expect(thread.body).toContain(`href="/network/thread/${threadId}"`)

    for (const list of ['/', '/c/ki']) {
      const page = await agent.get(list)
      expect(page.body, list).toContain(`<a href="/m/${author.id}"><bdi>Arne Autor</bdi></a>`)
    }

    const profile = await agent.get(`/m/${author.id}`)
    expect(profile.body).toContain(`href="/o/${chain.gemeinde.ars}"`)
    const organisation = await agent.get(`/o/${chain.gemeinde.ars}`)
    expect(organisation.body).toContain(`href="/m/${colleague.id}"><bdi>Clara Kollegin</bdi>`)
  })

  it('marks staff beside the name inside the same link', async () => {
    const { db } = context.database
    const moderator = await createMember(db, { name: 'Mara Moderation', role: 'moderator' })
    const { threadId } = await createThread(db, asCurrent(moderator), { title: 'Hinweis der Moderation' })
    const { agent } = await signedIn(db, context.app)
    const thread = await agent.get(`/t/${threadId}`)
    expect(thread.body).toContain(
      `<a href="/m/${moderator.id}"><bdi>Mara Moderation</bdi> <span class="staff">Moderation</span></a>`,
    )
  })
})
