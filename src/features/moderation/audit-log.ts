// The audit log as people read it: every action has a short label (the filter) and a sentence
// naming who did what to whom, with its details in words ("Mona Moderation hat Anna Becker
// freigeschaltet – Nachweise: …"), instead of codes and JSON. The table below must name every
// action of the closed list in core/audit (the type checker says so).
import type { AuditAction } from '../../core/audit/audit.ts'
import { isMessageKey } from '../../i18n/index.ts'

type Details = Record<string, unknown>
type Translate = (key: string, params?: Record<string, string | number>) => string

interface ActionText {
  /** What the details say, in words; organisation ids become names, the rest is left out. */
  details?: (details: Details, t: Translate) => string[]
}

/** A label from the catalogue when the stored value names one, else the value as stored. */
const labelOr = (t: Translate, key: string, value: unknown) => (isMessageKey(key) ? t(key) : text(value))

const text = (value: unknown) => (value === null || value === undefined || value === '' ? '–' : String(value))
const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? value.join(', ') : '–')

const reason: ActionText = {
  details: (d, t) => (d.reason ? [t('audit.detail.reason', { value: text(d.reason) })] : []),
}

/** An action on a reported post: which post, how many reports, why, and an edit's note. */
const postAction: ActionText = {
  details: (d, t) => [
    ...(typeof d.postId === 'number' ? [t('audit.detail.post', { id: d.postId })] : []),
    ...(typeof d.reports === 'number' && d.reports > 0
      ? [t('audit.detail.reports', { count: d.reports })]
      : []),
    ...(d.reason ? [t('audit.detail.reason', { value: text(d.reason) })] : []),
    ...(d.note ? [t('audit.detail.note', { value: text(d.note) })] : []),
  ],
}

/** An action on a reported direct message: which message, how many reports, why (never its text). */
const messageAction: ActionText = {
  details: (d, t) => [
    ...(typeof d.messageId === 'number' ? [t('audit.detail.message', { id: d.messageId })] : []),
    ...(typeof d.reports === 'number' && d.reports > 0
      ? [t('audit.detail.reports', { count: d.reports })]
      : []),
    ...(d.reason ? [t('audit.detail.reason', { value: text(d.reason) })] : []),
  ],
}

/** An action in a closed group (groups feature): which group, and a new Themenraum's name. */
const groupAction: ActionText = {
  details: (d, t) => [
    ...(d.group ? [t('audit.detail.group', { value: text(d.group) })] : []),
    ...(d.category ? [t('audit.detail.groupCategory', { value: text(d.category) })] : []),
  ],
}

/** An admin's decision on a mail whose sending was uncertain (mail feature): which mail, to whom (masked). */
const mailAction: ActionText = {
  details: (d, t) => [t('audit.detail.mail', { template: text(d.template), recipient: text(d.recipient) })],
}

/** A guest in a single thread (guests feature): which thread, and who the guest is. */
const guestAction: ActionText = {
  details: (d, t) => [
    ...(typeof d.threadId === 'number'
      ? [t('audit.detail.thread', { id: d.threadId, title: text(d.title) })]
      : []),
    ...(d.guest
      ? [t('audit.detail.guest', { name: text(d.guest), organisation: text(d.organisation) })]
      : []),
  ],
}

/** A thread tool: which thread, and what changed (title, tags, Themenraum, the Ergebnis, a note). */
const threadAction: ActionText = {
  details: (d, t) => [
    ...(typeof d.threadId === 'number'
      ? [t('audit.detail.thread', { id: d.threadId, title: text(d.title ?? d.toTitle) })]
      : []),
    ...(d.fromTitle !== undefined
      ? [t('audit.detail.titleChange', { from: text(d.fromTitle), to: text(d.toTitle) })]
      : []),
    ...(d.fromTags !== undefined
      ? [t('audit.detail.tagsChange', { from: list(d.fromTags), to: list(d.toTags) })]
      : []),
    ...(d.from !== undefined && d.to !== undefined
      ? [t('audit.detail.categoryChange', { from: text(d.from), to: text(d.to) })]
      : []),
    ...(typeof d.postId === 'number' ? [t('audit.detail.post', { id: d.postId })] : []),
    ...(d.note ? [t('audit.detail.note', { value: text(d.note) })] : []),
  ],
}

const roleChange: ActionText = {
  details: (d, t) => [
    t('audit.detail.role', {
      from: d.from ? labelOr(t, `role.${d.from}`, d.from) : '–',
      to: d.to ? labelOr(t, `role.${d.to}`, d.to) : '–',
    }),
    ...(d.via === 'cli' ? [t('audit.detail.viaCli')] : []),
  ],
}

