// What Node's HTTP parser refuses before Fastify sees a request gets a German page with the
// right status: a query string over 16 KB is 431 with a page saying so, a broken request line
// 400. Over a real socket (app.inject skips Node's parser).
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/app.ts'

const setup = useTestApp()
let port: number

beforeAll(async () => {
  await setup.app.listen({ port: 0, host: '127.0.0.1' })
  port = (setup.app.server.address() as { port: number }).port
})
afterAll(async () => {
  setup.app.server.closeAllConnections?.()
})

/** Sends raw bytes and reads the whole answer (the server closes the connection). */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => {
      answer += chunk
    })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')))
  })
}

describe('requests Node refuses', () => {
  it('a query string over 16 KB: 431 with a German page', async () => {
    const answer = await raw(`GET /search?q=${'a'.repeat(17 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
    expect(answer).toContain('Content-Type: text/html; charset=utf-8')
    expect(answer).toContain('<h1>Anfrage zu groß</h1>')
    expect(answer).toContain('höchstens 16 KB')
    const length = Number(/Content-Length: (\d+)/.exec(answer)?.[1])
    expect(Buffer.byteLength(answer.split('\r\n\r\n')[1]!)).toBe(length)
  })

  it('a query string under the limit is answered as usual; a broken request line is 400', async () => {
    const fine = await raw(
      `GET /healthz?x=${'a'.repeat(8 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    )
    expect(fine).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    const broken = await raw('NONSENSE\r\n\r\n')
    expect(broken).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(broken).toContain('<h1>Ungültige Anfrage</h1>')
  })
})
