import { describe, expect, it } from 'vitest'
import { currentPeriods, isDigestHour } from '../../src/features/digests/digests.periods.ts'

const schedule = { digestHour: 7, digestWeekday: 1 } // 07:00 Berlin, Mondays

describe('digest periods (Europe/Berlin)', () => {
  it('starts the daily period at the digest hour, Berlin time, in winter and in summer', () => {
    // 2026-11-25 is a Wednesday; CET = UTC+1.
    expect(currentPeriods(new Date('2026-11-25T05:59:00Z'), schedule).daily).toBe('daily:2026-11-24')
    expect(currentPeriods(new Date('2026-11-25T06:00:00Z'), schedule).daily).toBe('daily:2026-11-25')
    // CEST = UTC+2.
    expect(currentPeriods(new Date('2026-07-15T04:59:00Z'), schedule).daily).toBe('daily:2026-07-14')
    expect(currentPeriods(new Date('2026-07-15T05:00:00Z'), schedule).daily).toBe('daily:2026-07-15')
  })

  it('starts the weekly period on the configured weekday', () => {
    // Monday 2026-11-23 07:00 CET = 06:00Z.
    expect(currentPeriods(new Date('2026-11-23T05:59:00Z'), schedule).weekly).toBe('weekly:2026-11-16')
    expect(currentPeriods(new Date('2026-11-23T06:00:00Z'), schedule).weekly).toBe('weekly:2026-11-23')
    expect(currentPeriods(new Date('2026-11-29T22:00:00Z'), schedule).weekly).toBe('weekly:2026-11-23')
    expect(currentPeriods(new Date('2026-11-30T06:00:00Z'), schedule).weekly).toBe('weekly:2026-11-30')
    expect(currentPeriods(new Date('2026-11-25T12:00:00Z'), { digestHour: 7, digestWeekday: 0 }).weekly).toBe(
      'weekly:2026-11-22',
    )
  })

  it('handles the days the clocks change', () => {
    // 2026-03-29: 02:00 CET → 03:00 CEST. 07:00 CEST = 05:00Z.
    expect(currentPeriods(new Date('2026-03-29T04:59:00Z'), schedule).daily).toBe('daily:2026-03-28')
    expect(currentPeriods(new Date('2026-03-29T05:00:00Z'), schedule).daily).toBe('daily:2026-03-29')
    // 2026-10-25: 03:00 CEST → 02:00 CET. 07:00 CET = 06:00Z.
    expect(currentPeriods(new Date('2026-10-25T05:30:00Z'), schedule).daily).toBe('daily:2026-10-24')
    expect(currentPeriods(new Date('2026-10-25T06:00:00Z'), schedule).daily).toBe('daily:2026-10-25')
  })

  it('recognises the digest hour in Berlin time', () => {
    expect(isDigestHour(new Date('2026-11-25T06:00:00Z'), schedule)).toBe(true)
    expect(isDigestHour(new Date('2026-11-25T07:00:00Z'), schedule)).toBe(false)
    expect(isDigestHour(new Date('2026-07-15T05:00:00Z'), schedule)).toBe(true)
  })
})
