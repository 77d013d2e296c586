import { expect } from 'vitest'
import type { UsageEventInput, UsageStatsQuery } from '../usage/types.js'
import { DAY, expectValidationError, type UsageCheck, uniqueDay, uniqueId, usageEvent } from './usage-check-kit.js'

/** Refusal checks: bad input is a `ValidationError` and leaves the store unchanged. */
export const usageInputChecks = {
  'invalid events are refused with ValidationError and nothing is recorded': async ({ usage }) => {
    const account = uniqueId('usage-invalid')
    const day = uniqueDay()
    const good = usageEvent(account, day + 1)
    const bad: unknown[] = [
      { ...good, inputTokens: -1 },
      { ...good, outputTokens: 1.5 },
      { ...good, amount: 2.5 },
      { ...good, amount: -1 },
      { ...good, amount: Number.NaN },
      { ...good, amount: Number.MAX_SAFE_INTEGER + 2 },
      { ...good, shortfall: -3 },
      { ...good, quantity: 0.1 },
      { ...good, status: 'failed' },
      { ...good, account: '' },
      { ...good, feature: '' },
      { ...good, at: -5 },
      { ...good, at: new Date(Number.NaN) },
      { ...good, latencyMs: -1 },
      { ...good, unexpected: true },
      { account, feature: 'chat', status: 'ok', at: day + 1 },
    ]
    for (const input of bad) await expectValidationError(usage.record(input as UsageEventInput))
    const page = await usage.list({ account, from: day, to: day + DAY })
    expect(page.events).toEqual([])
    expect((await usage.stats(account, { from: day, to: day + DAY, bucket: 'day' })).totals.events).toBe(0)
  },

  'invalid stats queries are refused with ValidationError': async ({ usage }) => {
    const account = uniqueId('usage-bad-query')
    const day = uniqueDay()
    const bad: unknown[] = [
      { from: day, to: day, bucket: 'hour' },
      { from: day + 1, to: day, bucket: 'hour' },
      { from: day, to: day + DAY, bucket: 'week' },
      { from: day, to: day + DAY, bucket: 'day', by: 'model' },
      { from: day, to: day + 400 * DAY + 1, bucket: 'day' },
      { from: -1, to: day, bucket: 'day' },
      { from: day, to: day + DAY },
    ]
    for (const query of bad) await expectValidationError(usage.stats(account, query as UsageStatsQuery))
    await expectValidationError(usage.stats('', { from: day, to: day + DAY, bucket: 'day' }))
    // 400 days exactly is the largest range allowed.
    const widest = await usage.stats(account, { from: day, to: day + 400 * DAY, bucket: 'day' })
    expect(widest.buckets).toEqual([])
  },

  'invalid list queries are refused with ValidationError': async ({ usage }) => {
    const account = uniqueId('usage-bad-list')
    const day = uniqueDay()
    const range = { account, from: day, to: day + DAY }
    await expectValidationError(usage.list({ ...range, limit: 0 }))
    await expectValidationError(usage.list({ ...range, limit: 1001 }))
    await expectValidationError(usage.list({ ...range, limit: 2.5 }))
    await expectValidationError(usage.list({ ...range, account: '' }))
    await expectValidationError(usage.list({ ...range, cursor: 'not-a-cursor' }))
  },
} satisfies Record<string, UsageCheck>
