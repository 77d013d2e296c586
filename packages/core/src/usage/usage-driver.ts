import type { NormalizedUsageListQuery, NormalizedUsageRecord, NormalizedUsageStatsQuery } from './normalized.js'
import type { UsageEvent, UsagePage, UsageStats } from './types.js'

/**
 * A usage store as `usageStoreFrom` drives it: events and queries validated and defaulted. An
 * event's `at` is null when the caller gave none (the store's clock applies); a list query's
 * cursor is the caller's string, which the driver decodes in its own format (and refuses with a
 * `ValidationError` when it did not issue it).
 */
export interface UsageDriver {
  /** `UsageStore.record` on a validated event. */
  record(event: NormalizedUsageRecord): Promise<UsageEvent>
  /** `UsageStore.stats` on a validated query. */
  stats(query: NormalizedUsageStatsQuery): Promise<UsageStats>
  /** `UsageStore.list` on a validated query. */
  list(query: NormalizedUsageListQuery): Promise<UsagePage>
}
