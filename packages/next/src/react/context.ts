import { createContext, useContext, useSyncExternalStore } from 'react'
import type { MeteredFetch } from './metered-fetch.js'
import type { MeteredState, MeteredStore } from './store.js'

/** What `MeteredProvider` hands to the hooks. */
export interface MeteredContextValue {
  store: MeteredStore
  /** Updates the store from each response. */
  fetch: MeteredFetch
  /** The provider's `fetch` without store updates, for admin calls about other accounts. */
  rawFetch: typeof fetch
  /** Prefix of the metered routes, e.g. `/api`. */
  baseUrl: string
}

export const MeteredContext = createContext<MeteredContextValue | null>(null)

/** The provider's value; throws outside `MeteredProvider`, where there is no store to read. */
export function useMeteredContext(): MeteredContextValue {
  const value = useContext(MeteredContext)
  if (!value) throw new Error('@metered/next/react: wrap your app in <MeteredProvider>')
  return value
}

/**
 * One slice of the shared state; re-renders only when the selected value changes (by `Object.is`),
 * so select primitives or objects the store keeps as they are.
 */
export function useMeteredState<T>(select: (state: MeteredState) => T): T {
  const { store } = useMeteredContext()
  const get = () => select(store.getState())
  // The server snapshot is the same store: it holds `initialBalance`, so SSR and hydration agree.
  return useSyncExternalStore(store.subscribe, get, get)
}

/**
 * The provider's store, to change the shared state from an event handler.
 * @example
 * const store = useMeteredStore()
 * <button onClick={() => store.setState({ problem: null })}>Dismiss</button>
 */
export function useMeteredStore(): MeteredStore {
  return useMeteredContext().store
}

/**
 * The provider's `meteredFetch`: use it for the app's own metered calls (chat, image) so the
 * balance and rate-limit hooks update from their response headers, streamed or not.
 * @example
 * const meteredFetch = useMeteredFetch()
 * const res = await meteredFetch('/api/turn_response', { method: 'POST', body: JSON.stringify({ messages }) })
 */
export function useMeteredFetch(): MeteredFetch {
  return useMeteredContext().fetch
}
