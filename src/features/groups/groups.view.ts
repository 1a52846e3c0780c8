// What the groups pages hand their templates: labels translated once, standings as flags.
import type { Locale } from '../../db/schema.ts'
import { translate } from '../../i18n/index.ts'
import type { GroupCategoryRow, GroupListRow, GroupMemberRow, Standing } from './groups.repository.ts'
import { type JoinMode, joinModes } from './groups.tables.ts'

export function modeOptions(locale: Locale, selected: string) {
  return joinModes.map((mode) => ({
    value: mode,
    label: translate(locale, `groups.mode.${mode}`),
    selected: mode === selected,
  }))
}

function groupLine(locale: Locale, group: GroupListRow) {
  return {
    ...group,
    href: `/groups/${group.id}`,
    modeLabel: translate(locale, `groups.mode.${group.joinMode}`),
    memberLabel: translate(locale, 'groups.memberCount', { count: group.memberCount }),
    requestLabel:
      group.requestCount > 0
        ? translate(locale, 'groups.requestCount', { count: group.requestCount })
        : undefined,
    ...standingFlags(group.standing, group.joinMode),
  }
}

function standingFlags(standing: Standing, mode: JoinMode) {
  const inside = standing === 'member' || standing === 'admin'
  return {
    inside,
    invited: standing === 'invited',
    requested: standing === 'requested',
    canJoin: standing === 'none' && mode === 'open',
    canRequest: standing === 'none' && mode === 'request',
    standingKey: standing === 'none' ? undefined : `groups.standing.${standing}`,
  }
}

/** The list: my groups, invitations to me, and the other groups I could join. */
export function groupListView(locale: Locale, groups: GroupListRow[]) {
  const lines = groups.map((group) => groupLine(locale, group))
  return {
    mine: lines.filter((g) => g.inside),
    invitations: lines.filter((g) => g.invited),
    others: lines.filter((g) => !g.inside && !g.invited),
    empty: lines.length === 0,
  }
}

export function groupView(
  locale: Locale,
  data: {
    group: GroupListRow
    inside: boolean
    manages: boolean
    members: GroupMemberRow[]
    categories: GroupCategoryRow[]
  },
) {
  return {
    group: groupLine(locale, data.group),
    inside: data.inside,
    manages: data.manages,
    admins: data.members.filter((m) => m.role === 'admin'),
    members: data.members.map((m) => ({ ...m, admin: m.role === 'admin' })),
    categories: data.categories.map((c) => ({
      ...c,
      threadLabel: translate(locale, 'groups.page.threads', { count: c.threadCount }),
    })),
  }
}
