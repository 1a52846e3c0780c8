// Digests and notification mails as jobs in graphile-worker's queue.
//
//   schedule_digests (hourly cron; acts at DIGEST_HOUR Berlin time, or when an admin asks)
//     → one compose_digest job per due member, added in batches, job key per member + period
//   compose_digest (one member, one period; one transaction with the member's settings row locked)
//     → picks the threads and followed replies since the member's watermark, records the
//       digest (mail_deliveries, unique per member + period), moves the watermark and the
//       period key, and adds the send_digest job — all in that same transaction
//   send_digest (one recorded digest)
//     → claims it (queued → sending, committed), builds the mail from the current state,
//       sends it over SMTP, records it as sent
//
// Never twice: the period key, the unique (member, kind, period) record and the row lock
// make composing exactly-once, whatever runs twice (two schedulers, two instances, a retry).
// Handing the mail to SMTP is at-most-once: a digest is only sent from the 'queued' state,
// and it leaves that state (committed, by the attempt that claimed it) right before the end
// of the message data goes out (core/mail/send-once.ts). Whatever happens before that moment
// (a crash while connecting or while the server is slow to accept the recipient, an SMTP
// error) leaves it queued: it provably did not arrive, and the next attempt sends it (after a
// crash within seconds of the next start, see core/jobs/runner-liveness.ts). A server that
// refuses the message data with an error code puts it back to 'queued' as well.
// Never skip a thread: if an attempt ends after that moment without knowing whether SMTP
// accepted the mail (the process died before recording the 250, or the connection broke),
// the retry does not send it again; it marks the digest 'uncertain' and carries its window
// into the member's next digest, which lists those threads again.
//
// Notification mails use the same record-claim-send steps (compose_notifications,
// send_notifications); an uncertain one is not repeated (the notifications stay in the forum).
import { randomBytes } from 'node:crypto'
import type { CronItem, TaskList } from 'graphile-worker'
import type { Logger } from 'pino'
import type { Config } from '../../config.ts'
import { addJob, addJobs } from '../../core/jobs/job-queue.ts'
import type { FeatureJobs, JobDeps } from '../../core/jobs/job-registry.ts'
import { composeMessage } from '../../core/mail/mail.message.ts'
import { type BuiltMail, buildMail, type MailTemplates } from '../../core/mail/mail.templates.ts'
import type { MailTransport } from '../../core/mail/mail.transport.ts'
import { sendOnce } from '../../core/mail/send-once.ts'
import type { Db } from '../../db/database.ts'
import type { Locale } from '../../db/schema.ts'
import {
  type ConfidentialCount,
  type DigestMailParams,
  excerptOf,
  type NotificationItem,
  type NotificationMailParams,
} from './digests.mails.ts'
import { currentPeriods, type DigestSchedule, isDigestHour, periodLengthMs } from './digests.periods.ts'
import {
  type ClaimedDelivery,
  carryWindowForward,
  claimDelivery,
  composeDigestStatement,
  deliveryStatus,
  digestThreads,
  dueMembersBatch,
  ensureSettingsRows,
  findRecipient,
  followedThreads,
  insertDelivery,
  lockMemberForMail,
  markNotificationsMailed,
  membersWithPendingNotifications,
  moveDelivery,
  noteNotificationMail,
  notificationsForMail,
  type PreparedRunner,
  pendingNotifications,
  pruneMailedNotifications,
  pruneOldDeliveries,
  type RecipientRow,
} from './digests.repository.ts'
import type { DeliveryKind, NotifyMode } from './digests.tables.ts'
import { unsubscribeKeyPurpose, unsubscribeUrl } from './unsubscribe.ts'

export interface DigestJobDeps {
  config: Config
  db: Db
  transport: MailTransport
  templates: MailTemplates
  logger?: Logger
  /** Derived from the session secret (see unsubscribe.ts). */
  unsubscribeKey: Buffer
}

/**
 * A digest covers threads up to a minute before it is scheduled: a thread whose transaction
 * began earlier but commits later still has a created_at inside the window it belongs to.
 */
export const settleMs = 60_000
const batchSize = 1000
/** Threads listed in full in one digest; the rest are counted with a link to the forum. */
export const maxThreadsPerDigest = 50
const maxFollowedPerDigest = 30
/** Notifications wait this long, so that what a member reads in the forum meanwhile is not mailed. */
export const notificationGraceMs = 2 * 60_000
/** Older notifications are not mailed any more (also bounds the work of each sweep). */
const notificationHorizonMs = 24 * 3600_000
const maxNotificationsPerMail = 30

function messageId(config: Config, kind: DeliveryKind, key: string, memberId: number): string {
  const host = new URL(config.baseUrl).hostname
  const safeKey = key.replace(/[^A-Za-z0-9-]/g, '-')
  return `<${kind}-${safeKey}-m${memberId}-${randomBytes(6).toString('hex')}@${host}>`
}

