// The development mailbox (reading the .eml files the mailbox transport writes) and the
// admin view of the mail queue.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { type AddressObject, simpleParser } from 'mailparser'
import { redactSecrets } from '../../core/jobs/redact.ts'
import { mailboxFilePattern } from '../../core/mail/mail.transport.ts'
import type { Db } from '../../db/database.ts'
import { listMailJobs, retryMailJob } from './mail.repository.ts'

export interface MailboxEntry {
  file: string
  date: Date | undefined
  to: string
  subject: string
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string =>
  value === undefined
    ? ''
    : [value]
        .flat()
        .map((a) => a.text)
        .join(', ')

/** Only names the mailbox transport writes: no path separators, no "..", nothing else. */
export function isMailboxFile(file: string): boolean {
  return mailboxFilePattern.test(file)
}

async function mailboxFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter(isMailboxFile).sort().reverse()
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return []
    throw error
  }
}

/** The newest messages first (the file names start with the time they were written). */
export async function listMailbox(folder: string, limit = 200): Promise<MailboxEntry[]> {
  const files = (await mailboxFiles(folder)).slice(0, limit)
  return Promise.all(
    files.map(async (file) => {
      const parsed = await simpleParser(await readFile(path.join(folder, file)), {
        skipHtmlToText: true,
        skipTextToHtml: true,
        skipImageLinks: true,
      })
      return { file, date: parsed.date, to: addresses(parsed.to), subject: parsed.subject ?? '' }
    }),
  )
}

export interface MailboxMessage extends MailboxEntry {
  from: string
  text: string
  html: string | undefined
  headers: { name: string; value: string }[]
}

export async function readMailboxMessage(folder: string, file: string): Promise<MailboxMessage | undefined> {
  if (!isMailboxFile(file)) return undefined
  let source: Buffer
  try {
    source = await readFile(path.join(folder, file))
  } catch {
    return undefined
  }
  const parsed = await simpleParser(source, { skipTextToHtml: true, skipImageLinks: true })
  const shown = [
    'message-id',
    'auto-submitted',
    'x-auto-response-suppress',
    'list-id',
    'list-unsubscribe',
    'list-unsubscribe-post',
  ]
  const headers = parsed.headerLines
    .filter((line) => shown.includes(line.key))
    .map((line) => {
      const colon = line.line.indexOf(':')
      return { name: line.line.slice(0, colon), value: line.line.slice(colon + 1).trim() }
    })
  return {
    file,
    date: parsed.date,
    to: addresses(parsed.to),
    from: addresses(parsed.from),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    headers,
  }
}

/** Plain text cut into pieces so that the view can make links clickable without raw HTML. */
export function linkify(text: string): { text?: string; url?: string }[] {
  const pieces: { text?: string; url?: string }[] = []
  let last = 0
  for (const match of text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    const url = match[0].replace(/[.,;:!?)]+$/, '')
    if (match.index > last) pieces.push({ text: text.slice(last, match.index) })
    pieces.push({ url })
    last = match.index + url.length
  }
  if (last < text.length) pieces.push({ text: text.slice(last) })
  return pieces
}

export interface QueueEntry {
  id: number
  task: string
  recipient: string
  template: string | undefined
  attempts: number
  maxAttempts: number
  runAt: Date
  inProgress: boolean
  lastError: string | undefined
}

function describeRecipient(payload: unknown): { recipient: string; template: string | undefined } {
  const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>
  const template = typeof p.template === 'string' ? p.template : undefined
  if (typeof p.to === 'string') return { recipient: p.to, template }
  if (typeof p.memberId === 'number') return { recipient: `#${p.memberId}`, template }
  return { recipient: '', template }
}

/**
 * The queue for admins: kind of mail and recipient, attempts, next attempt and the last
 * error with addresses, links and tokens removed. The payload (with tokens) is never shown.
 */
export async function mailQueue(db: Db): Promise<{ failed: QueueEntry[]; pending: QueueEntry[] }> {
  const rows = await listMailJobs(db, 500)
  const entries = rows.map((row): QueueEntry & { failed: boolean } => ({
    id: row.id,
    task: row.task,
    ...describeRecipient(row.payload),
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    runAt: row.runAt,
    inProgress: row.lockedAt !== null,
    lastError: row.lastError ? redactSecrets(row.lastError).slice(0, 300) : undefined,
    failed: row.attempts >= row.maxAttempts,
  }))
  return {
    failed: entries.filter((e) => e.failed),
    pending: entries.filter((e) => !e.failed),
  }
}

export async function retryMail(db: Db, id: number): Promise<boolean> {
  return retryMailJob(db, id)
}
