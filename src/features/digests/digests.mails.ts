// The digest and notification mails: text and HTML parts that say the same thing.
// - A confidential thread leaves the forum with nothing that identifies it: the digest counts
//   new confidential threads per Themenraum (with a link to the Themenraum) and new replies in
//   followed confidential threads (with a link to the forum); a notification says only that
//   there is something new in a confidential thread (with a link to the notifications). The
//   queries do not even read their titles, names or text (digests.repository.ts).
// - Member text (titles, names, excerpts) is single-line (buildMail) and never starts a line:
//   every line begins with our own words, a bullet and a quotation mark, or an indented quote.
//   In HTML it is escaped and isolated in <bdi>.

import {
  type BuiltMail,
  escapeHtml,
  type MailContext,
  type MailTemplate,
  type MailTemplates,
} from '../../core/mail/mail.templates.ts'
import { isolateMemberText } from '../../core/mail/member-text.ts'

export interface DigestThreadItem {
  id: number
  title: string
  categoryName: string
  stage: string
  authorName: string
  organisationName: string
  replyCount: number
  excerpt: string
}

export interface ConfidentialCount {
  categoryName: string
  /** The Themenraum's address path, e.g. /c/ki. */
  categoryPath: string
  count: number
}

export interface DigestMailParams {
  name: string
  since: string
  frequency: 'daily' | 'weekly'
  /** Threads that are not confidential, listed one by one. */
  threads: DigestThreadItem[]
  /** New confidential threads, counted per Themenraum. */
  confidential: ConfidentialCount[]
  /** New threads beyond those listed or counted. */
  more: number
  followed: { id: number; title: string; replies: number }[]
  /** New replies in followed confidential threads, counted. */
  followedConfidential: { threads: number; replies: number }
  unsubscribeUrl: string
  listHost: string
}

export type NotificationItem =
  | {
      kind: 'reply' | 'mention'
      confidential: false
      threadId: number
      postId: number
      title: string
      actorName: string | null
      excerpt: string
    }
  | { kind: 'reply' | 'mention'; confidential: true }

export interface NotificationMailParams {
  name: string
  items: NotificationItem[]
}

/** A thread's address in the forum. */
export const threadUrl = (baseUrl: string, id: number) => `${baseUrl}/t/${id}`
/** Jumps to the first reply the reader has not seen. */
export const unreadUrl = (baseUrl: string, id: number) => `${baseUrl}/t/${id}/unread`
/** A post's permalink (redirects into its thread). */
export const postUrl = (baseUrl: string, postId: number) => `${baseUrl}/p/${postId}`

