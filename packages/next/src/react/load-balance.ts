import { requestJson, toError } from './request.js'
import type { MeteredStore } from './store.js'
import type { BalanceResponse } from './types.js'

// One balance request per store at a time, however many components (or stream ends) ask.
const inflight = new WeakMap<MeteredStore, Promise<void>>()

/**
 * Loads `GET url` (the balance route) into the store, sharing a request already under way.
 * `fetchImpl` is any fetch: the metered one (which also reads the response's headers) or a plain one.
 */
export function loadBalance(store: MeteredStore, fetchImpl: typeof fetch, url: string): Promise<void> {
  const running = inflight.get(store)
  if (running) return running
  store.setState({ balanceStatus: 'loading', balanceError: null })
  const done = requestJson<BalanceResponse>(fetchImpl, url)
    .then(
      (b) => store.setState({ balance: { available: b.available, held: b.held }, balanceStatus: 'ready' }),
      (e) => store.setState({ balanceStatus: 'error', balanceError: toError(e) }),
    )
    .finally(() => inflight.delete(store))
  inflight.set(store, done)
  return done
}
