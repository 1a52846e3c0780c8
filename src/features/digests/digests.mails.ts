// The digest and notification mails: text and HTML parts that say the same thing. Titles,
// names and excerpts are member input, so the HTML escapes everything; of confidential
// threads the digest shows the title only and a notification shows nothing at all.
import { escapeHtml, type MailContext, registerMailTemplate } from '../../core/mail/mail.templates.ts'

export interface DigestThreadItem {
  id: number
  title: string
  categoryName: string
  stage: string
  authorName: string
  organisationName: string
  replyCount: number
  confidential: boolean
  excerpt: string
}

export interface DigestMailParams {
  name: string
  since: string
  frequency: 'daily' | 'weekly'
  threads: DigestThreadItem[]
  more: number
  followed: { id: number; title: string; replies: number }[]
  unsubscribeUrl: string
  listHost: string
}

export interface NotificationItem {
  kind: 'reply' | 'mention'
  threadId: number
  postId: number
  confidential: boolean
  title: string
  actorName: string | null
  excerpt: string
}

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

const html = (body: string, c: MailContext, title: string) =>
  `<!doctype html><html lang="${c.locale}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;line-height:1.5;max-width:40em">\n${body}\n</body></html>`

function digestSubject(p: DigestMailParams, c: MailContext): string {
  const threads = p.threads.length + p.more
  const replies = p.followed.reduce((sum, f) => sum + f.replies, 0)
  if (threads > 0 && replies > 0) return c.t('digestMail.subject', { threads, replies })
  if (threads > 0) return c.t('digestMail.subjectThreads', { threads })
  return c.t('digestMail.subjectReplies', { replies })
}