/** Changes of an organisation (created: its values; updated: from → to per field). */
function organisationChanges(d: Details, t: Translate): string[] {
  const changes = (d.changes ?? {}) as Record<
    string,
    { from?: unknown; to?: unknown; added?: unknown; removed?: unknown }
  >
  const lines: string[] = []
  for (const [field, change] of Object.entries(changes)) {
    if (field === 'domains' || field === 'municipalities') {
      if (list(change.added) !== '–')
        lines.push(t(`audit.detail.${field}Added`, { list: list(change.added) }))
      if (list(change.removed) !== '–')
        lines.push(t(`audit.detail.${field}Removed`, { list: list(change.removed) }))
    } else if (field === 'autoApprove') {
      lines.push(t(change.to ? 'audit.detail.autoApproveOn' : 'audit.detail.autoApproveOff'))
    } else {
      lines.push(
        t('audit.detail.change', {
          field: labelOr(t, `audit.field.${field}`, field),
          from: fieldValue(field, change.from, t),
          to: fieldValue(field, change.to, t),
        }),
      )
    }
  }
  return lines
}

function fieldValue(field: string, value: unknown, t: Translate): string {
  if (value === null || value === undefined || value === '') return '–'
  if (field === 'kind') return labelOr(t, `organisation.kind.${value}`, value)
  if (field === 'land') return labelOr(t, `organisation.land.${value}`, value)
  return String(value)
}

function createdOrganisation(d: Details, t: Translate): string[] {
  return [
    ...(d.kind ? [t('audit.detail.kind', { value: labelOr(t, `organisation.kind.${d.kind}`, d.kind) })] : []),
    ...(d.officialKey ? [t('audit.detail.officialKey', { value: text(d.officialKey) })] : []),
    t('audit.detail.domains', { list: list(d.domains) }),
    ...(d.autoApprove ? [t('audit.detail.autoApproveOn')] : []),
  ]
}

export const auditTexts = {
  'login.succeeded': {},
  'login.failed': {},
  'login.locked': {},
  'login.unlocked': {},
  logout: {},
  'logout.everywhere': {},
  'session.revoked': {},
  'password.changed': {},
  'password.reset': {},
  'password.check_failed': {},
  'email.change_requested': {
    details: (d, t) => (d.newDomain ? [t('audit.detail.domain', { value: text(d.newDomain) })] : []),
  },
  'email.changed': {
    details: (d, t) =>
      d.fromDomain || d.toDomain
        ? [t('audit.detail.domainChange', { from: text(d.fromDomain), to: text(d.toDomain) })]
        : [],
  },
  'member.registered': {},
  'member.email_confirmed': {},
  'member.auto_approved': {
    details: (d, t) => (d.domain ? [t('audit.detail.domain', { value: text(d.domain) })] : []),
  },
  'member.approved': {
    details: (d, t) => (d.evidence ? [t('audit.detail.evidence', { value: text(d.evidence) })] : []),
  },
  'member.rejected': reason,
  'member.question_asked': {
    details: (d, t) => (d.question ? [t('audit.detail.question', { value: text(d.question) })] : []),
  },
  'member.question_answered': {
    details: (d, t) => (d.answer ? [t('audit.detail.answer', { value: text(d.answer) })] : []),
  },
  'member.suspended': {
    details: (d, t) => [
      ...(typeof d.postId === 'number' ? [t('audit.detail.post', { id: d.postId })] : []),
      ...(d.reason ? [t('audit.detail.reason', { value: text(d.reason) })] : []),
      d.until ? t('audit.detail.until', { date: text(d.until) }) : t('audit.detail.noEnd'),
    ],
  },
  'member.unsuspended': {},
  'member.suspension_ended': {
    details: (d, t) => (d.until ? [t('audit.detail.until', { date: text(d.until) })] : []),
  },
  'member.sent_to_review': reason,
  'member.role_changed': roleChange,
  'member.organisation_changed': {},
  'member.reconfirm_requested': {},
  'member.reconfirmed': {},
  'member.expired': {},
  'invitation.sent': {
    details: (d, t) => (d.domain ? [t('audit.detail.domain', { value: text(d.domain) })] : []),
  },
  'organisation.created': { details: createdOrganisation },
  'organisation.updated': { details: organisationChanges },
  'member.left': {},
  'profile.updated': { details: organisationChanges },
  'succession.named': {
    details: (d, t) => (d.domain ? [t('audit.detail.domain', { value: text(d.domain) })] : []),
  },
  'succession.cancelled': {},
  'succession.completed': {
    details: (d, t) => [
      ...(typeof d.leaverId === 'number' ? [t('audit.detail.successionOf', { id: d.leaverId })] : []),
      ...(typeof d.follows === 'number' ? [t('audit.detail.followsInherited', { count: d.follows })] : []),
    ],
  },
  'second_factor.enrolled': {},
  'second_factor.failed': {},
  'second_factor.locked': {},
  'second_factor.recovery_code_used': {},
  'second_factor.recovery_codes_renewed': {},
  'second_factor.disabled': {},
  'second_factor.reset': {},
  'data_export.requested': {},
  'member.deleted': {},
  'report.dismissed': postAction,
  'post.hidden': postAction,
  'post.moderator_edited': postAction,
  'post.moderator_deleted': postAction,
  'attachment.removed': {
    details: (d, t) => [
      t('audit.detail.file', { name: text(d.name), size: text(d.size), postId: text(d.postId) }),
      ...(d.reason ? [t('audit.detail.reason', { value: text(d.reason) })] : []),
    ],
  },
  'member.warned': postAction,
  'thread.pinned': threadAction,
  'thread.unpinned': threadAction,
  'thread.moved': threadAction,
  'thread.edited': threadAction,
  'thread.result_marked': threadAction,
  'thread.result_cleared': threadAction,
  'post.unhidden': postAction,
  'message_report.dismissed': messageAction,
  'message.hidden': messageAction,
  'group.created': groupAction,
  'group.updated': groupAction,
  'group.invited': groupAction,
  'group.member_added': groupAction,
  'group.member_removed': groupAction,
  'group.request_declined': groupAction,
  'group.role_changed': groupAction,
  'group.category_created': groupAction,
  'guest.proposed': guestAction,
  'guest.approved': guestAction,
  'guest.declined': guestAction,
  'guest.accepted': guestAction,
  'guest.renewed': guestAction,
  'guest.ended': guestAction,
  'mail.resent': mailAction,
  'mail.discarded': mailAction,
} satisfies Record<AuditAction, ActionText>

