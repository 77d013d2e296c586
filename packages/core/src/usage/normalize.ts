import {
  accountSchema,
  parse,
  toEpoch,
  usageEventInputSchema,
  usageListQuerySchema,
  usageStatsQuerySchema,
} from '../schemas.js'
import { ALL_ACCOUNTS, type AllAccounts } from './all-accounts.js'
import type {
  NormalizedUsageEvent,
  NormalizedUsageListQuery,
  NormalizedUsageRecord,
  NormalizedUsageStatsQuery,
} from './normalized.js'
import type { UsageBucket, UsageEventInput, UsageListQuery, UsageStatsQuery } from './types.js'

export type {
  NormalizedUsageEvent,
  NormalizedUsageListQuery,
  NormalizedUsageRecord,
  NormalizedUsageStatsQuery,
} from './normalized.js'

/** One hour in ms, the size of an `'hour'` bucket. */
export const HOUR_MS = 3_600_000
/** One day in ms, the size of a `'day'` bucket (UTC days have no DST). */
export const DAY_MS = 86_400_000

/** Validates a usage event and fills in its defaults; a missing `at` stays null (the store's now). */
export function normalizeUsageEvent(input: UsageEventInput): NormalizedUsageRecord {
  const v = parse(usageEventInputSchema, input, 'usage event')
  return {
    account: v.account,
    userId: v.userId ?? null,
    feature: v.feature,
    amount: v.amount,
    shortfall: v.shortfall ?? 0,
    model: v.model ?? null,
    inputTokens: v.inputTokens ?? 0,
    cachedInputTokens: v.cachedInputTokens ?? 0,
    outputTokens: v.outputTokens ?? 0,
    quantity: v.quantity ?? 0,
    status: v.status,
    latencyMs: v.latencyMs ?? null,
    metadata: v.metadata ?? null,
    at: v.at === undefined ? null : toEpoch(v.at),
  }
}

/** An account id, validated, or null for `ALL_ACCOUNTS`. */
export function normalizeAccountOrAll(account: unknown): string | null {
  return account === ALL_ACCOUNTS ? null : parse(accountSchema, account, 'account')
}

/** Validates a stats query (`from < to`, at most 400 days) and its account (or `ALL_ACCOUNTS`). */
export function normalizeUsageStatsQuery(
  account: string | AllAccounts,
  query: UsageStatsQuery,
): NormalizedUsageStatsQuery {
  const a = normalizeAccountOrAll(account)
  const v = parse(usageStatsQuerySchema, query, 'usage stats query')
  return { account: a, from: toEpoch(v.from), to: toEpoch(v.to), bucket: v.bucket, byFeature: v.by === 'feature' }
}

/** Validates a list query; the store decodes the cursor (its own format) and refuses a forged one. */
export function normalizeUsageListQuery(query: UsageListQuery): NormalizedUsageListQuery {
  const v = parse(usageListQuerySchema, query, 'usage list query')
  const a = normalizeAccountOrAll(v.account)
  return {
    account: a,
    from: toEpoch(v.from),
    to: toEpoch(v.to),
    cursor: v.cursor ?? null,
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