export function digestMail(params: Record<string, unknown>, c: MailContext) {
  const p = params as unknown as DigestMailParams
  const subject = digestSubject(p, c)
  const settingsUrl = `${c.baseUrl}/account/digest`
  const forumUrl = `${c.baseUrl}/`
  const stage = (s: string) => c.t(`digestMail.stage.${s}`)
  const meta = (t: DigestThreadItem) =>
    c.t('digestMail.meta', {
      category: t.categoryName,
      stage: stage(t.stage),
      author: t.authorName,
      organisation: t.organisationName,
      replies: t.replyCount,
    })

  const text: string[] = [
    c.t('digestMail.greeting', { name: p.name }),
    '',
    c.t('digestMail.intro', { since: p.since }),
    '',
  ]
  const body: string[] = [
    `<p>${escapeHtml(c.t('digestMail.greeting', { name: p.name }))}</p>`,
    `<p>${escapeHtml(c.t('digestMail.intro', { since: p.since }))}</p>`,
  ]
  if (p.threads.length > 0) {
    text.push(`== ${c.t('digestMail.newThreads')} ==`, '')
    body.push(`<h2>${escapeHtml(c.t('digestMail.newThreads'))}</h2>`)
    for (const t of p.threads) {
      const url = threadUrl(c.baseUrl, t.id)
      if (t.confidential) {
        text.push(`* ${t.title} (${c.t('digestMail.confidential')})`, `  ${url}`, '')
        body.push(
          `<h3><a href="${escapeHtml(url)}">${escapeHtml(t.title)}</a> <small>(${escapeHtml(c.t('digestMail.confidential'))})</small></h3>`,
        )
        continue
      }
      text.push(`* ${t.title}`, `  ${meta(t)}`)
      if (t.excerpt) text.push(`  ${t.excerpt}`)
      text.push(`  ${url}`, '')
      body.push(
        `<h3><a href="${escapeHtml(url)}">${escapeHtml(t.title)}</a></h3>`,
        `<p style="color:#555;margin-top:0">${escapeHtml(meta(t))}</p>`,
        ...(t.excerpt ? [`<p>${escapeHtml(t.excerpt)}</p>`] : []),
      )
    }
    if (p.more > 0) {
      text.push(c.t('digestMail.more', { count: p.more }), forumUrl, '')
      body.push(
        `<p>${escapeHtml(c.t('digestMail.more', { count: p.more }))} <a href="${escapeHtml(forumUrl)}">${escapeHtml(c.t('digestMail.allThreads'))}</a></p>`,
      )
    }
  }
  if (p.followed.length > 0) {
    text.push(`== ${c.t('digestMail.followed')} ==`, '')
    body.push(`<h2>${escapeHtml(c.t('digestMail.followed'))}</h2>`, '<ul>')
    for (const f of p.followed) {
      const line = c.t('digestMail.followedLine', { title: f.title, count: f.replies })
      const url = unreadUrl(c.baseUrl, f.id)
      text.push(`* ${line}`, `  ${url}`, '')
      body.push(`<li><a href="${escapeHtml(url)}">${escapeHtml(line)}</a></li>`)
    }
    body.push('</ul>')
  }
  const frequency = c.t(`digestMail.frequency.${p.frequency}`)
  text.push(
    '-- ',
    frequency,
    `${c.t('digestMail.settings')}: ${settingsUrl}`,
    `${c.t('digestMail.unsubscribe')}: ${p.unsubscribeUrl}`,
    '',
    c.t('mail.footer'),
  )
  body.push(
    '<hr>',
    `<p style="color:#555">${escapeHtml(frequency)} <a href="${escapeHtml(settingsUrl)}">${escapeHtml(c.t('digestMail.settings'))}</a> · <a href="${escapeHtml(p.unsubscribeUrl)}">${escapeHtml(c.t('digestMail.unsubscribe'))}</a></p>`,
    `<p style="color:#555">${escapeHtml(c.t('mail.footer'))}</p>`,
  )
  return {
    subject,
    text: text.join('\n'),
    html: html(body.join('\n'), c, subject),
    headers: {
      'List-Id': `${c.t('digestMail.listName')} <digest.${p.listHost}>`,
      'List-Unsubscribe': `<${p.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  }
}

export function notificationMail(params: Record<string, unknown>, c: MailContext) {
  const p = params as unknown as NotificationMailParams
  const subject =
    p.items.length === 1
      ? c.t('notifyMail.subjectOne')
      : c.t('notifyMail.subjectMany', { count: p.items.length })
  const settingsUrl = `${c.baseUrl}/account/digest`
  const text: string[] = [c.t('notifyMail.greeting', { name: p.name }), '', c.t('notifyMail.intro'), '']
  const body: string[] = [
    `<p>${escapeHtml(c.t('notifyMail.greeting', { name: p.name }))}</p>`,
    `<p>${escapeHtml(c.t('notifyMail.intro'))}</p>`,
    '<ul>',
  ]
  for (const item of p.items) {
    // Confidential: that there is something, and where. No title, no text, no names.
    const url = item.confidential ? threadUrl(c.baseUrl, item.threadId) : postUrl(c.baseUrl, item.postId)
    const line = item.confidential
      ? c.t('notifyMail.confidential')
      : c.t(item.kind === 'mention' ? 'notifyMail.mention' : 'notifyMail.reply', {
          actor: item.actorName ?? c.t('notifyMail.someone'),
          title: item.title,
        })
    const excerpt = item.confidential ? '' : item.excerpt
    text.push(`* ${line}`, ...(excerpt ? [`  „${excerpt}“`] : []), `  ${url}`, '')
    body.push(
      `<li><p>${escapeHtml(line)}</p>${excerpt ? `<blockquote>${escapeHtml(excerpt)}</blockquote>` : ''}<p><a href="${escapeHtml(url)}">${escapeHtml(c.t('notifyMail.open'))}</a></p></li>`,
    )
  }
  body.push('</ul>')
  text.push('-- ', `${c.t('notifyMail.settings')}: ${settingsUrl}`, '', c.t('mail.footer'))
  body.push(
    '<hr>',
    `<p style="color:#555"><a href="${escapeHtml(settingsUrl)}">${escapeHtml(c.t('notifyMail.settings'))}</a></p>`,
    `<p style="color:#555">${escapeHtml(c.t('mail.footer'))}</p>`,
  )
  return { subject, text: text.join('\n'), html: html(body.join('\n'), c, subject) }
}

registerMailTemplate('digests.digest', digestMail)
registerMailTemplate('digests.notifications', notificationMail)
