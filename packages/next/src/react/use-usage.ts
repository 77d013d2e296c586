import { useMeteredContext } from './context.js'
import { query, toMs } from './request.js'
import type { UsageStats } from './types.js'
import { useJson } from './use-json.js'

/** Options of `useUsage` (and `<UsageChart>`): the range and bucketing. */
export interface UseUsageOptions {
  /** Start, inclusive (epoch ms or Date). Default: 30 days (daily buckets) or 2 days (hourly) before `to`. */
  from?: number | Date | undefined
  /** End, exclusive. Default: now. */
  to?: number | Date | undefined
  /** @default 'day' */
  bucket?: 'day' | 'hour' | undefined
  /** Split each bucket by feature. Default: one total per bucket. */
  by?: 'feature' | undefined
  /** Another user's usage (admins only; the server refuses anyone else). Default: the caller's own. */
  account?: string | undefined
  /** False to skip the request (e.g. when the data is passed in). @default true */
  enabled?: boolean | undefined
}

/** What `useUsage` returns. */
export interface UseUsageResult {
  stats: UsageStats | null
  loading: boolean
  error: Error | null
  /** Fetches the stats again. */
  refresh: () => Promise<void>
}

/**
 * Usage stats of the signed-in account from `GET {baseUrl}/profile/usage`, amounts in credits.
 * Refetched when the range changes.
 * @example
 * const { stats } = useUsage({ from: Date.now() - 30 * 86_400_000, bucket: 'day', by: 'feature' })
 */
export function useUsage(options: UseUsageOptions = {}): UseUsageResult {
  const { fetch, rawFetch, baseUrl } = useMeteredContext()
  const { from, to, bucket = 'day', by, account, enabled = true } = options
  const url = `${baseUrl}/profile/usage${query({ from: toMs(from), to: toMs(to), bucket, by, account })}`
  const { data, loading, error, refresh } = useJson<UsageStats>(account ? rawFetch : fetch, enabled ? url : null)
  return { stats: data, loading, error, refresh }
}
