import type { Socket } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { freePort } from '../../src/lib/free-port.ts'

export interface ReceivedMail {
  parsed: ParsedMail
  raw: string
  envelopeTo: string[]
  /** false when the server refused this one (the sender saw a 4xx). */
  accepted: boolean
}

/**
 * Where an SMTP conversation can hang: the greeting, the answers to MAIL FROM, RCPT TO and
 * DATA (354), and the answer to the end of the message data (the 250 that accepts it).
 */
export type SmtpStage = 'connect' | 'mail' | 'rcpt' | 'data' | 'end-of-data'

export interface SmtpSink {
  port: number
  url: string
  /** Every message that reached DATA, accepted or refused, in order. */
  received: ReceivedMail[]
  accepted(): ReceivedMail[]
  /** Messages that arrived in full but whose answer was held back (stallNext('end-of-data')). */
  held: ReceivedMail[]
  /** Refuse the next `count` messages (to `recipient`, if given) with "451 try again later". */
  refuseNext(count: number, recipient?: string): void
  /**
   * Never answer the next conversation that reaches `stage` (the client waits until it gives
   * up or dies). Resolves once that conversation hangs there.
   */
  stallNext(stage: SmtpStage): Promise<void>
  /** Runs for each message after it arrived in full and before the server accepts it. */
  beforeAccept: ((mail: ReceivedMail) => Promise<void>) | undefined
  close(): Promise<void>
}

export async function startSmtpSink(port?: number): Promise<SmtpSink> {
  const received: ReceivedMail[] = []
  const held: ReceivedMail[] = []
  let refuse = 0
  let refuseOnlyTo: string | undefined
  let stall: { stage: SmtpStage; reached: () => void } | undefined
  /** True once for the stage that is to hang (and forgets the stall). */
  const stallsAt = (stage: SmtpStage): boolean => {
    if (stall?.stage !== stage) return false
    stall.reached()
    stall = undefined
    return true
  }
  const sink: Pick<SmtpSink, 'beforeAccept'> = { beforeAccept: undefined }

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    // Pooled client connections stay open; do not wait for them when closing.
    closeTimeout: 50,
    logger: false,
    onConnect(_session, callback) {
      if (!stallsAt('connect')) callback()
    },
    onMailFrom(_address, _session, callback) {
      if (!stallsAt('mail')) callback()
    },
    onRcptTo(_address, _session, callback) {
      if (!stallsAt('rcpt')) callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks)
        const recipients = session.envelope.rcptTo.map((r) => r.address)
        const accepted = refuse === 0 || (refuseOnlyTo !== undefined && !recipients.includes(refuseOnlyTo))
        if (!accepted) refuse--
        simpleParser(raw)
          .then(async (parsed) => {
            const mail = { parsed, raw: raw.toString('utf8'), envelopeTo: recipients, accepted }
            if (stallsAt('end-of-data')) {
              held.push({ ...mail, accepted: false })
              return
            }
            if (accepted) await sink.beforeAccept?.(mail)
            received.push(mail)
            if (accepted) return callback()
            const error = Object.assign(new Error('try again later'), { responseCode: 451 })
            return callback(error)
          })
          .catch((error: Error) => callback(error))
      })
    },
  })
  // smtp-server sends "354" right after handing the data stream to onData: to hang at DATA,
  // the answer itself is held back on its way out.
  ;(
    server as unknown as { server: { on(event: 'connection', listener: (socket: Socket) => void): void } }
  ).server.on('connection', (socket) => {
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (String(chunk).startsWith('354') && stallsAt('data')) return true
      return write(chunk, ...rest)
    }) as typeof socket.write
  })
  const chosen = port ?? (await freePort())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(chosen, '127.0.0.1', () => resolve())
  })
  // A client killed in the middle of a conversation resets its connection: that is expected.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error
  })
  return Object.assign(sink, {
    port: chosen,
    url: `smtp://127.0.0.1:${chosen}`,
    received,
    held,
    accepted: () => received.filter((m) => m.accepted),
    refuseNext: (count: number, recipient?: string) => {
      refuse = count
      refuseOnlyTo = recipient
    },
    stallNext: (stage: SmtpStage) =>
      new Promise<void>((reached) => {
        stall = { stage, reached }
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  })
}

/** A header of the raw message as sent (unfolded, name case-insensitive). */
export function rawHeader(raw: string, name: string): string | undefined {
  const block = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ')
  const line = block.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}
