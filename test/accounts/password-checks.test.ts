// Password hashing is capped: however many sign-ins arrive at once, only a few argon2 checks
// run at a time, a short queue waits, and beyond it the answer is a quick "busy" (503).
import { describe, expect, it } from 'vitest'
import { createGate, PasswordChecksBusyError, passwordGate } from '../../src/features/accounts/passwords.ts'
import { createAgent, csrfTokenIn } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember } from '../helpers/factories.ts'

const setup = useTestApp({ TRUST_PROXY: '127.0.0.1' })

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('the password check gate', () => {
  it('runs at most `concurrent` tasks, queues `queue` more and refuses the rest at once', async () => {
    const gate = createGate({ concurrent: 2, queue: 3 })
    let running = 0
    let most = 0
    const task = async () => {
      running++
      most = Math.max(most, running)
      await tick()
      running--
      return 'done'
    }
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => gate.run(task)))
    const done = outcomes.filter((o) => o.status === 'fulfilled')
    const refused = outcomes.filter((o) => o.status === 'rejected')
    expect(done.length).toBe(5)
    expect(refused.length).toBe(5)
    expect(refused.every((o) => (o as PromiseRejectedResult).reason instanceof PasswordChecksBusyError)).toBe(
      true,
    )
    expect(most).toBe(2)
    expect(gate.peak).toBe(2)
    // Afterwards it takes work again.
    await expect(gate.run(task)).resolves.toBe('done')
  })

  it('frees its place when a task fails', async () => {
    const gate = createGate({ concurrent: 1, queue: 0 })
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(gate.run(async () => 'next')).resolves.toBe('next')
  })

  it('keeps a flood of sign-ins to the cap: every answer is a form page (422 or a quick 503), never a 500', async () => {
    const member = await createMember(setup.database.db)
    const page = await createAgent(setup.app).get('/login')
    const token = csrfTokenIn(page.body)!
    const csrfCookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    passwordGate.resetPeak()
    const flood = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        setup.app.inject({
          method: 'POST',
          url: '/login',
          payload: new URLSearchParams({
            _csrf: token,
            email: member.email,
            password: `falsch-${i}-xxxxxx`,
          }).toString(),
          headers: {
            cookie: csrfCookie,
            'content-type': 'application/x-www-form-urlencoded',
            // Many clients, so that no failure limit answers first.
            'x-forwarded-for': `198.51.100.${i + 1}`,
          },
        }),
      ),
    )
    const statuses = flood.map((r) => r.statusCode)
    expect(statuses.every((s) => s === 422 || s === 503 || s === 429)).toBe(true)
    // 60 at once are more than the cap and its queue hold.
    expect(statuses).toContain(503)
    expect(statuses).toContain(422)
    expect(passwordGate.peak).toBeLessThanOrEqual(2)
    for (const busy of flood.filter((r) => r.statusCode === 503)) {
      expect(busy.headers['retry-after']).toBe('5')
      expect(busy.body).toContain('Gerade prüfen wir sehr viele Anmeldungen')
    }
  })
})
