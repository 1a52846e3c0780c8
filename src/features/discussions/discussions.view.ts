// What every discussions page hands its templates beside its own data: labels that the
// per-post partials print many times (translated once per locale, not once per post),
// stage names, limits, and the bell count.
import type { FastifyRequest } from 'fastify'
import type { Locale } from '../../db/schema.ts'
import { translate } from '../../i18n/index.ts'
import { hasRole } from '../../plugins/access.ts'
import { type Stage, stages } from './discussions.tables.ts'
import { limits } from './forms.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route loads the bell count itself (the feature's preHandler skips it). */
    ownBell?: boolean
  }
  interface FastifyRequest {
    /** Unread notifications of the signed-in member, loaded for full pages of this feature. */
    bellCount: number | null
  }
}

const labelKeys = {
  reply: 'discussions.post.reply',
  edit: 'discussions.post.edit',
  delete: 'discussions.post.delete',
  deleteConfirm: 'discussions.post.deleteConfirm',
  deleted: 'discussions.post.deleted',
  edited: 'discussions.post.edited',
  inReplyTo: 'discussions.post.inReplyTo',
  new: 'discussions.post.new',
  helpful: 'discussions.post.helpful',
  revisions: 'discussions.post.revisions',
  answer: 'discussions.post.answer',
  answers: 'discussions.post.answers',
  permalink: 'discussions.post.permalink',
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

/** The data every page of the feature shares. */
export function common(request: FastifyRequest): Record<string, unknown> {
  return {
    labels: labelsFor(request.locale),
    stageLabels: stageLabels(request.locale),
    limits,
    isModerator: hasRole(request.member, 'moderator'),
    isAdmin: hasRole(request.member, 'admin'),
    ...(request.bellCount !== null ? { bellCount: request.bellCount, bellLoaded: true } : {}),
  }
}

/** Tags with their query-string form, for filter links. */
export function tagLinks(tags: readonly string[]) {
  return tags.map((name) => ({ name, q: encodeURIComponent(name) }))
}

export function withTagLinks<T extends { tags: string[] }>(items: readonly T[]) {
  return items.map((item) => ({ ...item, tags: tagLinks(item.tags) }))
}
