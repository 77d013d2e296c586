import { ALL_ACCOUNTS } from '../src/usage/all-accounts.js'
import type { UsageBucket, UsageEvent, UsageStore } from '../src/usage/types.js'

/**
 * Usage stores with one deliberate bug each, built by wrapping the memory store. The broken
 * suite test shows the conformance checks catch every one of them.
 */

const HOUR = 3_600_000
const DAY = 86_400_000

/** Counts everything after `from`, as if the `to` bound were dropped from the WHERE clause. */
export function statsIgnoringTo(inner: UsageStore): UsageStore {
  return { ...inner, stats: (account, q) => inner.stats(account, { ...q, to: Number(q.from) + 400 * DAY }) }
}

/** Answers every account's stats with everyone's, as if the account filter were lost. */
export function statsIgnoringAccount(inner: UsageStore): UsageStore {
  return { ...inner, stats: (_account, q) => inner.stats(ALL_ACCOUNTS, q) }
}

/** Truncates days in UTC+1 (a session time zone leaking into date_trunc): 23:00 UTC starts a day. */
export function daysInUtcPlusOne(inner: UsageStore): UsageStore {
  return {
    ...inner,
    async stats(account, q) {
      if (q.bucket !== 'day') return inner.stats(account, q)
      const hourly = await inner.stats(account, { ...q, bucket: 'hour' })
      const days = new Map<string, UsageBucket>()
      for (const b of hourly.buckets) {
        const start = Math.floor((b.start + HOUR) / DAY) * DAY - HOUR
        const key = `${start}|${b.feature}`
        const d = days.get(key)
        if (d === undefined) days.set(key, { ...b, start })
        else
          for (const k of [
            'events',
            'amount',
            'inputTokens',
            'cachedInputTokens',
            'outputTokens',
            'quantity',
            'errors',
          ] as const)
            d[k] += b[k]
      }
      return { buckets: [...days.values()], totals: hourly.totals }
    },
  }
}

/** Forgets cached input tokens in aggregates, a column missed in a SUM list. */
export function statsDroppingCachedTokens(inner: UsageStore): UsageStore {
  return {
    ...inner,
    async stats(account, q) {
      const s = await inner.stats(account, q)
      return {
        buckets: s.buckets.map((b) => ({ ...b, cachedInputTokens: 0 })),
        totals: { ...s.totals, cachedInputTokens: 0 },
      }
    },
  }
}

/** Starts each next page with the previous page's last event (a `>=` where `>` belonged). */
export function listRepeatingAcrossPages(inner: UsageStore): UsageStore {
  const lastOfPage = new Map<string, UsageEvent>()
  return {
    ...inner,
    async list(q) {
      const page = await inner.list(q)
      const repeated = q.cursor == null ? undefined : lastOfPage.get(q.cursor)
      const last = page.events.at(-1)
      if (page.nextCursor !== null && last !== undefined) lastOfPage.set(page.nextCursor, last)
      return { ...page, events: repeated === undefined ? page.events : [repeated, ...page.events] }
    },
  }
}

/** Repairs bad numbers instead of refusing them: negative counts are stored as their absolute value. */
export function recordSanitisingInput(inner: UsageStore): UsageStore {
  return {
    ...inner,
    record(e) {
      const fixed = { ...e }
      for (const k of [
        'amount',
        'shortfall',
        'inputTokens',
        'cachedInputTokens',
        'outputTokens',
        'quantity',
      ] as const) {
        const v = fixed[k]
        if (typeof v === 'number') fixed[k] = Math.round(Math.abs(v))
      }
      return inner.record(fixed)
    },
  }
}

/** Every broken usage store above, by name. */
export const brokenUsageStores = {
  statsIgnoringTo,
  statsIgnoringAccount,
  daysInUtcPlusOne,
  statsDroppingCachedTokens,
  listRepeatingAcrossPages,
  recordSanitisingInput,
}
