// Digest periods in Berlin time. A period starts at the configured hour (daily) or at that
// hour on the configured weekday (weekly); its key names the day it started on, so every
// scheduler, retry and app instance computes the same key for the same moment.
export interface DigestSchedule {
  digestHour: number
  /** 0 = Sunday … 6 = Saturday, like Date.getDay(). */
  digestWeekday: number
}

interface BerlinParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
}

const berlinFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

export function berlinParts(at: Date): BerlinParts {
  const parts: Record<string, number> = {}
  for (const part of berlinFormat.formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! }
}

/** A calendar day (no time zone involved), as days since 1970-01-01. */
function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 86_400_000
}

function isoDay(dayNo: number): string {
  return new Date(dayNo * 86_400_000).toISOString().slice(0, 10)
}

/** Is this moment in the configured digest hour (Berlin)? The hourly cron asks this. */
export function isDigestHour(at: Date, schedule: DigestSchedule): boolean {
  return berlinParts(at).hour === schedule.digestHour
}

/** The key of the period `at` falls in, for daily and weekly digests. */
export function currentPeriods(at: Date, schedule: DigestSchedule): Record<'daily' | 'weekly', string> {
  const p = berlinParts(at)
  let day = dayNumber(p.year, p.month, p.day)
  if (p.hour < schedule.digestHour) day -= 1
  const weekday = new Date(day * 86_400_000).getUTCDay()
  const weekStart = day - ((weekday - schedule.digestWeekday + 7) % 7)
  return { daily: `daily:${isoDay(day)}`, weekly: `weekly:${isoDay(weekStart)}` }
}

/** How far back a member's very first digest looks. */
export function periodLengthMs(period: string): number {
  return (period.startsWith('daily:') ? 1 : 7) * 86_400_000
}
