import { fastUsageEvent } from '../fast-parse.js'
import { accountSchema, parse, toEpoch, usageListQuerySchema, usageStatsQuerySchema } from '../schemas.js'
import { decodeKeysetCursor } from './keyset-cursor.js'
import { normalizeUsageEventWithZod } from './normalize-zod.js'
import type { NormalizedUsageEvent, NormalizedUsageListQuery, NormalizedUsageStatsQuery } from './normalized.js'
import type { UsageBucket, UsageEventInput, UsageListQuery, UsageStatsQuery } from './types.js'

// The shapes live in a leaf module so that fast-parse.ts and normalize-zod.ts can name them
// without importing this file, which imports both of them.
export type { NormalizedUsageEvent, NormalizedUsageListQuery, NormalizedUsageStatsQuery } from './normalized.js'

/** One hour in ms, the size of an `'hour'` bucket. */
export const HOUR_MS = 3_600_000
/** One day in ms, the size of a `'day'` bucket (UTC days have no DST). */
export const DAY_MS = 86_400_000

/** Validates a usage event and fills in its defaults; `now` is the store's clock reading. */
export function normalizeUsageEvent(input: UsageEventInput, now: number): NormalizedUsageEvent {
  // Hand-written check first (fast-parse.ts): same value for the common valid shapes, zod for the rest.
  return fastUsageEvent(input, now) ?? normalizeUsageEventWithZod(input, now)
}

/** Validates a stats query (`from < to`, at most 400 days) and its account (or `'all'`). */
export function normalizeUsageStatsQuery(account: string, query: UsageStatsQuery): NormalizedUsageStatsQuery {
  const a = parse(accountSchema, account, 'account')
  const v = parse(usageStatsQuerySchema, query, 'usage stats query')
  return { account: a, from: toEpoch(v.from), to: toEpoch(v.to), bucket: v.bucket, byFeature: v.by === 'feature' }
}

/** Validates a list query; the cursor is decoded here so a forged one is a `ValidationError`. */
export function normalizeUsageListQuery(query: UsageListQuery): NormalizedUsageListQuery {
  const v = parse(usageListQuerySchema, query, 'usage list query')
  return {
    account: v.account,
    from: toEpoch(v.from),
    to: toEpoch(v.to),
    after: v.cursor == null ? null : decodeKeysetCursor(v.cursor),
    limit: v.limit ?? 100,
  }
}

/** Start of the UTC hour or day holding `at`. Epoch ms has no leap seconds, so days are exact. */
export function bucketStart(at: number, bucket: 'hour' | 'day'): number {
  const size = bucket === 'hour' ? HOUR_MS : DAY_MS
  return Math.floor(at / size) * size
}

/** An empty aggregate, to add events into. */
export function emptyTotals(): Omit<UsageBucket, 'start' | 'feature'> {
  return { events: 0, amount: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, quantity: 0, errors: 0 }
}

/** Adds one event into an aggregate in place. */
export function addToTotals(totals: Omit<UsageBucket, 'start' | 'feature'>, event: NormalizedUsageEvent): void {
  totals.events += 1
  totals.amount += event.amount
  totals.inputTokens += event.inputTokens
  totals.cachedInputTokens += event.cachedInputTokens
  totals.outputTokens += event.outputTokens
  totals.quantity += event.quantity
  if (event.status === 'error') totals.errors += 1
}