/** Plain text from sanitised post HTML, cut at a word boundary. */
export function excerptOf(html: string | null | undefined, max = 240): string {
  if (!html) return ''
  const text = html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/<[^>]*$/, ' ') // a tag cut off by the length limit of the query
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  const space = cut.lastIndexOf(' ')
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()} …`
}

/** Text and HTML built side by side, so that both parts say the same thing. */
class MailBody {
  readonly text: string[] = []
  readonly html: string[] = []

  /** Our own sentence (member text inside it is isolated in HTML). */
  paragraph(sentence: string, memberText: readonly string[] = []) {
    this.text.push(sentence, '')
    this.html.push(`<p>${isolateMemberText(sentence, memberText)}</p>`)
  }

  heading(title: string) {
    this.text.push(`== ${title} ==`, '')
    this.html.push(`<h2>${escapeHtml(title)}</h2>`)
  }

  /** A list entry: a bullet line of ours, indented lines below it, the link last. */
  entry(
    line: { text: string; memberText?: readonly string[]; url: string; linkLabel?: string },
    details: { text: string; memberText?: readonly string[]; quote?: boolean }[] = [],
  ) {
    this.text.push(`* ${line.text}`, ...details.map((d) => `  ${d.text}`), `  ${line.url}`, '')
    const head = isolateMemberText(line.text, line.memberText ?? [])
    const link = escapeHtml(line.url)
    this.html.push(
      line.linkLabel
        ? `<h3>${head}</h3><p><a href="${link}">${escapeHtml(line.linkLabel)}</a></p>`
        : `<h3><a href="${link}">${head}</a></h3>`,
      ...details.map((d) =>
        d.quote
          ? `<blockquote>${isolateMemberText(d.text, d.memberText ?? [])}</blockquote>`
          : `<p style="color:#555;margin-top:0">${isolateMemberText(d.text, d.memberText ?? [])}</p>`,
      ),
    )
  }

  footer(lines: { text: string; url?: string }[], c: MailContext) {
    this.text.push(
      '-- ',
      ...lines.map((l) => (l.url ? `${l.text}: ${l.url}` : l.text)),
      '',
      c.t('mail.footer'),
    )
    this.html.push(
      '<hr>',
      `<p style="color:#555">${lines
        .map((l) => (l.url ? `<a href="${escapeHtml(l.url)}">${escapeHtml(l.text)}</a>` : escapeHtml(l.text)))
        .join(' · ')}</p>`,
      `<p style="color:#555">${escapeHtml(c.t('mail.footer'))}</p>`,
    )
  }

  build(c: MailContext, subject: string, headers?: Record<string, string>): BuiltMail {
    return {
      subject,
      text: this.text.join('\n'),
      html: `<!doctype html><html lang="${c.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;line-height:1.5;max-width:40em">\n${this.html.join('\n')}\n</body></html>`,
      ...(headers ? { headers } : {}),
    }
  }
}

function digestSubject(p: DigestMailParams, c: MailContext): string {
  const threads = p.threads.length + p.confidential.reduce((sum, x) => sum + x.count, 0) + p.more
  const replies = p.followed.reduce((sum, f) => sum + f.replies, 0) + p.followedConfidential.replies
  if (threads > 0 && replies > 0) return c.t('digestMail.subject', { threads, replies })
  if (threads > 0) return c.t('digestMail.subjectThreads', { threads })
  return c.t('digestMail.subjectReplies', { replies })
}

export const digestMail: MailTemplate = (params, c) => {
  const p = params as unknown as DigestMailParams
  const subject = digestSubject(p, c)
  const forumUrl = `${c.baseUrl}/`
  const body = new MailBody()
  body.paragraph(c.t('digestMail.greeting', { name: p.name }), [p.name])
  body.paragraph(c.t('digestMail.intro', { since: p.since }))

  if (p.threads.length > 0 || p.confidential.length > 0 || p.more > 0) {
    body.heading(c.t('digestMail.newThreads'))
    for (const t of p.threads) {
      const meta = c.t('digestMail.meta', {
        category: t.categoryName,
        stage: c.t(`discussions.stage.${t.stage}`),
        author: t.authorName,
        organisation: t.organisationName,
        replies: t.replyCount,
      })
      body.entry(
        {
          text: c.t('digestMail.title', { title: t.title }),
          memberText: [t.title],
          url: threadUrl(c.baseUrl, t.id),
        },
        [
          { text: meta, memberText: [t.categoryName, t.authorName, t.organisationName] },
          ...(t.excerpt
            ? [
                {
                  text: c.t('digestMail.excerpt', { excerpt: t.excerpt }),
                  memberText: [t.excerpt],
                  quote: true,
                },
              ]
            : []),
        ],
      )
    }
    for (const group of p.confidential) {
      body.entry({
        text: c.t('digestMail.confidential', { count: group.count, category: group.categoryName }),
        memberText: [group.categoryName],
        url: `${c.baseUrl}${group.categoryPath}`,
        linkLabel: c.t('digestMail.openCategory'),
      })
    }
    if (p.more > 0)
      body.entry({
        text: c.t('digestMail.more', { count: p.more }),
        url: forumUrl,
        linkLabel: c.t('digestMail.allThreads'),
      })
  }
  if (p.followed.length > 0 || p.followedConfidential.threads > 0) {
    body.heading(c.t('digestMail.followed'))
    for (const f of p.followed) {
      body.entry({
        text: c.t('digestMail.followedLine', { title: f.title, count: f.replies }),
        memberText: [f.title],
        url: unreadUrl(c.baseUrl, f.id),
      })
    }
    if (p.followedConfidential.threads > 0) {
      body.entry({
        text: c.t('digestMail.followedConfidential', p.followedConfidential),
        url: forumUrl,
        linkLabel: c.t('digestMail.openForum'),
      })
    }
  }
  body.footer(
    [
      { text: c.t(`digestMail.frequency.${p.frequency}`) },
      { text: c.t('digestMail.settings'), url: `${c.baseUrl}/account/digest` },
      { text: c.t('digestMail.unsubscribe'), url: p.unsubscribeUrl },
    ],
    c,
  )
  return body.build(c, subject, {
    'List-Id': `${c.t('digestMail.listName')} <digest.${p.listHost}>`,
    'List-Unsubscribe': `<${p.unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  })
}

export const notificationMail: MailTemplate = (params, c) => {
  const p = params as unknown as NotificationMailParams
  const subject =
    p.items.length === 1
      ? c.t('notifyMail.subjectOne')
      : c.t('notifyMail.subjectMany', { count: p.items.length })
  const body = new MailBody()
  body.paragraph(c.t('notifyMail.greeting', { name: p.name }), [p.name])
  body.paragraph(c.t('notifyMail.intro'))
  for (const item of p.items) {
    if (item.confidential) {
      // That there is something, and where to look. No title, no text, no names, no thread.
      body.entry({
        text: c.t('notifyMail.confidential'),
        url: `${c.baseUrl}/notifications`,
        linkLabel: c.t('notifyMail.open'),
      })
      continue
    }
    const actor = item.actorName ?? c.t('notifyMail.someone')
    body.entry(
      {
        text: c.t(item.kind === 'mention' ? 'notifyMail.mention' : 'notifyMail.reply', {
          actor,
          title: item.title,
        }),
        memberText: [actor, item.title],
        url: postUrl(c.baseUrl, item.postId),
        linkLabel: c.t('notifyMail.open'),
      },
      item.excerpt
        ? [
            {
              text: c.t('notifyMail.excerpt', { excerpt: item.excerpt }),
              memberText: [item.excerpt],
              quote: true,
            },
          ]
        : [],
    )
  }
  body.footer([{ text: c.t('notifyMail.settings'), url: `${c.baseUrl}/account/digest` }], c)
  return body.build(c, subject)
}

export const digestMailTemplates: MailTemplates = {
  'digests.digest': digestMail,
  'digests.notifications': notificationMail,
}
