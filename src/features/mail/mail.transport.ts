// Where mail goes: an SMTP server when SMTP_URL is set, otherwise a local mailbox folder
// (./data/mail) that a developer can open; tests pass their own transport.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'

export interface MailTransport {
  send(message: Mail.Options): Promise<void>
  close?(): void
}

export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url)
  return {
    send: async (message) => {
      await transporter.sendMail(message)
    },
    close: () => transporter.close(),
  }
}

/** Writes each message as an .eml file; the dev-only mailbox page lists them. */
export function mailboxTransport(folder: string, log?: (file: string) => void): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    send: async (message) => {
      const info = await transporter.sendMail(message)
      mkdirSync(folder, { recursive: true })
      const file = path.join(
        folder,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`,
      )
      writeFileSync(file, info.message as Buffer)
      log?.(file)
    },
  }
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
