// Without any operator settings the pages still answer, and say what is missing.
import { describe, expect, it } from 'vitest'
import { testConfig, useTestApp } from '../helpers/app.ts'

const setup = useTestApp()

describe('operator pages without settings', () => {
  it('say that the Impressum and the sign-language video are not set up yet', async () => {
    const imprint = await setup.app.inject({ url: '/impressum' })
    expect(imprint.statusCode).toBe(200)
    expect(imprint.body).toContain('noch nicht eingerichtet')
    const sign = await setup.app.inject({ url: '/gebaerdensprache' })
    expect(sign.body).toContain('SIGN_LANGUAGE_VIDEO_URL')
  })

  it('refuse a video link that is not https', () => {
    expect(() => testConfig({ SIGN_LANGUAGE_VIDEO_URL: 'http://video.example.org/x' })).toThrow(
      /SIGN_LANGUAGE_VIDEO_URL/,
    )
  })
})
