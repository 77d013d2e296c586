import { expect } from 'vitest'
import { ALL_ACCOUNTS } from '../usage/all-accounts.js'
import type { UsageEvent, UsageListQuery, UsageStore } from '../usage/types.js'
import { DAY, HOUR, recordAll, type UsageCheck, uniqueDay, uniqueId, usageEvent } from './usage-check-kit.js'

/** Follows `nextCursor` to the end; returns every page's events. Fails on a runaway walk. */
async function walk(
  usage: UsageStore,
  query: UsageListQuery,
  between?: (page: number) => Promise<void>,
): Promise<UsageEvent[][]> {
  const pages: UsageEvent[][] = []
  let cursor: string | null = null
  do {
    const page = await usage.list({ ...query, cursor })
    pages.push(page.events)
    cursor = page.nextCursor
    if (pages.length > 1000) throw new Error('list kept returning a nextCursor')
    if (between !== undefined) await between(pages.length)
  } while (cursor !== null)
  return pages
}

/** Recording and export checks: defaults, round trips, order and keyset pagination. */
export const usageListChecks = {
  'record fills in defaults and at = the store clock': async ({ usage, clock }) => {
    clock.advance(1234)
    const account = uniqueId('usage-defaults')
    const now = clock.now()
    const event = await usage.record({ account, feature: 'chat', amount: 0, status: 'ok' })
    const expected: UsageEvent = {
      id: event.id,
      account,
      userId: null,
      feature: 'chat',
      amount: 0,
      shortfall: 0,
      model: null,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      quantity: 0,
      status: 'ok',
      latencyMs: null,
      metadata: null,
      at: now,
    }
    expect(typeof event.id).toBe('string')
    expect(event).toEqual(expected)
    const page = await usage.list({ account, from: now, to: now + 1 })
    expect(page).toEqual({ events: [expected], nextCursor: null })
  },

  'record stores every field given and list returns it unchanged': async ({ usage }) => {
    const account = uniqueId('usage-fields')
    const at = uniqueDay() + 7 * HOUR + 123
    const given = {
      account,
      userId: 'member-7',
      feature: 'image',
      amount: 1_300,
      shortfall: 200,
      model: 'gpt-image-1',
      inputTokens: 11,
      cachedInputTokens: 3,
      outputTokens: 4_160,
      quantity: 2,
      status: 'aborted' as const,
      latencyMs: 812,
      metadata: { size: '1024x1024', nested: { quality: 'low', n: [1, 2] } },
    }
    const event = await usage.record({ ...given, at: new Date(at) })
    expect(event).toEqual({ id: event.id, ...given, at })
    const page = await usage.list({ account, from: at, to: at + 1 })
    expect(page.events).toEqual([event])
  },

  'list walks every event exactly once, oldest first, even while events are added': async ({ usage }) => {
    const account = uniqueId('usage-walk')
    const day = uniqueDay()
    // 23 events on 8 distinct instants (ties on `at` must still page exactly once), recorded out of order.
    const offsets = Array.from({ length: 23 }, (_, i) => Math.floor(i / 3) * 1000)
    const shuffled = [...offsets].sort(() => Math.random() - 0.5)
    const ids = await recordAll(
      usage,
      shuffled.map((o) => usageEvent(account, day + HOUR + o)),
    )
    const pages = await walk(usage, { account, from: day, to: day + DAY, limit: 5 }, async (page) => {
      // A late event before the cursor must neither appear later nor shift the remaining pages.
      if (page === 1) await usage.record(usageEvent(account, day + 1))
    })
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3])
    const seen = pages.flat()
    expect(seen.map((e) => e.id).sort()).toEqual([...ids].sort())
    expect(seen.map((e) => e.at)).toEqual([...offsets].sort((a, b) => a - b).map((o) => day + HOUR + o))
    // Two walks agree: the order, ties included, is stable.
    const again = (await walk(usage, { account, from: day + HOUR, to: day + DAY, limit: 7 })).flat()
    expect(again.map((e) => e.id)).toEqual(seen.map((e) => e.id))
  },

  'list honours from inclusive and to exclusive': async ({ usage }) => {
    const account = uniqueId('usage-list-range')
    const day = uniqueDay()
    const from = day + 2 * HOUR
    const to = day + 3 * HOUR
    await recordAll(usage, [
      usageEvent(account, from - 1, { amount: 1 }),
      usageEvent(account, from, { amount: 2 }),
      usageEvent(account, to - 1, { amount: 4 }),
      usageEvent(account, to, { amount: 8 }),
    ])
    const page = await usage.list({ account, from, to })
    expect(page.events.map((e) => [e.at, e.amount])).toEqual([
      [from, 2],
      [to - 1, 4],
    ])
    expect(page.nextCursor).toBeNull()
    const empty = await usage.list({ account, from: to + 1, to: to + HOUR })
    expect(empty).toEqual({ events: [], nextCursor: null })
  },

  "list of ALL_ACCOUNTS returns every account's events in range; one account only its own": async ({ usage }) => {
    const a = uniqueId('usage-list-a')
    const b = uniqueId('usage-list-b')
    const day = uniqueDay()
    await recordAll(usage, [
      usageEvent(a, day + 3, { amount: 1 }),
      usageEvent(b, day + 1, { amount: 2 }),
      usageEvent(a, day + 2, { amount: 4 }),
    ])
    const all = await usage.list({ account: ALL_ACCOUNTS, from: day, to: day + DAY })
    expect(all.events.map((e) => [e.account, e.at])).toEqual([
      [b, day + 1],
      [a, day + 2],
      [a, day + 3],
    ])
    const onlyA = await usage.list({ account: a, from: day, to: day + DAY })
    expect(onlyA.events.map((e) => [e.account, e.at])).toEqual([
      [a, day + 2],
      [a, day + 3],
    ])
  },

  'list returns 100 events by default and at most 1000': async ({ usage }) => {
    const account = uniqueId('usage-default-limit')
    const day = uniqueDay()
    await recordAll(
      usage,
      Array.from({ length: 101 }, (_, i) => usageEvent(account, day + i)),
    )
    const first = await usage.list({ account, from: day, to: day + DAY })
    expect(first.events).toHaveLength(100)
    expect(first.nextCursor).not.toBeNull()
    const rest = await usage.list({ account, from: day, to: day + DAY, cursor: first.nextCursor })
    expect(rest.events.map((e) => e.at)).toEqual([day + 100])
    expect(rest.nextCursor).toBeNull()
    const big = await usage.list({ account, from: day, to: day + DAY, limit: 1000 })
    expect(big.events).toHaveLength(101)
  },
} satisfies Record<string, UsageCheck>
