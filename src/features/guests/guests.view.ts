// View models of the guests pages: each guest's state in words, and what the viewer may do.
import type { Locale } from '../../db/schema.ts'
import { translate } from '../../i18n/index.ts'
import type { GuestRow, ProposalRow } from './guests.repository.ts'

export function dateLabel(locale: Locale, date: Date | null): string {
  if (!date) return ''
  return date.toLocaleDateString(locale === 'en' ? 'en-GB' : 'de-DE', { timeZone: 'Europe/Berlin' })
}

function stateOf(locale: Locale, guest: GuestRow): string {
  const date = dateLabel(locale, guest.expiresAt)
  if (guest.status === 'proposed') return translate(locale, 'guests.status.proposed')
  if (guest.expired) return translate(locale, 'guests.status.expired', { date })
  return translate(locale, guest.status === 'invited' ? 'guests.status.invited' : 'guests.status.active', {
    date,
  })
}

export function guestRows(locale: Locale, guests: readonly GuestRow[], canManage: boolean) {
  return guests.map((guest) => ({
    id: guest.id,
    name: guest.name,
    organisation: guest.organisation,
    state: stateOf(locale, guest),
    canManage: canManage && guest.status !== 'proposed',
  }))
}

export function proposalRows(proposals: readonly ProposalRow[]) {
  return proposals.map((p) => ({
    id: p.id,
    name: p.name,
    email: p.email,
    organisation: p.organisation,
    reason: p.reason,
    threadId: p.threadId,
    threadTitle: p.threadTitle,
    proposedByName: p.proposedByName ?? '',
  }))
}