export const auditActions = Object.keys(auditTexts) as AuditAction[]

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(auditTexts, value)
}

/** One piece of a sentence: plain text, or a person or organisation (isolated, maybe a link). */
export type SentencePart = { text: string } | { name: string; href?: string }

export interface AuditEventRow {
  id: string
  at: Date
  action: string
  details: unknown
  actor_id: number | null
  subject_id: number | null
  actor_name: string | null
  subject_name: string | null
}

export interface AuditLine {
  id: string
  at: Date
  action: string
  label: string
  sentence: SentencePart[]
  details: string[]
}

/** The names of the organisations the entries mention by id (looked up once per page). */
export function organisationIdsOf(rows: AuditEventRow[]): number[] {
  const ids = new Set<number>()
  for (const row of rows) {
    const d = (row.details ?? {}) as Details
    for (const value of [
      d.organisationId,
      ...(row.action === 'member.organisation_changed' ? [d.from, d.to] : []),
    ]) {
      if (typeof value === 'number' && Number.isSafeInteger(value)) ids.add(value)
    }
  }
  return [...ids]
}

function person(id: number | null, name: string | null, t: Translate, fallback: string): SentencePart {
  if (id === null) return { name: t(fallback) }
  return { name: name ?? `#${id}`, href: `/moderation/members/${id}` }
}

function organisation(id: unknown, names: Map<number, string>, t: Translate): SentencePart {
  if (typeof id !== 'number') return { name: t('audit.unknownOrganisation') }
  return { name: names.get(id) ?? `#${id}`, href: `/admin/organisations/${id}/edit` }
}

/** Splits a translated sentence at its {actor}, {subject}, {organisation}, {from} and {to}. */
function sentenceOf(message: string, parts: Record<string, SentencePart>): SentencePart[] {
  return message
    .split(/(\{(?:actor|subject|organisation|from|to)\})/)
    .filter((piece) => piece !== '')
    .map((piece) => parts[piece.slice(1, -1)] ?? { text: piece })
}

export function describeAuditEvent(
  row: AuditEventRow,
  organisations: Map<number, string>,
  t: Translate,
): AuditLine {
  const details = (row.details && typeof row.details === 'object' ? row.details : {}) as Details
  const known = isAuditAction(row.action)
  const parts: Record<string, SentencePart> = {
    actor: person(row.actor_id, row.actor_name, t, 'audit.system'),
    subject: person(row.subject_id, row.subject_name, t, 'audit.unknownPerson'),
    organisation: organisation(details.organisationId, organisations, t),
  }
  if (row.action === 'member.organisation_changed') {
    parts.from = organisation(details.from, organisations, t)
    parts.to = organisation(details.to, organisations, t)
  }
  if (!known) {
    // An entry written before its action was renamed or removed: shown as it is.
    return {
      id: row.id,
      at: row.at,
      action: row.action,
      label: row.action,
      sentence: [{ text: row.action }],
      details: [JSON.stringify(details)],
    }
  }
  const describe: ActionText = auditTexts[row.action as AuditAction]
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    label: t(`audit.${row.action}`),
    sentence: sentenceOf(t(`audit.${row.action}.text`), parts),
    details: describe.details?.(details, t) ?? [],
  }
}