// --- digests ------------------------------------------------------------------------------

/** Adds a compose_digest job for every verified member whose current period is not recorded yet. */
export async function scheduleDigests(db: Db, schedule: DigestSchedule, at: Date): Promise<number> {
  const periods = currentPeriods(at, schedule)
  const cutoff = new Date(at.getTime() - settleMs).toISOString()
  let afterId = 0
  let count = 0
  for (;;) {
    const batch = await dueMembersBatch(db, { afterId, limit: batchSize, ...periods })
    if (batch.length === 0) break
    await ensureSettingsRows(
      db,
      batch.map((member) => member.id),
    )
    await addJobs(
      db,
      batch.map((member) => ({
        task: 'compose_digest',
        payload: { memberId: member.id, period: member.period, cutoff },
        key: `digest:${member.id}:${member.period}`,
        maxAttempts: 5,
      })),
    )
    count += batch.length
    afterId = batch.at(-1)!.id
    if (batch.length < batchSize) break
  }
  return count
}

/** skipped: not verified, not this frequency, or this period was recorded before. */
export type ComposeOutcome = 'queued' | 'empty' | 'skipped' | 'not-eligible' | 'not-due'

export async function composeDigest(
  deps: Pick<DigestJobDeps, 'config' | 'db'>,
  job: { memberId: number; period: string; cutoff: string },
  prepared?: PreparedRunner,
): Promise<ComposeOutcome> {
  const frequency = job.period.startsWith('daily:') ? 'daily' : 'weekly'
  const compose = () =>
    composeDigestStatement(deps.db, prepared, {
      memberId: job.memberId,
      period: job.period,
      frequency,
      cutoff: new Date(job.cutoff),
      firstWindow: `${periodLengthMs(job.period) / 1000} seconds`,
      maxThreads: maxThreadsPerDigest,
      maxFollowed: maxFollowedPerDigest,
      messageId: messageId(deps.config, 'digest', job.period, job.memberId),
    })
  let result = await compose()
  if (!result.settingsRow) {
    // A member the scheduler did not see (or who was never scheduled): default settings first.
    await ensureSettingsRows(deps.db, [job.memberId])
    result = await compose()
  }
  if (result.recorded === 0) return 'skipped'
  return result.deliveryId === null ? 'empty' : 'queued'
}

const sinceFormats = new Map<Locale, Intl.DateTimeFormat>()
function formatSince(at: Date, locale: Locale): string {
  let format = sinceFormats.get(locale)
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'de-DE', {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'Europe/Berlin',
    })
    sinceFormats.set(locale, format)
  }
  return format.format(at)
}

/** New confidential threads counted per Themenraum, in the order they come (newest first). */
function countPerCategory(rows: { categoryName: string; categorySlug: string }[]): ConfidentialCount[] {
  const counts = new Map<string, ConfidentialCount>()
  for (const row of rows) {
    const entry = counts.get(row.categorySlug)
    if (entry) entry.count++
    else
      counts.set(row.categorySlug, {
        categoryName: row.categoryName,
        categoryPath: `/c/${encodeURIComponent(row.categorySlug)}`,
        count: 1,
      })
  }
  return [...counts.values()]
}

async function buildDigest(
  deps: DigestJobDeps,
  delivery: ClaimedDelivery,
  recipient: RecipientRow,
): Promise<BuiltMail | undefined> {
  const locale = recipient.locale ?? 'de'
  const rows = await digestThreads(deps.db, recipient.id, delivery.thread_ids)
  const followedRows = await followedThreads(
    deps.db,
    recipient.id,
    delivery.followed.map((f) => f.threadId),
  )
  const threads: DigestMailParams['threads'] = []
  for (const t of rows) {
    if (t.confidential) continue
    threads.push({
      id: t.id,
      title: t.title,
      categoryName: t.categoryName,
      stage: t.stage,
      authorName: t.authorName,
      organisationName: t.organisationName,
      replyCount: t.replyCount,
      excerpt: excerptOf(t.openingHtml),
    })
  }
  const confidential = countPerCategory(rows.filter((t) => t.confidential))
  const byId = new Map(followedRows.map((t) => [t.id, t]))
  const followed: DigestMailParams['followed'] = []
  const followedConfidential = { threads: 0, replies: 0 }
  for (const f of delivery.followed) {
    const thread = byId.get(f.threadId)
    if (!thread) continue
    if (thread.confidential || thread.title === null) {
      followedConfidential.threads++
      followedConfidential.replies += f.replies
    } else followed.push({ id: f.threadId, title: thread.title, replies: f.replies })
  }
  if (rows.length === 0 && followed.length === 0 && followedConfidential.threads === 0) return undefined
  const params: DigestMailParams = {
    name: recipient.name,
    since: formatSince(delivery.window_start, locale),
    frequency: delivery.period_key.startsWith('daily:') ? 'daily' : 'weekly',
    threads,
    confidential,
    more: Math.max(0, delivery.thread_count - delivery.thread_ids.length),
    followed,
    followedConfidential,
    unsubscribeUrl: unsubscribeUrl(deps.config.baseUrl, deps.unsubscribeKey, delivery.member_id),
    listHost: new URL(deps.config.baseUrl).hostname,
  }
  return buildMail(
    deps.templates,
    'digests.digest',
    params as unknown as Record<string, unknown>,
    locale,
    deps.config.baseUrl,
  )
}

