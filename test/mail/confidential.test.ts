// A confidential thread leaves the forum with nothing that identifies it, in every kind of mail
// the app sends. The test walks the app's template registry (src/jobs.ts): each template needs
// a scenario here that involves a confidential thread, so a new template fails this test until
// it has one. Everything goes through the real queue into a real SMTP server; subject, text,
// HTML and headers of every mail are searched for the thread's title, author, organisation,
// text, tag, the names and words of its replies, and its address. An open thread beside it must
// show up (so the search can fail).
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.ts'
import { enqueueMail, type QueuedMail } from '../../src/core/mail/mail.queue.ts'
import { smtpTransport } from '../../src/core/mail/mail.transport.ts'
import { scheduleDigests, sweepNotifications } from '../../src/features/digests/digests.jobs.ts'
import {
  mailHourlySummaries,
  setMailMode,
  startConversation,
} from '../../src/features/messages/messages.service.ts'
import { mailTemplates } from '../../src/jobs.ts'
import { attachFileToPost, pdfFile } from '../attachments/helpers.ts'
import {
  allTasks,
  createCategory,
  createReply,
  createThread,
  follow,
  longtimeMember,
  minutesAgo,
  notify,
  setDigestSettings,
} from '../digests/fixtures.ts'
import { testConfig } from '../helpers/app.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { createOrganisation } from '../helpers/factories.ts'
import { runDueJobs } from './queue.ts'
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './smtp-sink.ts'

let database: TestDatabase
let sink: SmtpSink
let config: Config

const secret = {
  title: 'Erfahrungen nach einem Ransomware-Vorfall',
  titleWord: 'Ransomware',
  author: 'Kora Konfidenz',
  organisation: 'Stadt Verschwiegenheim',
  body: 'Lösegeldforderung über XQ-4711 Bitcoin',
  bodyWord: 'XQ-4711',
  tag: 'krisenstab-intern',
  replier: 'Rolf Replik',
  reply: 'Unsere Backups waren XQ-0815 verschlüsselt',
  replyWord: 'XQ-0815',
  mentioner: 'Mia Mention',
  /** A file on the confidential reply: mail names no file and links to none. */
  attachment: 'Wiederanlaufplan-Krisenstab.pdf',
}
const open = { title: 'Offenes Kontrollthema zur E-Akte', author: 'Otto Offen' }

/** What the scenarios share: the confidential thread and its posts. */
interface World {
  categoryId: number
  thread: { id: number; openingPostId: number }
  replyIds: number[]
}
let world: World

/** Who receives which template's mail (each scenario its own recipients). */
const recipients = new Map<string, string[]>()
const to = (template: string, address: string) => {
  recipients.set(template, [...(recipients.get(template) ?? []), address])
  return address
}

/** An account-type mail queued the way its feature queues it; the recipient is someone else. */
const accountMail = (template: string, params: QueuedMail['params']) => async () => {
  await enqueueMail(database.db, {
    template,
    to: to(template, `${template.replace(/\W/g, '-')}@stadt-empfang.de`),
    locale: 'de',
    params: { name: 'Erna Empfang', ...params },
  })
}

/**
 * One scenario per template. Mails about threads go through their real composing code with the
 * confidential thread in them; the others are queued with the parameters their features pass.
 */
