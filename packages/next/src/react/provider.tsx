import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react'
import { MeteredContext, type MeteredContextValue } from './context.js'
import { createMeteredFetch } from './metered-fetch.js'
import { createMeteredStore, type MeteredStore, type MeteredStoreOptions, toBalance } from './store.js'

/** Props of `<MeteredProvider>`. */
export interface MeteredProviderProps {
  /**
   * Prefix of the metered routes (`/credits/*`, `/profile/*`, `/admin/*`).
   * @default '/api'
   */
  baseUrl?: string | undefined
  /**
   * Credits read on the server for the first paint (no loading flash, no balance request).
   * A later value (e.g. after `router.refresh()`) replaces the shown balance.
   * @example <MeteredProvider initialBalance={available}>
   * Default: none (the balance is fetched on mount).
   */
  initialBalance?: MeteredStoreOptions['initialBalance']
  /**
   * The `fetch` every hook and `meteredFetch` call goes through (auth headers, tests). May change
   * between renders without refetching anything.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch | undefined
  /**
   * A store made with `createMeteredStore`, to share it with code outside React. Used in the
   * browser only: a module-level store is shared by every request on the server, so server
   * rendering uses a fresh one holding `initialBalance`.
   * Default: a store of the provider's own.
   */
  store?: MeteredStore | undefined
  /**
   * Fetch the balance once each metered stream has ended, to show the settled amount instead of
   * the balance after the stream's hold.
   * @default true
   */
  refreshAfterStream?: boolean | undefined
  /** The app below the provider. Default: none. */
  children?: ReactNode
}

/**
 * Holds the shared credits, rate-limit and refusal state for the hooks and components below it.
 * Put it in the App Router root layout (it is a client component; the layout stays a server one).
 * @example
 * <MeteredProvider initialBalance={available}>{children}</MeteredProvider>
 */
export function MeteredProvider({
  baseUrl = '/api',
  initialBalance,
  fetch: fetchImpl,
  store,
  refreshAfterStream = true,
  children,
}: MeteredProviderProps) {
  const [own] = useState(() => {
    if (!store || typeof window === 'undefined') return createMeteredStore({ initialBalance })
    const balance = toBalance(initialBalance)
    // Seeded before anything subscribes, so hydration matches the server's markup.
    if (balance && !store.getState().balance) store.setState({ balance, balanceStatus: 'ready' })
    return store
  })
  // The latest `fetch` is read per call: an inline function prop must not refetch every hook.
  const fetchRef = useRef(fetchImpl)
  fetchRef.current = fetchImpl
  const value = useMemo<MeteredContextValue>(() => {
    const rawFetch: typeof fetch = (input, init) => (fetchRef.current ?? globalThis.fetch)(input, init)
    const base = baseUrl.replace(/\/$/, '')
    const balanceUrl = refreshAfterStream ? `${base}/credits/balance` : null
    return { store: own, fetch: createMeteredFetch(own, rawFetch, { balanceUrl }), rawFetch, baseUrl: base }
  }, [own, baseUrl, refreshAfterStream])
  // A new server value (a refreshed layout) replaces the balance; the first one is already in.
  const next = toBalance(initialBalance)
  const seen = useRef(`${next?.available}/${next?.held}`)
  useEffect(() => {
    const key = `${next?.available}/${next?.held}`
    if (!next || key === seen.current) return
    seen.current = key
    own.setState({ balance: next, balanceStatus: 'ready', balanceError: null })
  })
  return <MeteredContext.Provider value={value}>{children}</MeteredContext.Provider>
}
