import type { Metadata } from '../ledger/types.js'
import type { AllAccounts } from './all-accounts.js'

/** How a metered call ended: charged (`ok`), failed (`error`), cut short by the client (`aborted`) or refused before it ran (`refused`). */
export type UsageStatus = 'ok' | 'error' | 'aborted' | 'refused'

/** One metered call, recorded when it is settled (or refused). */
export interface UsageEventInput {
  account: string
  /** The signed-in user who made the call when the account is shared (an org). */
  userId?: string | null
  /** The metered feature, e.g. `'generate'`, `'image'`. */
  feature: string
  /** Ledger units charged. */
  amount: number
  /** Units asked for but not charged because the balance ran out. @default 0 */
  shortfall?: number
  model?: string | null
  inputTokens?: number
  cachedInputTokens?: number
  outputTokens?: number
  /** Images, tool calls or other countable things the call produced. */
  quantity?: number
  status: UsageStatus
  latencyMs?: number | null
  metadata?: Metadata | null
  /** When it happened. @default the store's now */
  at?: number | Date
}

/** A recorded call, as the store returns it (every field filled in). */
export interface UsageEvent {
  id: string
  account: string
  userId: string | null
  feature: string
  amount: number
  shortfall: number
  model: string | null
  inputTokens: number
  cachedInputTokens: number
  outputTokens: number
  quantity: number
  status: UsageStatus
  latencyMs: number | null
  metadata: Metadata | null
  /** Epoch ms. */
  at: number
}

/** The range and bucketing of `usage.stats`. */
export interface UsageStatsQuery {
  /** Epoch ms or Date, inclusive. */
  from: number | Date
  /** Epoch ms or Date, exclusive. */
  to: number | Date
  bucket: 'hour' | 'day'
  /** Split each bucket by feature. */
  by?: 'feature'
}

/** The calls of one hour or day (and feature, when split): counts and sums. */
export interface UsageBucket {
  /** Start of the bucket, epoch ms, aligned to UTC hours or days. */
  start: number
  /** The feature when `by: 'feature'`, else null. */
  feature: string | null
  events: number
  amount: number
  inputTokens: number
  cachedInputTokens: number
  outputTokens: number
  quantity: number
  errors: number
}

/** What `usage.stats` returns: the non-empty buckets of the range and their totals. */
export interface UsageStats {
  /** Only buckets with events, ordered by start then feature. */
  buckets: UsageBucket[]
  totals: Omit<UsageBucket, 'start' | 'feature'>
}

/** The range and paging of `usage.list` (the export). */
export interface UsageListQuery {
  /** An account id, or `ALL_ACCOUNTS` for every account. */
  account: string | AllAccounts
  from: number | Date
  to: number | Date
  cursor?: string | null
  /** @default 100, at most 1000 */
  limit?: number
}

/** One page of `usage.list`. */
export interface UsagePage {
  /** Oldest first (export order). */
  events: UsageEvent[]
  nextCursor: string | null
}

/** The usage store port: an append-only log of metered calls with aggregate queries. */
export interface UsageStore {
  /** Appends one call to the log. */
  record(event: UsageEventInput): Promise<UsageEvent>
  /** Sums an account's calls (or every account's, with `ALL_ACCOUNTS`) per hour or day. */
  stats(account: string | AllAccounts, query: UsageStatsQuery): Promise<UsageStats>
  /** The calls of a range, oldest first, a page at a time. */
  list(query: UsageListQuery): Promise<UsagePage>
}
