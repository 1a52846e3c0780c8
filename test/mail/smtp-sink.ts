import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { freePort } from '../../src/lib/free-port.ts'

/** A port nothing listens on right now. */
export interface ReceivedMail {
  parsed: ParsedMail
  raw: string
  envelopeTo: string[]
  /** false when the server refused this one (the sender saw a 4xx). */
  accepted: boolean
}

export interface SmtpSink {
  port: number
  url: string
  /** Every message that reached DATA, accepted or refused, in order. */
  received: ReceivedMail[]
  accepted(): ReceivedMail[]
  /** Refuse the next `count` messages (to `recipient`, if given) with "451 try again later". */
  refuseNext(count: number, recipient?: string): void
  close(): Promise<void>
}

export async function startSmtpSink(port?: number): Promise<SmtpSink> {
  const received: ReceivedMail[] = []
  let refuse = 0
  let refuseOnlyTo: string | undefined
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    // Pooled client connections stay open; do not wait for them when closing.
    closeTimeout: 50,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks)
        const recipients = session.envelope.rcptTo.map((r) => r.address)
        const accepted = refuse === 0 || (refuseOnlyTo !== undefined && !recipients.includes(refuseOnlyTo))
        if (!accepted) refuse--
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              parsed,
              raw: raw.toString('utf8'),
              envelopeTo: recipients,
              accepted,
            })
            if (accepted) return callback()
            const error = Object.assign(new Error('try again later'), { responseCode: 451 })
            return callback(error)
          })
          .catch((error: Error) => callback(error))
      })
    },
  })
  const chosen = port ?? (await freePort())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(chosen, '127.0.0.1', () => resolve())
  })
  return {
    port: chosen,
    url: `smtp://127.0.0.1:${chosen}`,
    received,
    accepted: () => received.filter((m) => m.accepted),
    refuseNext: (count, recipient) => {
      refuse = count
      refuseOnlyTo = recipient
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A header of the raw message as sent (unfolded, name case-insensitive). */
export function rawHeader(raw: string, name: string): string | undefined {
  const block = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ')
  const line = block.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}
