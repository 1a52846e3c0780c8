// What the network templates print: organisations as links with their kind, numbers formatted
// for the locale, stage counts in words ("2 Piloten, 1 im Einsatz"), tags with their addresses.
import type { Locale } from '../../db/schema.ts'
import { isMessageKey, translate } from '../../i18n/index.ts'
import type { Stage } from '../discussions/discussions.service.ts'
import type { OrganisationRef, ThreadLine } from './network.repository.ts'
import type { Practice } from './network.service.ts'

/** The organisation's address: its ARS, else its AGS, else its id ("id-17"). */
export function organisationKey(org: { id: number; ags: string | null; ars: string | null }): string {
  return org.ars ?? org.ags ?? `id-${org.id}`
}

export function organisationHref(org: { id: number; ags: string | null; ars: string | null }): string {
  return `/o/${organisationKey(org)}`
}

const numberFormats = {
  de: new Intl.NumberFormat('de-DE'),
  en: new Intl.NumberFormat('en-GB'),
}

export function formatNumber(locale: Locale, value: number | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : numberFormats[locale].format(value)
}

export function kindLabel(locale: Locale, kind: string): string {
  const key = `organisation.kind.${kind}`
  return isMessageKey(key) ? translate(locale, key) : kind
}

export function landLabel(locale: Locale, code: string | null): string | undefined {
  if (!code) return undefined
  const key = `organisation.land.${code}`
  return isMessageKey(key) ? translate(locale, key) : undefined
}

export function organisationLink(locale: Locale, org: OrganisationRef) {
  return { name: org.name, href: organisationHref(org), kind: kindLabel(locale, org.kind) }
}

/** "2 Piloten, 1 im Einsatz" (stages in the order given, zero counts left out). */
export function stageSummary(locale: Locale, counts: readonly { stage: Stage; count: number }[]): string {
  return counts
    .filter((entry) => entry.count > 0)
    .map((entry) => translate(locale, `network.stageCount.${entry.stage}`, { count: entry.count }))
    .join(', ')
}

export function tagHref(tag: string): string {
  return `/tags/${encodeURIComponent(tag)}`
}

export function practiceView(locale: Locale, practice: readonly Practice[]) {
  return practice.map((entry) => ({
    organisation: {
      ...organisationLink(locale, entry.organisation),
      population: formatNumber(locale, entry.organisation.population),
    },
    threads: entry.threads.map((thread) => ({ ...thread, href: `/t/${thread.id}` })),
    people: entry.people.map((person) => ({ ...person, href: `/m/${person.id}` })),
  }))
}

/** A thread of a list (network/_thread-lines) with its addresses and stage name. */
export function threadLineView(locale: Locale, thread: ThreadLine) {
  return {
    ...thread,
    href: `/t/${thread.id}`,
    authorHref: `/m/${thread.authorId}`,
    stageLabel: translate(locale, `discussions.stage.${thread.stage}`),
    lastActivityIso: new Date(thread.lastActivityAt).toISOString(),
  }
}
