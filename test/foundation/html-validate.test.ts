// The page checks' own rule (test/helpers/html-validate.ts): a button inside a form, or one that
// belongs to no form, states its type; only a button tied to a form by its `form` attribute from
// outside may leave it at the default.
import { describe, expect, it } from 'vitest'
import { htmlValidator } from '../helpers/html-validate.ts'

async function ruleIds(body: string): Promise<string[]> {
  const html = `<!doctype html><html lang="de"><head><title>t</title></head><body><main>${body}</main></body></html>`
  const report = await htmlValidator.validateString(html)
  return report.results.flatMap((result) => result.messages.map((message) => message.ruleId))
}

describe('button-type-in-form', () => {
  it('wants the type of a button inside a form', async () => {
    expect(await ruleIds('<form method="post"><button>Senden</button></form>')).toEqual([
      'vertrauensraum/button-type-in-form',
    ])
    expect(await ruleIds('<form id="f" method="post"><button form="f">Senden</button></form>')).toEqual([
      'vertrauensraum/button-type-in-form',
    ])
  })

  it('wants the type of a button of no form', async () => {
    expect(await ruleIds('<p><button>Öffnen</button></p>')).toEqual(['vertrauensraum/button-type-in-form'])
  })

  it('lets a button tied to a form from outside keep the default, and every typed button pass', async () => {
    expect(
      await ruleIds(
        '<form id="pf" method="post"></form><p><button form="pf" name="7">Hilfreich</button> <button type="button">Zu</button></p><form method="post"><button type="submit">Senden</button></form>',
      ),
    ).toEqual([])
  })
})
