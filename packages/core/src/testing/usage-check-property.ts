import fc from 'fast-check'
import { expect } from 'vitest'
import { ALL_ACCOUNTS } from '../usage/all-accounts.js'
import type { UsageEventInput, UsageStatsQuery } from '../usage/types.js'
import { assertProperty } from './seeded.js'
import { DAY, expectedStats, recordAll, type UsageCheck, uniqueDay, uniqueId } from './usage-check-kit.js'

const SPAN = 3 * DAY

const eventArb = fc.record({
  offset: fc.integer({ min: 0, max: SPAN - 1 }),
  feature: fc.constantFrom('chat', 'image', 'tools'),
  amount: fc.integer({ min: 0, max: 1_000_000 }),
  inputTokens: fc.integer({ min: 0, max: 100_000 }),
  cachedInputTokens: fc.integer({ min: 0, max: 1_000 }),
  outputTokens: fc.integer({ min: 0, max: 100_000 }),
  quantity: fc.integer({ min: 0, max: 10 }),
  status: fc.constantFrom('ok', 'error', 'aborted', 'refused'),
})

const queryArb = fc
  .record({
    a: fc.integer({ min: 0, max: SPAN }),
    b: fc.integer({ min: 0, max: SPAN }),
    bucket: fc.constantFrom('hour', 'day'),
    byFeature: fc.boolean(),
  })
  .filter((q) => q.a !== q.b)

/** Property checks: stats agree with an independent model on random events and ranges. */
export const usagePropertyChecks = {
  'property: stats equal the sums of the events in range (one account and all)': async ({ usage, options }) => {
    await assertProperty(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 25 }), queryArb, async (raw, q) => {
        const account = uniqueId('usage-prop')
        const day = uniqueDay()
        const events: UsageEventInput[] = raw.map(({ offset, ...e }) => ({ account, ...e, at: day + offset }))
        await recordAll(usage, events)
        const query: UsageStatsQuery = {
          from: day + Math.min(q.a, q.b),
          to: day + Math.max(q.a, q.b),
          bucket: q.bucket,
          ...(q.byFeature ? { by: 'feature' as const } : {}),
        }
        const expected = expectedStats(events, query)
        expect(await usage.stats(account, query)).toEqual(expected)
        // The day range is unique to this run, so ALL_ACCOUNTS sees exactly the same events.
        expect(await usage.stats(ALL_ACCOUNTS, query)).toEqual(expected)
      }),
      { numRuns: options.numRuns ?? 30 },
    )
  },
} satisfies Record<string, UsageCheck>