const scenarios: Record<string, () => Promise<void>> = {
  'account.confirm_email': accountMail('account.confirm_email', { token: 'confirm-token-0123456789abcdef' }),
  'account.already_registered': accountMail('account.already_registered', {}),
  'account.reset_password': accountMail('account.reset_password', { token: 'reset-token-0123456789abcdef' }),
  'account.change_email': accountMail('account.change_email', { token: 'change-token-0123456789abcdef' }),
  'account.approved': accountMail('account.approved', {}),
  'account.rejected': accountMail('account.rejected', { reason: 'Keine kommunale Adresse' }),
  'account.question': accountMail('account.question', {
    question: 'Für welche Stelle arbeiten Sie?',
    contact: 'moderation@vertrauensraum.test',
  }),
  'account.suspended': accountMail('account.suspended', {
    reason: 'Verstoß gegen die Regeln',
    until: '1. Januar',
  }),
  'account.invitation': accountMail('account.invitation', {
    inviter: 'Ina Einladend',
    note: 'Schau dir das Forum an',
    token: 'invite-token-0123456789abcdef',
  }),
  'account.reconfirm': accountMail('account.reconfirm', {
    graceDays: 14,
    token: 'reconfirm-token-0123456789ab',
  }),
  'account.reconfirm_review': accountMail('account.reconfirm_review', {}),
  'account.unlock_sign_in': accountMail('account.unlock_sign_in', { token: 'unlock-token-0123456789abcdef' }),
  'account.email_in_use': accountMail('account.email_in_use', {}),
  'account.second_factor_enrolled': accountMail('account.second_factor_enrolled', {}),
  'account.recovery_code_used': accountMail('account.recovery_code_used', { left: 9 }),
  'account.recovery_codes_renewed': accountMail('account.recovery_codes_renewed', {}),
  'account.second_factor_disabled': accountMail('account.second_factor_disabled', {}),
  'account.second_factor_reset': accountMail('account.second_factor_reset', {}),
  'account.second_factor_locked': accountMail('account.second_factor_locked', {}),
  // The export holds the member's posts, confidential ones too: the mail only links to it.
  'account.data_export_ready': accountMail('account.data_export_ready', { days: 7 }),
  'account.deleted': accountMail('account.deleted', {}),
  // A guest is invited into an open thread only (a confidential one refuses guests); the mail
  // gets nothing but the token and the days, as features/guests passes them.
  'guests.invitation': accountMail('guests.invitation', { token: 'guest-token-0123456789abcdef', days: 90 }),
  // A warning about a reported post in the confidential thread (moderation's reports service
  // passes the author's name and the moderator's reason, nothing of the post).
  'moderation.warning': async () => {
    const warned = await memberNamed('Wanda Warnung')
    const post = await createReply(database.db, {
      threadId: world.thread.id,
      authorId: warned.id,
      parentId: world.thread.openingPostId,
      body: `Gemeldeter Beitrag zu ${secret.reply}`,
      createdAt: minutesAgo(40),
    })
    world.replyIds.push(post)
    await enqueueMail(database.db, {
      template: 'moderation.warning',
      to: to('moderation.warning', 'wanda@stadt-warnung.de'),
      locale: 'de',
      params: { name: 'Wanda Warnung', reason: 'Bitte bleiben Sie sachlich.' },
    })
  },

  // A direct message from the confidential thread's author about it: the mail names neither the
  // sender nor anything of the text (messages feature, through its real service).
  'messages.new': async () => {
    const reader = await longtimeMember(database.db, { name: 'Dana Direkt' })
    to('messages.new', reader.email)
    await startConversation(database.db, authorAsSender(), {
      to: [reader.id],
      body: `Zu ${secret.title}: ${secret.body} #${secret.tag}`,
      formKey: '',
    })
  },

  // The hourly summary of direct messages (one of them about the confidential thread).
  'messages.summary': async () => {
    const reader = await longtimeMember(database.db, { name: 'Stella Stündlich' })
    to('messages.summary', reader.email)
    await setMailMode(database.db, { ...authorAsSender(), id: reader.id }, 'hourly')
    await startConversation(database.db, authorAsSender(), {
      to: [reader.id],
      body: `Zu ${secret.title}: ${secret.reply}`,
      formKey: '',
    })
    await mailHourlySummaries(database.db)
  },

  'digests.digest': async () => {
    // A reader whose digest has the confidential thread as new, and who follows it.
    const reader = await longtimeMember(database.db, { name: 'Rita Digest' })
    to('digests.digest', reader.email)
    await setDigestSettings(database.db, reader.id, { frequency: 'daily' })
    await database.db
      .updateTable('member_digest_settings')
      .set({ digest_watermark: minutesAgo(120), digest_period: 'daily:earlier' })
      .where('member_id', '=', reader.id)
      .execute()
    await follow(database.db, reader.id, world.thread.id)
    await scheduleDigests(database.db, config, new Date())
  },

  'digests.notifications': async () => {
    // A member who wrote in the confidential thread gets a reply and a mention there.
    const member = await longtimeMember(database.db, { name: 'Nina Notiz' })
    to('digests.notifications', member.email)
    const own = await createReply(database.db, {
      threadId: world.thread.id,
      authorId: member.id,
      parentId: world.thread.openingPostId,
      body: 'Wir hatten das auch.',
      createdAt: minutesAgo(20),
    })
    const replier = await memberNamed(secret.replier)
    const reply = await createReply(database.db, {
      threadId: world.thread.id,
      authorId: replier.id,
      parentId: own,
      body: secret.reply,
      createdAt: minutesAgo(10),
    })
    const mentioner = await memberNamed(secret.mentioner)
    const mention = await createReply(database.db, {
      threadId: world.thread.id,
      authorId: mentioner.id,
      parentId: world.thread.openingPostId,
      body: `Frag doch @Nina_Notiz zu ${secret.reply}`,
      createdAt: minutesAgo(10),
    })
    world.replyIds.push(own, reply, mention)
    for (const [kind, postId, actorId] of [
      ['reply', reply, replier.id],
      ['mention', mention, mentioner.id],
    ] as const) {
      await notify(database.db, {
        memberId: member.id,
        kind,
        threadId: world.thread.id,
        postId,
        actorId,
        createdAt: minutesAgo(10),
      })
    }
    // The same in an open thread: that one is named, so the search below can find something.
    const openThread = await createThread(database.db, {
      categoryId: world.categoryId,
      authorId: member.id,
      title: open.title,
      createdAt: minutesAgo(30),
    })
    const otto = await memberNamed(open.author)
    const openReply = await createReply(database.db, {
      threadId: openThread.id,
      authorId: otto.id,
      parentId: openThread.openingPostId,
      createdAt: minutesAgo(10),
    })
    await notify(database.db, {
      memberId: member.id,
      kind: 'reply',
      threadId: openThread.id,
      postId: openReply,
      actorId: otto.id,
      createdAt: minutesAgo(10),
    })
    await sweepNotifications(database.db, new Date(), ['immediately'])
  },
}

