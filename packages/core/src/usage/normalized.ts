import type { KeysetPosition } from './keyset-cursor.js'
import type { UsageEvent } from './types.js'

/** A usage event as every store writes it: validated, defaults filled in, `at` in epoch ms. */
export type NormalizedUsageEvent = Omit<UsageEvent, 'id'>

/** A validated stats query, instants in epoch ms. */
export interface NormalizedUsageStatsQuery {
  /** An account id or `'all'`. */
  account: string
  from: number
  to: number
  bucket: 'hour' | 'day'
  byFeature: boolean
}

/** A validated list query, instants in epoch ms, cursor decoded. */
export interface NormalizedUsageListQuery {
  /** An account id or `'all'`. */
  account: string
  from: number
  to: number
  /** Start strictly after this (at, id); null for the first page. */
  after: KeysetPosition | null
  limit: number
}