async function buildNotifications(
  deps: DigestJobDeps,
  delivery: ClaimedDelivery,
  recipient: RecipientRow,
): Promise<BuiltMail | undefined> {
  const rows = await notificationsForMail(deps.db, delivery.member_id, delivery.notification_ids)
  const items: NotificationItem[] = rows
    .filter((row) => row.kind === 'reply' || row.kind === 'mention')
    .map((row) => {
      const kind = row.kind as 'reply' | 'mention'
      if (row.confidential) return { kind, confidential: true }
      return {
        kind,
        confidential: false,
        threadId: row.threadId,
        postId: row.postId,
        title: row.title,
        actorName: row.actorName,
        excerpt: excerptOf(row.postHtml, 200),
      }
    })
  if (items.length === 0) return undefined
  const params: NotificationMailParams = { name: recipient.name, items }
  return buildMail(
    deps.templates,
    'digests.notifications',
    params as unknown as Record<string, unknown>,
    recipient.locale ?? 'de',
    deps.config.baseUrl,
  )
}

export type SendOutcome = 'sent' | 'dropped' | 'skipped' | 'uncertain' | 'not-queued' | 'superseded'

/** Sends one recorded digest or notification mail, at most once (see the top of this file). */
export async function sendDelivery(deps: DigestJobDeps, deliveryId: number): Promise<SendOutcome> {
  const { db } = deps
  const delivery = await claimDelivery(db, deliveryId)
  if (!delivery) {
    const current = await deliveryStatus(db, deliveryId)
    if (current?.status !== 'sending') return 'not-queued'
    // An earlier attempt handed it over and never reported back: it may have arrived. Do not
    // send it again; let the next digest cover its threads.
    await db.transaction().execute(async (trx) => {
      if (!(await moveDelivery(trx, deliveryId, ['sending'], 'uncertain'))) return
      if (current.kind === 'digest') await carryWindowForward(trx, current.member_id, current.window_start)
    })
    deps.logger?.warn({ deliveryId, kind: current.kind }, 'delivery uncertain: not sent again')
    return 'uncertain'
  }
  const attempt = delivery.attempts
  const finish = async (status: 'dropped' | 'skipped') => {
    await moveDelivery(db, deliveryId, ['queued'], status, attempt)
    return status
  }
  const eligible = (r: RecipientRow | undefined): r is RecipientRow => r?.status === 'verified'
  const recipient = await findRecipient(db, delivery.member_id)
  if (!eligible(recipient)) return finish('dropped')
  const built =
    delivery.kind === 'digest'
      ? await buildDigest(deps, delivery, recipient)
      : await buildNotifications(deps, delivery, recipient)
  if (!built) return finish('skipped')
  // Checked again right before sending: verified now, and still this address.
  const again = await findRecipient(db, delivery.member_id)
  if (!eligible(again) || again.email !== recipient.email) return finish('dropped')

  const message = composeMessage(deps.config, { to: recipient.email, messageId: delivery.message_id, built })
  const outcome = await sendOnce(deps.transport, message, () =>
    moveDelivery(db, deliveryId, ['queued'], 'sending', attempt),
  )
  if (!outcome.sent) {
    if (outcome.superseded) return 'superseded'
    // Proven not accepted: it stays (or goes back to) queued and the job retries. Otherwise
    // it stays 'sending' and the retry marks it uncertain instead of sending it a second time.
    if (outcome.handedOver && outcome.provenNotAccepted) {
      await moveDelivery(db, deliveryId, ['sending'], 'queued', attempt)
    }
    throw outcome.error
  }
  await moveDelivery(db, deliveryId, ['queued', 'sending', 'uncertain'], 'sent', attempt)
  deps.logger?.info({ deliveryId, kind: delivery.kind }, 'mail sent')
  return 'sent'
}

// --- notification mails -------------------------------------------------------------------

