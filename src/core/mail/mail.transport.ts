// Where mail goes: an SMTP server when SMTP_URL is set, otherwise a local mailbox folder
// (./data/mail) that a developer can open; tests pass their own transport.
//
// Every transport calls `beforeHandOver` at the last moment before the message can be
// accepted (for SMTP: the whole message data is written, only the final "." is missing).
// The caller records "handing over" there, committed: until then a crash proves that the
// message was not accepted and it can safely be sent again.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pipeline, Transform } from 'node:stream'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import type { Config } from '../../config.ts'

export interface HandOver {
  /**
   * Runs once the message is complete and before it is handed over. Throwing aborts the
   * transaction without ending the data (an SMTP server then discards the message).
   */
  beforeHandOver(): Promise<void>
}

export interface MailTransport {
  send(message: Mail.Options, handOver?: HandOver): Promise<void>
  close?(): void
}

// nodemailer copies the message options into the mail it hands to plugins; our hook rides along.
const handOverOption = 'vertrauensraumHandOver'

/**
 * Lets the message data through and holds back its end until beforeHandOver has finished.
 * The whole message may arrive here before the connection reads any of it (a small message
 * fits the buffers while MAIL FROM and RCPT TO are still under way), so the end waits until
 * the stream is read, which the SMTP connection starts only after the server's 354 to DATA.
 */
function handOverGate(handOver: HandOver): Transform {
  const gate = new Transform({
    transform(chunk, _encoding, callback) {
      callback(null, chunk)
    },
    flush(callback) {
      const handOverNow = () =>
        handOver.beforeHandOver().then(
          () => callback(),
          (error: Error) => callback(error),
        )
      if (gate.readableFlowing) handOverNow()
      else gate.once('resume', handOverNow)
    },
  })
  return gate
}

/**
 * Keeps up to a few SMTP connections open and reuses them: opening one per message costs far
 * more than sending it. Options in SMTP_URL (e.g. ?pool=false) take precedence. A connection
 * whose message was aborted is closed, never reused.
 */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 4,
    maxMessages: 1000,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  })
  transporter.use('stream', (mail, done) => {
    const handOver = (mail.data as Record<string, unknown>)[handOverOption] as HandOver | undefined
    if (handOver) {
      // The gate goes last, after nodemailer's own transforms, so that what reads it is the connection.
      const message = mail.message
      const createReadStream = message.createReadStream.bind(message)
      message.createReadStream = (options?: Parameters<typeof createReadStream>[0]) =>
        pipeline(createReadStream(options), handOverGate(handOver), () => {})
    }
    done()
  })
  return {
    send: async (message, handOver) => {
      await transporter.sendMail({ ...message, [handOverOption]: handOver } as Mail.Options)
    },
    close: () => transporter.close(),
  }
}

/** The names mailboxTransport gives its files; the dev mailbox page accepts nothing else. */
export const mailboxFilePattern = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[a-z0-9]{6}\.eml$/

/** The mailbox folder inside the data folder (npm start without SMTP_URL). */
export function mailboxFolder(config: Config): string {
  return path.join(config.dataDir, 'mail')
}

/** Writes each message as an .eml file; the dev-only mailbox page lists them. */
export function mailboxTransport(folder: string, log?: (file: string) => void): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    send: async (message, handOver) => {
      const info = await transporter.sendMail(message)
      await handOver?.beforeHandOver()
      mkdirSync(folder, { recursive: true })
      const random = randomBytes(6)
        .toString('base64url')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '0')
        .slice(0, 6)
      const file = path.join(folder, `${new Date().toISOString().replace(/[:.]/g, '-')}-${random}.eml`)
      writeFileSync(file, info.message as Buffer)
      log?.(file)
    },
  }
}

/** SMTP when SMTP_URL is set, otherwise the local mailbox folder ./data/mail. */
export function createMailTransport(config: Config, log?: (file: string) => void): MailTransport {
  if (config.smtpUrl) return smtpTransport(config.smtpUrl)
  return mailboxTransport(mailboxFolder(config), log)
}

/** Keeps messages in memory (tests of features that only need to read the mail). */
export function memoryTransport() {
  const messages: Mail.Options[] = []
  const transport: MailTransport & { messages: Mail.Options[] } = {
    messages,
    send: async (message, handOver) => {
      await handOver?.beforeHandOver()
      messages.push(message)
    },
  }
  return transport
}
