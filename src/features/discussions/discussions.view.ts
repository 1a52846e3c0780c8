// What every discussions page hands its templates beside its own data: labels that the
// per-post partials print many times (translated once per locale, not once per post),
// stage names and limits. page() and fragment() add them.
import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Locale } from '../../db/schema.ts'
import { translate } from '../../i18n/index.ts'
import type { ViewData, ViewTools } from '../../plugins/views.ts'
import { type UploadFieldView, uploadField } from '../attachments/attachments.service.ts'
import { limits } from './discussions.schemas.ts'
import { type Stage, stages } from './discussions.tables.ts'
import { isStaff } from './permissions.ts'
import type { PostView } from './thread-page.ts'

const labelKeys = {
  reply: 'discussions.post.reply',
  edit: 'discussions.post.edit',
  delete: 'discussions.post.delete',
  deleted: 'discussions.post.deleted',
  edited: 'discussions.post.edited',
  inReplyTo: 'discussions.post.inReplyTo',
  new: 'discussions.post.new',
  helpful: 'discussions.post.helpful',
  revisions: 'discussions.post.revisions',
  answer: 'discussions.post.answer',
  answers: 'discussions.post.answers',
  permalink: 'discussions.post.permalink',
  moderator: 'discussions.post.staff.moderator',
  admin: 'discussions.post.staff.admin',
  report: 'discussions.post.report',
  hidden: 'discussions.post.hidden',
  hiddenForOthers: 'discussions.post.hiddenForOthers',
  moderatorNote: 'discussions.post.moderatorNote',
} as const

type Labels = Record<keyof typeof labelKeys, string>
const labelCache = new Map<Locale, Labels>()

export function labelsFor(locale: Locale): Labels {
  let labels = labelCache.get(locale)
  if (!labels) {
    labels = Object.fromEntries(
      Object.entries(labelKeys).map(([name, key]) => [name, translate(locale, key)]),
    ) as Labels
    labelCache.set(locale, labels)
  }
  return labels
}

export function stageLabels(locale: Locale): Record<Stage, string> {
  return Object.fromEntries(
    stages.map((stage) => [stage, translate(locale, `discussions.stage.${stage}`)]),
  ) as Record<Stage, string>
}

export function stageOptions(locale: Locale, selected: string | undefined) {
  const names = stageLabels(locale)
  return stages.map((stage) => ({ value: stage, label: names[stage], selected: stage === selected }))
}

/** The upload field without files sent along is the same for every page of a locale (made once). */
const emptyUploadFields = new Map<string, UploadFieldView>()
function uploadFieldOf(request: FastifyRequest): UploadFieldView {
  if (request.uploads?.files?.length) return uploadField(request)
  const key = `${request.locale}:${request.attachmentLimits.maxFiles}:${request.attachmentLimits.maxFileBytes}`
  let field = emptyUploadFields.get(key)
  if (!field) {
    field = uploadField(request)
    emptyUploadFields.set(key, field)
  }
  return field
}

/** The data every page of the feature shares. */
export function common(request: FastifyRequest): Record<string, unknown> {
  return {
    labels: labelsFor(request.locale),
    stageLabels: stageLabels(request.locale),
    limits,
    isModerator: isStaff(request.member),
    // The file input of the post forms: limits, and the files sent with a form shown again.
    uploadField: uploadFieldOf(request),
  }
}

/** A full page of the feature. */
export function page(reply: FastifyReply, view: string, data: ViewData): FastifyReply {
  return reply.page(view, { ...common(reply.request), ...data })
}

/** A fragment of the feature, for htmx. */
export function fragment(reply: FastifyReply, view: string, data: ViewData): FastifyReply {
  return reply.fragment(view, { ...common(reply.request), ...data })
}

/** The verified member of this request (every discussions route is behind the trust gate). */
export function me(request: FastifyRequest): CurrentMember {
  return request.member!
}

/** A new one-time key for a form that writes a post. */
export function newFormKey(): string {
  return randomUUID()
}

/** A post's address: the window of its thread that holds it, scrolled to the post. */
export function permalink(threadId: number, postId: number): string {
  return `/t/${threadId}?at=${postId}#post-${postId}`
}

/** Tags with their query-string form, for filter links. */
export function tagLinks(tags: readonly string[]) {
  return tags.map((name) => ({ name, q: encodeURIComponent(name) }))
}

export function withTagLinks<T extends { tags: string[] }>(items: readonly T[]) {
  return items.map((item) => ({ ...item, tags: tagLinks(item.tags) }))
}

/**
 * Posting is limited per member (not per address: a town hall's staff share one), checked
 * after the trust gate has loaded the member.
 */
export const postingLimit = {
  rateLimit: {
    max: 60,
    timeWindow: 15 * 60 * 1000,
    hook: 'preHandler' as const,
    keyGenerator: (request: FastifyRequest) => `member:${request.member?.id ?? request.ip}`,
  },
}

/**
 * {{{postList posts}}}: the posts as the thread page nests them, each an <li id="post-…"> with its
 * article and, when it has replies, their list in a <details> that says how many. In code, not a
 * template: a page prints hundreds, and an ordinary post (PostView.plain) is the same for every
 * reader, so its article comes from the view cache as it is (the key names all that it shows).
 */
export function postList(view: ViewTools, posts: PostView | readonly PostView[]): string {
  const labels = view.root.labels as Labels
  const href = (view.root.postHref as string | undefined) ?? ''
  const items = (list: readonly PostView[]): string => {
    let html = ''
    for (const post of list) {
      html += `<li id="post-${post.id}">`
      html +=
        post.plain && !post.files
          ? view.cached('discussions/_article', articleKey(post, href), post)
          : view.partial('discussions/_article', post)
      if (post.children.length > 0)
        html += `<details open><summary>${view.escape(answerCount(labels, post.descendants))}</summary><ol>${items(post.children)}</ol></details>`
      html += '</li>'
    }
    return html
  }
  return items(Array.isArray(posts) ? posts : [posts as PostView])
}

/** Everything an ordinary post's article shows (see postList). */
function articleKey(post: PostView, href: string) {
  return [
    post.id,
    post.version,
    post.edited,
    post.replyTo?.id,
    post.replyTo?.name,
    post.replyTo?.away,
    post.helpfulCount,
    post.pressed,
    post.authorName,
    post.authorJob,
    post.authorOrg,
    href,
  ]
}

/** "n Antworten" of a post's list (also views/discussions/_answer-count.hbs, for htmx). */
function answerCount(labels: Labels, descendants: number): string {
  return `${descendants} ${descendants === 1 ? labels.answer : labels.answers}`
}