export async function sweepNotifications(db: Db, at: Date, modes: NotifyMode[]): Promise<number> {
  const from = new Date(at.getTime() - notificationHorizonMs)
  const to = new Date(at.getTime() - notificationGraceMs)
  let afterId = 0
  let count = 0
  for (;;) {
    const ids = await membersWithPendingNotifications(db, { afterId, limit: batchSize, from, to, modes })
    if (ids.length === 0) break
    await addJobs(
      db,
      ids.map((memberId) => ({
        task: 'compose_notifications',
        payload: { memberId, at: at.toISOString() },
        key: `notify:${memberId}`,
        maxAttempts: 3,
      })),
    )
    count += ids.length
    afterId = ids.at(-1)!
    if (ids.length < batchSize) break
  }
  return count
}

export async function composeNotifications(
  deps: Pick<DigestJobDeps, 'config' | 'db'>,
  job: { memberId: number; at: string },
): Promise<ComposeOutcome> {
  const at = new Date(job.at)
  return deps.db.transaction().execute(async (trx) => {
    const member = await lockMemberForMail(trx, job.memberId)
    if (member?.status !== 'verified') return 'not-eligible'
    if (member.notifyMode === 'never') return 'not-due'
    const pending = await pendingNotifications(trx, {
      memberId: job.memberId,
      from: new Date(at.getTime() - notificationHorizonMs),
      to: new Date(at.getTime() - notificationGraceMs),
      limit: maxNotificationsPerMail,
    })
    if (pending.length === 0) return 'empty'
    const ids = pending.map((n) => n.id)
    const key = `n:${ids.at(-1)}`
    const deliveryId = await insertDelivery(trx, {
      memberId: job.memberId,
      kind: 'notifications',
      periodKey: key,
      windowStart: pending[0]!.createdAt,
      windowEnd: at,
      notificationIds: ids,
      messageId: messageId(deps.config, 'notifications', key, job.memberId),
    })
    if (deliveryId === undefined) return 'skipped'
    await markNotificationsMailed(trx, deliveryId, ids)
    await noteNotificationMail(trx, job.memberId, at)
    await addJob(trx, {
      task: 'send_notifications',
      payload: { deliveryId },
      key: `delivery:${deliveryId}`,
      maxAttempts: 12,
    })
    return 'queued'
  })
}

// --- wiring -------------------------------------------------------------------------------

interface CronPayload {
  _cron?: { ts: string }
  at?: string
}

const atOf = (payload: unknown) => {
  const p = (payload ?? {}) as CronPayload
  return new Date(p._cron?.ts ?? p.at ?? Date.now())
}

/** The digests feature's tasks and cron items for the job registry (src/jobs.ts). */
export function digestJobs(deps: JobDeps): FeatureJobs {
  return {
    tasks: digestTasks({ ...deps, unsubscribeKey: deps.deriveKey(unsubscribeKeyPurpose) }),
    cronItems: digestCronItems(),
  }
}

export function digestTasks(deps: DigestJobDeps): TaskList {
  return {
    schedule_digests: async (payload) => {
      const at = atOf(payload)
      // The cron fires every hour (graphile-worker's cron runs in UTC); act at the Berlin hour.
      if ((payload as CronPayload)?._cron && !isDigestHour(at, deps.config)) return
      const count = await scheduleDigests(deps.db, deps.config, at)
      deps.logger?.info({ count }, 'digests scheduled')
    },
    compose_digest: async (payload, helpers) => {
      await composeDigest(deps, payload as { memberId: number; period: string; cutoff: string }, (query) =>
        helpers.withPgClient(async (client) => (await client.query(query)).rows),
      )
    },
    send_digest: async (payload) => {
      await sendDelivery(deps, (payload as { deliveryId: number }).deliveryId)
    },
    sweep_notifications: async (payload) => {
      const at = atOf(payload)
      const fullHour = at.getUTCMinutes() === 0
      await sweepNotifications(deps.db, at, fullHour ? ['immediately', 'hourly'] : ['immediately'])
      if (fullHour) {
        await pruneMailedNotifications(deps.db, new Date(at.getTime() - 2 * notificationHorizonMs))
        await pruneOldDeliveries(deps.db, new Date(at.getTime() - 60 * 86_400_000))
      }
    },
    compose_notifications: async (payload) => {
      await composeNotifications(deps, payload as { memberId: number; at: string })
    },
    send_notifications: async (payload) => {
      await sendDelivery(deps, (payload as { deliveryId: number }).deliveryId)
    },
  }
}

export function digestCronItems(): CronItem[] {
  return [
    {
      task: 'schedule_digests',
      match: '0 * * * *',
      identifier: 'schedule_digests',
      // After a restart, runs that were missed in the last hours still happen.
      options: { backfillPeriod: 6 * 3600_000, maxAttempts: 3 },
    },
    {
      task: 'sweep_notifications',
      match: '* * * * *',
      identifier: 'sweep_notifications',
      options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'sweep_notifications' },
    },
  ]
}
