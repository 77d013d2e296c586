import { useCallback, useEffect } from 'react'
import { useMeteredContext, useMeteredState } from './context.js'
import { loadBalance } from './load-balance.js'

/** What `useCredits` returns: the balance and the last refusal. */
export interface UseCreditsResult {
  /** Credits the account can spend; null until known. */
  available: number | null
  /** Credits reserved by streams in flight; null until a balance response said. */
  held: number | null
  /** True while a balance request is under way, and before the first one without `initialBalance`. */
  loading: boolean
  error: Error | null
  /**
   * The output cap (tokens) the last metered answer was lowered to because the balance could not
   * cover a full one (`withCredits({ fit })`); null when it was not. Show it as "answer shortened".
   */
  fittedOutputTokens: number | null
  /** Fetch `GET {baseUrl}/credits/balance` again (e.g. after a stream settled). */
  refresh: () => Promise<void>
}

/**
 * The signed-in account's credits. Fetched once when the provider has no `initialBalance`, then
 * kept current by every metered response's `Credits-Remaining` without further requests (plus
 * one after each metered stream ends, for the settled amount).
 * @example
 * const { available, loading } = useCredits()
 */
export function useCredits(): UseCreditsResult {
  const { store, fetch, baseUrl } = useMeteredContext()
  const balance = useMeteredState((s) => s.balance)
  const status = useMeteredState((s) => s.balanceStatus)
  const error = useMeteredState((s) => s.balanceError)
  const fittedOutputTokens = useMeteredState((s) => s.fittedOutputTokens)
  const refresh = useCallback(() => loadBalance(store, fetch, `${baseUrl}/credits/balance`), [store, fetch, baseUrl])
  useEffect(() => {
    if (store.getState().balanceStatus === 'idle') void refresh()
  }, [store, refresh])
  return {
    available: balance?.available ?? null,
    held: balance?.held ?? null,
    loading: status === 'loading' || (status === 'idle' && !balance),
    error,
    fittedOutputTokens,
    refresh,
  }
}
