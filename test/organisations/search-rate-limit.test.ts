import { expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'

const setup = useTestApp()

it('limits the public search to 60 requests a minute per address', async () => {
  for (let i = 0; i < 60; i++) {
    const response = await setup.app.inject({
      url: '/organisations/search?q=ab',
      headers: { 'hx-request': 'true' },
    })
    expect(response.statusCode).toBe(200)
  }
  const limited = await setup.app.inject({ url: '/organisations/search?q=ab' })
  expect(limited.statusCode).toBe(429)
  expect(limited.body).toContain('Zu viele Versuche')
  const other = await setup.app.inject({ url: '/organisations/search?q=ab', remoteAddress: '192.0.2.7' })
  expect(other.statusCode).toBe(200)
})
