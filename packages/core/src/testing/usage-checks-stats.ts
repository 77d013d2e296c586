import { expect } from 'vitest'
import { ALL_ACCOUNTS } from '../usage/all-accounts.js'
import { DAY, HOUR, recordAll, type UsageCheck, uniqueDay, uniqueId, usageEvent } from './usage-check-kit.js'

const zeroCounts = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, quantity: 0, errors: 0 }

/** Aggregation checks: buckets, totals, boundaries and the account filter. */
export const usageStatsChecks = {
  'stats by hour split by feature sum each UTC hour and feature': async ({ usage }) => {
    const account = uniqueId('usage-hour')
    const day = uniqueDay()
    await recordAll(usage, [
      usageEvent(account, day + 10 * HOUR + 5 * 60_000, {
        amount: 3,
        inputTokens: 100,
        cachedInputTokens: 10,
        outputTokens: 50,
      }),
      usageEvent(account, day + 10 * HOUR + 59 * 60_000, { feature: 'image', amount: 7, quantity: 2, status: 'error' }),
      usageEvent(account, day + 10 * HOUR + 30 * 60_000, { amount: 2, inputTokens: 1, status: 'aborted' }),
      usageEvent(account, day + 11 * HOUR, { amount: 5, status: 'refused' }),
      usageEvent(account, day + 13 * HOUR + 1, { feature: 'image', amount: 1 }),
    ])
    const stats = await usage.stats(account, { from: day, to: day + DAY, bucket: 'hour', by: 'feature' })
    expect(stats.buckets).toEqual([
      {
        start: day + 10 * HOUR,
        feature: 'chat',
        events: 2,
        amount: 5,
        ...zeroCounts,
        inputTokens: 101,
        cachedInputTokens: 10,
        outputTokens: 50,
      },
      { start: day + 10 * HOUR, feature: 'image', events: 1, amount: 7, ...zeroCounts, quantity: 2, errors: 1 },
      { start: day + 11 * HOUR, feature: 'chat', events: 1, amount: 5, ...zeroCounts },
      { start: day + 13 * HOUR, feature: 'image', events: 1, amount: 1, ...zeroCounts },
    ])
    expect(stats.totals).toEqual({
      events: 5,
      amount: 18,
      inputTokens: 101,
      cachedInputTokens: 10,
      outputTokens: 50,
      quantity: 2,
      errors: 1,
    })
  },

  'stats by day split by feature sum each UTC day and feature, accepting Dates': async ({ usage }) => {
    const account = uniqueId('usage-day')
    const day = uniqueDay()
    await recordAll(usage, [
      usageEvent(account, day + 1, { feature: 'image', amount: 4, quantity: 1 }),
      usageEvent(account, day + 23 * HOUR, { amount: 6, outputTokens: 30 }),
      usageEvent(account, day + 2 * HOUR, { amount: 1, outputTokens: 5 }),
      usageEvent(account, day + 2 * DAY + 12 * HOUR, { feature: 'tools', amount: 9, status: 'error' }),
    ])
    const stats = await usage.stats(account, {
      from: new Date(day),
      to: new Date(day + 3 * DAY),
      bucket: 'day',
      by: 'feature',
    })
    expect(stats.buckets).toEqual([
      { start: day, feature: 'chat', events: 2, amount: 7, ...zeroCounts, outputTokens: 35 },
      { start: day, feature: 'image', events: 1, amount: 4, ...zeroCounts, quantity: 1 },
      { start: day + 2 * DAY, feature: 'tools', events: 1, amount: 9, ...zeroCounts, errors: 1 },
    ])
    expect(stats.totals).toEqual({ events: 4, amount: 20, ...zeroCounts, outputTokens: 35, quantity: 1, errors: 1 })
  },

  'stats without by merge features into one bucket per period with feature null': async ({ usage }) => {
    const account = uniqueId('usage-merge')
    const day = uniqueDay()
    await recordAll(usage, [
      usageEvent(account, day + HOUR, { amount: 2 }),
      usageEvent(account, day + HOUR + 1, { feature: 'image', amount: 3 }),
      usageEvent(account, day + 3 * HOUR, { feature: 'tools', amount: 4 }),
    ])
    const byHour = await usage.stats(account, { from: day, to: day + DAY, bucket: 'hour' })
    expect(byHour.buckets).toEqual([
      { start: day + HOUR, feature: null, events: 2, amount: 5, ...zeroCounts },
      { start: day + 3 * HOUR, feature: null, events: 1, amount: 4, ...zeroCounts },
    ])
    const byDay = await usage.stats(account, { from: day, to: day + DAY, bucket: 'day' })
    expect(byDay.buckets).toEqual([{ start: day, feature: null, events: 3, amount: 9, ...zeroCounts }])
    expect(byDay.totals).toEqual(byHour.totals)
  },

  'an event at 23:59:59.999 and one at midnight fall in different hours and days': async ({ usage }) => {
    const account = uniqueId('usage-edge')
    const day = uniqueDay()
    await recordAll(usage, [
      usageEvent(account, day + DAY - 1, { amount: 1 }),
      usageEvent(account, day + DAY, { amount: 2 }),
      usageEvent(account, day + DAY + HOUR - 1, { amount: 4 }),
      usageEvent(account, day + DAY + HOUR, { amount: 8 }),
    ])
    const byDay = await usage.stats(account, { from: day, to: day + 2 * DAY, bucket: 'day' })
    expect(byDay.buckets.map((b) => [b.start, b.events, b.amount])).toEqual([
      [day, 1, 1],
      [day + DAY, 3, 14],
    ])
    const byHour = await usage.stats(account, { from: day, to: day + 2 * DAY, bucket: 'hour' })
    expect(byHour.buckets.map((b) => [b.start, b.events, b.amount])).toEqual([
      [day + 23 * HOUR, 1, 1],
      [day + DAY, 2, 6],
      [day + DAY + HOUR, 1, 8],
    ])
  },

  'stats count from inclusive and to exclusive': async ({ usage }) => {
    const account = uniqueId('usage-range')
    const day = uniqueDay()
    const from = day + 5 * HOUR + 17 * 60_000
    const to = day + 6 * HOUR + 3 * 60_000
    await recordAll(usage, [
      usageEvent(account, from - 1, { amount: 1 }),
      usageEvent(account, from, { amount: 2 }),
      usageEvent(account, to - 1, { amount: 4 }),
      usageEvent(account, to, { amount: 8 }),
    ])
    const stats = await usage.stats(account, { from, to, bucket: 'hour' })
    // Buckets stay aligned to the hour even when the range starts mid-hour.
    expect(stats.buckets).toEqual([
      { start: day + 5 * HOUR, feature: null, events: 1, amount: 2, ...zeroCounts },
      { start: day + 6 * HOUR, feature: null, events: 1, amount: 4, ...zeroCounts },
    ])
    expect(stats.totals).toEqual({ events: 2, amount: 6, ...zeroCounts })
  },

  'errors count only events with status error': async ({ usage }) => {
    const account = uniqueId('usage-status')
    const day = uniqueDay()
    await recordAll(
      usage,
      (['ok', 'error', 'error', 'aborted', 'refused'] as const).map((status, i) =>
        usageEvent(account, day + i, { status, amount: 1 }),
      ),
    )
    const stats = await usage.stats(account, { from: day, to: day + DAY, bucket: 'day' })
    expect(stats.totals).toEqual({ events: 5, amount: 5, ...zeroCounts, errors: 2 })
    expect(stats.buckets).toEqual([{ start: day, feature: null, ...stats.totals }])
  },

  'stats of one account ignore other accounts; ALL_ACCOUNTS aggregates every account': async ({ usage }) => {
    const a = uniqueId('usage-a')
    const b = uniqueId('usage-b')
    const day = uniqueDay()
    await recordAll(usage, [
      usageEvent(a, day + HOUR, { amount: 10, inputTokens: 1 }),
      usageEvent(b, day + HOUR + 1, { amount: 20, inputTokens: 2 }),
      usageEvent(a, day + 2 * HOUR, { amount: 40, inputTokens: 4, feature: 'image' }),
    ])
    const query = { from: day, to: day + DAY, bucket: 'hour', by: 'feature' } as const
    const ofA = await usage.stats(a, query)
    expect(ofA.totals).toEqual({ events: 2, amount: 50, ...zeroCounts, inputTokens: 5 })
    const ofB = await usage.stats(b, query)
    expect(ofB.totals).toEqual({ events: 1, amount: 20, ...zeroCounts, inputTokens: 2 })
    // The day is unique to this test, so ALL_ACCOUNTS sees exactly these three events.
    const all = await usage.stats(ALL_ACCOUNTS, query)
    expect(all.buckets).toEqual([
      { start: day + HOUR, feature: 'chat', events: 2, amount: 30, ...zeroCounts, inputTokens: 3 },
      { start: day + 2 * HOUR, feature: 'image', events: 1, amount: 40, ...zeroCounts, inputTokens: 4 },
    ])
    expect(all.totals).toEqual({ events: 3, amount: 70, ...zeroCounts, inputTokens: 7 })
    const nobody = await usage.stats(uniqueId('usage-none'), query)
    expect(nobody).toEqual({ buckets: [], totals: { events: 0, amount: 0, ...zeroCounts } })
  },
  "an account named 'all' is one account: stats and list of it see none of the others": async ({ usage }) => {
    // Every store shares the account 'all' across tests and runs; the unique day keeps this apart.
    const other = uniqueId('usage-not-all')
    const day = uniqueDay()
    await recordAll(usage, [usageEvent('all', day + HOUR, { amount: 1 }), usageEvent(other, day + HOUR, { amount: 2 })])
    const query = { from: day, to: day + DAY, bucket: 'day' } as const
    expect((await usage.stats('all', query)).totals).toEqual({ events: 1, amount: 1, ...zeroCounts })
    expect((await usage.stats(ALL_ACCOUNTS, query)).totals).toEqual({ events: 2, amount: 3, ...zeroCounts })
    const listed = await usage.list({ account: 'all', from: day, to: day + DAY })
    expect(listed.events.map((e) => [e.account, e.amount])).toEqual([['all', 1]])
  },
} satisfies Record<string, UsageCheck>
