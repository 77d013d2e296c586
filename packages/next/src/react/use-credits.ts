import { useCallback, useEffect } from 'react'
import { useMeteredContext, useMeteredState } from './context.js'
import type { MeteredFetch } from './metered-fetch.js'
import { requestJson, toError } from './request.js'
import type { MeteredStore } from './store.js'
import type { BalanceResponse } from './types.js'

export interface UseCreditsResult {
  /** Credits the account can spend; null until known. */
  available: number | null
  /** Credits reserved by streams in flight; null until a balance response said. */
  held: number | null
  /** True while the balance is first fetched (false with `initialBalance`). */
  loading: boolean
  error: Error | null
  /** Fetch `GET {baseUrl}/credits/balance` again (e.g. after a stream settled). */
  refresh: () => Promise<void>
}

// One balance request per store at a time, however many components ask.
const inflight = new WeakMap<MeteredStore, Promise<void>>()

/** Loads `GET {baseUrl}/credits/balance` into the store, sharing a request already under way. */
export function loadBalance(store: MeteredStore, fetchImpl: MeteredFetch, baseUrl: string): Promise<void> {
  const running = inflight.get(store)
  if (running) return running
  store.setState({ balanceStatus: 'loading', balanceError: null })
  const done = requestJson<BalanceResponse>(fetchImpl, `${baseUrl}/credits/balance`)
    .then(
      (b) => store.setState({ balance: { available: b.available, held: b.held }, balanceStatus: 'ready' }),
      (e) => store.setState({ balanceStatus: 'error', balanceError: toError(e) }),
    )
    .finally(() => inflight.delete(store))
  inflight.set(store, done)
  return done
}

/**
 * The signed-in account's credits. Fetched once when the provider has no `initialBalance`, then
 * kept current by every metered response's `Credits-Remaining` without further requests.
 * @example
 * const { available, loading } = useCredits()
 */
export function useCredits(): UseCreditsResult {
  const { store, fetch, baseUrl } = useMeteredContext()
  const balance = useMeteredState((s) => s.balance)
  const status = useMeteredState((s) => s.balanceStatus)
  const error = useMeteredState((s) => s.balanceError)
  const refresh = useCallback(() => loadBalance(store, fetch, baseUrl), [store, fetch, baseUrl])
  useEffect(() => {
    if (store.getState().balanceStatus === 'idle') void refresh()
  }, [store, refresh])
  return {
    available: balance?.available ?? null,
    held: balance?.held ?? null,
    loading: status === 'loading' || (status === 'idle' && !balance),
    error,
    refresh,
  }
}
