// Requests Node refuses before Fastify sees them (a query string or headers over Node's 16 KB,
// a malformed request line, a client too slow with its headers) get a short German page with
// the right status, not Fastify's JSON. Written to the socket directly: there is no request.
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'

const page = (title: string, text: string) =>
  `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${title} – Vertrauensraum</title></head>` +
  `<body><main><h1>${title}</h1><p>${text}</p><p><a href="/">Zur Startseite</a></p></main></body></html>`

const answers: Record<string, { status: number; body: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    body: page(
      'Anfrage zu groß',
      'Die Adresse oder die mitgesendeten Kopfzeilen sind zu lang (zusammen höchstens 16 KB). Bitte kürzen Sie die Suche oder den Link.',
    ),
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    body: page(
      'Zeitüberschreitung',
      'Die Anfrage kam nicht rechtzeitig vollständig an. Bitte versuchen Sie es erneut.',
    ),
  },
}
const broken = { status: 400, body: page('Ungültige Anfrage', 'Die Anfrage ist fehlerhaft.') }

/** Fastify's clientErrorHandler: the page for what Node's parser refused, then the connection ends. */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return
  const { status, body } = answers[error.code ?? ''] ?? broken
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: text/html; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\nConnection: close\r\n\r\n' +
      body,
  )
}
