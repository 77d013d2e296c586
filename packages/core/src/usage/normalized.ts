import type { UsageEvent } from './types.js'

/** A usage event as every store writes it: validated, defaults filled in, `at` in epoch ms. */
export type NormalizedUsageEvent = Omit<UsageEvent, 'id'>

/** What a usage driver records: a `NormalizedUsageEvent` whose `at` is null when the store's now applies. */
export type NormalizedUsageRecord = Omit<NormalizedUsageEvent, 'at'> & { at: number | null }

/** A validated stats query, instants in epoch ms. */
export interface NormalizedUsageStatsQuery {
  /** An account id, or null for every account (`ALL_ACCOUNTS`). */
  account: string | null
  from: number
  to: number
  bucket: 'hour' | 'day'
  byFeature: boolean
}

/** A validated list query, instants in epoch ms. */
export interface NormalizedUsageListQuery {
  /** An account id, or null for every account (`ALL_ACCOUNTS`). */
  account: string | null
  from: number
  to: number
  /** The `nextCursor` of the previous page as the caller gave it (the store decodes it); null for the first. */
  cursor: string | null
  limit: number
}
