import type { CreditsBalance, MeteredProblem, RateLimitState } from './types.js'

/** Everything the hooks share, updated by every metered response. */
export interface MeteredState {
  /** Null until a balance response, a `Credits-Remaining` field or `initialBalance` arrives. */
  balance: CreditsBalance | null
  /** `GET /credits/balance` progress; `'ready'` also once a header supplied the balance. */
  balanceStatus: 'idle' | 'loading' | 'ready' | 'error'
  balanceError: Error | null
  /** The last `RateLimit` field seen. */
  rateLimit: RateLimitState | null
  /** While rate limited: when to retry (epoch ms, from `Retry-After`). */
  retryAt: number | null
  /** The last 402 or 429 refusal; cleared by the next successful metered response. */
  problem: MeteredProblem | null
  /**
   * The output cap (tokens) the last metered response's answer was lowered to because the balance
   * could not cover a full one (`Fitted-Output-Tokens`); null when it was not lowered.
   */
  fittedOutputTokens: number | null
}

/**
 * A tiny framework-free store (the shape `useSyncExternalStore` wants), so `meteredFetch` can
 * update the hooks from outside React: from a chat client, a worker or a test.
 */
export interface MeteredStore {
  /** The current state. */
  getState(): MeteredState
  /** Merges a patch (or the result of a function of the state) and notifies the listeners. */
  setState(patch: Partial<MeteredState> | ((state: MeteredState) => Partial<MeteredState>)): void
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void
}

/** Options of `createMeteredStore`. */
export interface MeteredStoreOptions {
  /**
   * Credits known on the server at render time, so the first paint shows them (no loading flash)
   * and no balance request is made. A number means `available`. Default: none (unknown until
   * the first balance request).
   */
  initialBalance?: number | { available: number; held?: number | null } | null | undefined
}

/** Normalizes the `initialBalance` forms. */
export function toBalance(value: MeteredStoreOptions['initialBalance']): CreditsBalance | null {
  if (value === null || value === undefined) return null
  return typeof value === 'number'
    ? { available: value, held: null }
    : { available: value.available, held: value.held ?? null }
}

/**
 * Creates the shared state. `MeteredProvider` makes one per mount; create your own to use
 * `createMeteredFetch` outside React and pass it to the provider as `store`.
 * @example
 * const store = createMeteredStore({ initialBalance: 120 })
 * const meteredFetch = createMeteredFetch(store)
 */
export function createMeteredStore(options: MeteredStoreOptions = {}): MeteredStore {
  const balance = toBalance(options.initialBalance)
  let state: MeteredState = {
    balance,
    balanceStatus: balance ? 'ready' : 'idle',
    balanceError: null,
    rateLimit: null,
    retryAt: null,
    problem: null,
    fittedOutputTokens: null,
  }
  const listeners = new Set<() => void>()
  return {
    getState: () => state,
    setState(patch) {
      const next = typeof patch === 'function' ? patch(state) : patch
      state = { ...state, ...next }
      for (const listener of listeners) listener()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