const people = new Map<string, { id: number }>()
/** The confidential thread's author as the sender of a direct message. */
const authorAsSender = () => ({
  id: people.get(secret.author)!.id,
  name: secret.author,
  role: 'member' as const,
  status: 'verified' as const,
  locale: null,
  organisationId: 0,
})
async function memberNamed(name: string) {
  let member = people.get(name)
  if (!member) {
    member = await longtimeMember(database.db, { name })
    await setDigestSettings(database.db, member.id, { frequency: 'never', notifyMode: 'never' })
    people.set(name, member)
  }
  return member
}

beforeAll(async () => {
  database = await createTestDatabase()
  sink = await startSmtpSink()
  config = testConfig({ SMTP_URL: sink.url })
  const db = database.db
  const category = await createCategory(db, 'Informationssicherheit')
  const organisation = await createOrganisation(db, { name: secret.organisation })
  const author = await longtimeMember(db, { name: secret.author, organisationId: organisation.id })
  await setDigestSettings(db, author.id, { frequency: 'never', notifyMode: 'never' })
  people.set(secret.author, author)
  const thread = await createThread(db, {
    categoryId: category.id,
    authorId: author.id,
    title: secret.title,
    body: secret.body,
    confidential: true,
    stage: 'pilot',
    createdAt: minutesAgo(60),
  })
  await sql`insert into thread_tags (thread_id, tag) values (${thread.id}, ${secret.tag})`.execute(db)
  world = { categoryId: category.id, thread, replyIds: [] }
  // A reply by someone else in the followed confidential thread (for the digest's followed part).
  const replier = await memberNamed(secret.replier)
  world.replyIds.push(
    await createReply(db, {
      threadId: thread.id,
      authorId: replier.id,
      parentId: thread.openingPostId,
      body: secret.reply,
      createdAt: minutesAgo(50),
    }),
  )
  await attachFileToPost(
    db,
    { id: world.replyIds[0]!, authorId: replier.id },
    { name: secret.attachment, content: pdfFile(), mediaType: 'application/pdf' },
  )
  // An open thread in the same digest window: it must be named in the digest.
  const otto = await memberNamed(open.author)
  await createThread(db, { categoryId: category.id, authorId: otto.id, title: `${open.title} (Digest)` })

  for (const scenario of Object.values(scenarios)) await scenario()
  await runDueJobs(database.url, allTasks(config, db, smtpTransport(sink.url)))
}, 120_000)

afterAll(async () => {
  await sink?.close()
  await database?.drop()
})

const mailsOf = (template: string): ReceivedMail[] =>
  sink.accepted().filter((m) => m.envelopeTo.some((address) => recipients.get(template)?.includes(address)))

/** Every part of a mail a provider can read. */
function readable(mail: ReceivedMail): Record<string, string> {
  return {
    subject: mail.parsed.subject ?? '',
    text: mail.parsed.text ?? '',
    html: typeof mail.parsed.html === 'string' ? mail.parsed.html : '',
    headers: mail.parsed.headerLines.map((h) => h.line).join('\n'),
  }
}

describe('every mail the app sends, with a confidential thread involved', () => {
  it('has a scenario for every template in the registry', () => {
    expect(Object.keys(scenarios).sort()).toEqual(Object.keys(mailTemplates).sort())
  })

  it('was sent: at least one mail of each template arrived', () => {
    for (const template of Object.keys(mailTemplates)) {
      expect(mailsOf(template).length, template).toBeGreaterThan(0)
    }
  })

  it('carries no title, author, organisation, text, tag, reply or address of the thread', () => {
    const forbidden = [
      ...Object.values(secret),
      `/t/${world.thread.id}`,
      '/files/',
      ...[world.thread.openingPostId, ...world.replyIds].map((id) => `/p/${id}`),
    ]
    for (const mail of sink.received) {
      for (const [part, content] of Object.entries(readable(mail))) {
        for (const word of forbidden) {
          expect(content, `${part} of the mail to ${mail.envelopeTo.join(', ')}`).not.toContain(word)
        }
      }
    }
  })

  it('still says that there is something new, and where to look', () => {
    const [digest] = mailsOf('digests.digest')
    expect(digest!.parsed.text).toContain('Vertraulich: 1 neues Thema im Themenraum Informationssicherheit')
    expect(digest!.parsed.text).toMatch(/Vertraulich: \d+ neue Antworten? in 1 Thema, dem Sie folgen/)
    expect(digest!.parsed.text).toContain(`${open.title} (Digest)`)
    const [notification] = mailsOf('digests.notifications')
    expect(notification!.parsed.text).toContain('Es gibt etwas Neues für Sie in einem vertraulichen Thema.')
    expect(notification!.parsed.text).toContain('http://forum.test/notifications')
    expect(notification!.parsed.text).toContain(open.title)
    expect(notification!.parsed.text).toContain(open.author)
  })
})
