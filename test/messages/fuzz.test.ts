// No input to the messages forms is ever a 500, sent by a participant (who gets past the
// "not found" a stranger gets): NUL bytes, control characters, invalid UTF-8, huge and broken
// ids, 1 MB fields, repeated fields. Nothing of it is written as a message.
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'
import { conversation, signedInMember, write } from './helpers.ts'

const context = useTestApp()
const db = () => context.database.db

const values = [
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '%C3%28',
  '\uFFFD\uD800',
  '99999999999999999999',
  '2147483648',
  '0',
  '-1',
  '1,2,3,,',
  `${'1,'.repeat(500)}1`,
  'x'.repeat(1024 * 200),
  '<script>alert(1)</script>',
  '\u200B\u200B',
]

describe('fuzzing the messages forms', () => {
  it('answers every value with a page, never a 500', async () => {
    const anna = await signedInMember(db(), context.app)
    const bernd = await signedInMember(db(), context.app)
    const id = await conversation(db(), anna.current, [bernd.member.id])
    const messageId = await write(db(), bernd.current, id, 'Zum Melden')
    const token = await anna.agent.csrf(`/messages/${id}`)
    const forms: [string, string[]][] = [
      ['/messages', ['to', 'q', 'add', 'remove', 'action', 'body', 'formKey']],
      ['/messages/new', ['to', 'q', 'add', 'remove', 'action', 'body', 'formKey']],
      [`/messages/${id}`, ['body', 'formKey']],
      [`/messages/${id}/participants`, ['add']],
      [`/messages/${id}/m/${messageId}/report`, ['reason', 'text']],
      ['/messages/blocks', ['member', 'back']],
      ['/messages/blocks/remove', ['member', 'back']],
      ['/messages/settings', ['mailMode']],
    ]
    const failures: string[] = []
    for (const [url, fields] of forms) {
      for (const field of fields) {
        for (const value of values) {
          const response = await anna.agent.post(url, { _csrf: token, [field]: value })
          if (response.statusCode >= 500 || response.body.startsWith('{'))
            failures.push(`${url} ${field}=${value.slice(0, 20)} → ${response.statusCode}`)
        }
        const repeated = await anna.agent.post(url, { _csrf: token, [field]: ['1', '2'] })
        if (repeated.statusCode >= 500) failures.push(`${url} ${field} repeated → ${repeated.statusCode}`)
      }
    }
    const big = await anna.agent.post(`/messages/${id}`, { _csrf: token, body: 'x'.repeat(1024 * 1024) })
    if (big.statusCode >= 500) failures.push(`1 MB body → ${big.statusCode}`)
    for (const url of [
      `/messages/${id}?before=99999999999`,
      `/messages/${id}?before=%00`,
      '/messages/recipients?q=%00%C3%28&to=%FF',
      `/messages/recipients?q=${'x'.repeat(300)}`,
      '/messages/new?to=abc',
      '/messages/99999999999',
      `/messages/${id}/m/99999999999/report`,
      `/messages/${id}/participants?q=%C3%28`,
    ]) {
      const response = await anna.agent.get(url)
      if (response.statusCode >= 500 || response.body.startsWith('{'))
        failures.push(`GET ${url} → ${response.statusCode}`)
    }
    expect(failures).toEqual([])
  }, 240_000)
})
