// Where mail goes: an SMTP server when SMTP_URL is set, otherwise a local mailbox folder
// (./data/mail) that a developer can open; tests pass their own transport.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import type { Config } from '../../config.ts'

export interface MailTransport {
  send(message: Mail.Options): Promise<void>
  close?(): void
}

/**
 * Keeps up to a few SMTP connections open and reuses them: opening one per message costs far
 * more than sending it. Options in SMTP_URL (e.g. ?pool=false) take precedence.
 */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, pool: true, maxConnections: 4, maxMessages: 1000 })
  return {
    send: async (message) => {
      await transporter.sendMail(message)
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
    send: async (message) => {
      const info = await transporter.sendMail(message)
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
    send: async (message) => {
      messages.push(message)
    },
  }
  return transport
}
